package org.vtsim.platform;

/**
 * A device made of byte-wide registers, addressed by offset: vm-superio's {@code read(offset)}
 * / {@code write(offset, value)}. {@link #asBusDevice()} puts it on a bus.
 */
public interface ByteRegisters {
    /** Reads the register at {@code offset} (0-255). */
    int read(int offset);

    /** Writes the register at {@code offset} with the low 8 bits of {@code value}. */
    void write(int offset, int value);

    /** A bus view of these registers; the bus splits wider accesses into bytes. */
    default BusDevice asBusDevice() {
        ByteRegisters self = this;
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                return self.read((int) offset) & 0xff;
            }

            @Override
            public void write(long offset, int size, long value) {
                self.write((int) offset, (int) value & 0xff);
            }
        };
    }
}
