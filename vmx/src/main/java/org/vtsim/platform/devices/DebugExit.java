package org.vtsim.platform.devices;

import org.vtsim.platform.BusDevice;

/**
 * QEMU's {@code isa-debug-exit} device ({@code -device isa-debug-exit,iobase=0xf4,iosize=0x4}):
 * a write of v anywhere in its range ends the run with exit status (v << 1) | 1, so a guest can
 * never exit with status 0 through it. Reads return 0, as in QEMU.
 */
public final class DebugExit implements BusDevice {
    public static final int DEFAULT_PORT = 0xf4;
    public static final int DEFAULT_SIZE = 4;

    private boolean exited;
    private long writtenValue;

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (!exited) {
            exited = true;
            writtenValue = value;
        }
    }

    @Override
    public int maxAccessSize() {
        return 4;
    }

    public boolean exited() {
        return exited;
    }

    /** (v << 1) | 1 for the first value written; only meaningful once {@link #exited()}. */
    public int exitStatus() {
        if (!exited) {
            throw new IllegalStateException("the guest has not written the exit device");
        }
        return (int) ((writtenValue << 1) | 1);
    }
}
