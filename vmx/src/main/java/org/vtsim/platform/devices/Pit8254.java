package org.vtsim.platform.devices;

import org.vtsim.platform.ByteRegisters;
import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.platform.IrqLine;

/**
 * The PC's 8254 programmable interval timer at ports 0x40-0x43, clocked at 1.193182 MHz.
 * Counter 0 drives IRQ0; counter 2's GATE and OUT are on port 0x61 ({@link SystemControlPortB});
 * counter 1 (DRAM refresh) counts but drives nothing.
 */
public final class Pit8254 implements ByteRegisters {
    public static final int BASE_PORT = 0x40;
    /** The PIT input clock of the PC, as QEMU uses it (PIT_FREQ). */
    public static final long FREQUENCY_HZ = 1_193_182L;
    public static final int CONTROL = 3;

    // Control word fields (datasheet, "Control Word Format").
    public static final int CW_SC_SHIFT = 6;
    public static final int CW_SC_READ_BACK = 3;
    // Read-back command bits.
    public static final int RB_NOT_COUNT = 0x20; // 0 = latch count of selected counters
    public static final int RB_NOT_STATUS = 0x10; // 0 = latch status of selected counters
    public static final int RB_CNT0 = 0x02;
    public static final int RB_CNT1 = 0x04;
    public static final int RB_CNT2 = 0x08;

    private final PitChannel[] channels = new PitChannel[3];

    public Pit8254(EventScheduler scheduler, long cpuHz, IrqLine irq0) {
        DeviceClock clock = new DeviceClock(FREQUENCY_HZ, cpuHz);
        channels[0] = new PitChannel(0, clock, scheduler, irq0, true);
        channels[1] = new PitChannel(1, clock, scheduler, IrqLine.NONE, true);
        // Counter 2's GATE is port 0x61 bit 0, low at reset.
        channels[2] = new PitChannel(2, clock, scheduler, IrqLine.NONE, false);
    }

    public PitChannel channel(int i) {
        return channels[i];
    }

    @Override
    public int read(int offset) {
        return offset == CONTROL ? 0xff : channels[offset].read(); // the control word is write-only
    }

    @Override
    public void write(int offset, int value) {
        value &= 0xff;
        if (offset != CONTROL) {
            channels[offset].writeCount(value);
            return;
        }
        int sc = value >>> CW_SC_SHIFT;
        if (sc == CW_SC_READ_BACK) {
            for (int i = 0; i < 3; i++) {
                if ((value & (RB_CNT0 << i)) != 0) {
                    // Status first, then count, if both are latched (datasheet, read-back).
                    if ((value & RB_NOT_STATUS) == 0) {
                        channels[i].latchStatus();
                    }
                    if ((value & RB_NOT_COUNT) == 0) {
                        channels[i].latchCount();
                    }
                }
            }
            return;
        }
        channels[sc].control(value & 0x3f);
    }
}
