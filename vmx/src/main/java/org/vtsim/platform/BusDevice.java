package org.vtsim.platform;

/**
 * A device seen through a bus: reads and writes at an offset from the start of the range it
 * was registered at (the style of rust-vmm's vm-superio and Firecracker's {@code BusDevice}).
 *
 * <p>{@code size} is 1, 2, 4 or 8 and never larger than {@link #maxAccessSize()}: the bus
 * splits wider accesses into byte accesses, as QEMU's memory core does for devices whose
 * registers are one byte wide (a 16-bit IN from 0x3f8 reads 0x3f8 then 0x3f9).
 */
public interface BusDevice {
    /** Reads {@code size} bytes at {@code offset}; the value is zero-extended. */
    long read(long offset, int size);

    /** Writes the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);

    /** The widest access the device handles itself. */
    default int maxAccessSize() {
        return 1;
    }
}
