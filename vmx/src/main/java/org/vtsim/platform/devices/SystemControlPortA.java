package org.vtsim.platform.devices;

import org.vtsim.platform.ByteRegisters;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * Port 0x92, system control port A ("fast A20 gate"): bit 1 is the A20 gate, bit 0 a fast reset.
 * A20 stays enabled (as firmware leaves it); disabling it would need address wrap-around at
 * 1 MiB, which the model lacks, so it fails loudly. A fast reset asks the run to stop.
 */
public final class SystemControlPortA implements ByteRegisters {
    public static final int PORT = 0x92;
    public static final int FAST_RESET = 0x01;
    public static final int A20_ENABLE = 0x02;

    private int value = A20_ENABLE;
    private boolean resetRequested;

    @Override
    public int read(int offset) {
        return value;
    }

    @Override
    public void write(int offset, int v) {
        if ((v & A20_ENABLE) == 0) {
            throw new UnsupportedFeature("disabling the A20 gate (port 0x92 bit 1 = 0)");
        }
        value = v & ~FAST_RESET & 0xff;
        if ((v & FAST_RESET) != 0) {
            resetRequested = true;
        }
    }

    public boolean resetRequested() {
        return resetRequested;
    }
}
