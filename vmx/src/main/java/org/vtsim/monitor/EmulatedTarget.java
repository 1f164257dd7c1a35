package org.vtsim.monitor;

/**
 * What the memory operand of an instruction the monitor emulates reaches: a device (MMIO, {@link #mmio})
 * or guest RAM the monitor watches (a write-protected guest page-table page under shadow paging). Sizes
 * are 1, 2, 4 or 8 bytes; values are zero-extended.
 */
interface EmulatedTarget {
    long read(long gpa, int size);

    void write(long gpa, int size, long value);

    /** The platform's MMIO, brought up to date before each access (as the CPU does before native MMIO). */
    static EmulatedTarget mmio(Vcpu vcpu) {
        return new EmulatedTarget() {
            @Override
            public long read(long gpa, int size) {
                vcpu.syncDevices();
                long value = vcpu.platform().mmioRead(gpa, size);
                vcpu.devicesTouched();
                return value;
            }

            @Override
            public void write(long gpa, int size, long value) {
                vcpu.syncDevices();
                vcpu.platform().mmioWrite(gpa, size, size == 8 ? value : value & ((1L << (8 * size)) - 1));
                vcpu.devicesTouched();
            }
        };
    }
}
