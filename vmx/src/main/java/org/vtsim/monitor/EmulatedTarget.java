package org.vtsim.monitor;

/**
 * What the memory operand of an instruction the monitor emulates reaches: a device (MMIO, {@link #mmio}),
 * guest-physical memory no slot and no device claims ({@link UnassignedMemory}), or guest RAM the monitor
 * watches (a write-protected guest page-table page under shadow paging). Sizes are 1, 2, 4 or 8 bytes,
 * within one page; values are zero-extended.
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
                return size == 8 ? value : value & ((1L << (8 * size)) - 1);
            }

            @Override
            public void write(long gpa, int size, long value) {
                vcpu.syncDevices();
                vcpu.platform().mmioWrite(gpa, size, size == 8 ? value : value & ((1L << (8 * size)) - 1));
                vcpu.devicesTouched();
            }
        };
    }

    /** Guest RAM through the slots, {@code size} bytes at a time. */
    static EmulatedTarget ram(org.vtsim.ept.PhysicalMemory memory) {
        return new EmulatedTarget() {
            @Override
            public long read(long gpa, int size) {
                return switch (size) {
                    case 1 -> memory.read8(gpa);
                    case 2 -> memory.read16(gpa);
                    case 4 -> memory.read32(gpa) & 0xffffffffL;
                    default -> memory.read64(gpa);
                };
            }

            @Override
            public void write(long gpa, int size, long value) {
                switch (size) {
                    case 1 -> memory.write8(gpa, (int) value);
                    case 2 -> memory.write16(gpa, (int) value);
                    case 4 -> memory.write32(gpa, (int) value);
                    default -> memory.write64(gpa, value);
                }
            }
        };
    }

    /**
     * Guest-physical memory as the guest's bus decodes it, for an emulated instruction's operand away from
     * the intercepted page (the RAM side of a MOVS to or from a device): the slots' RAM, else the MMIO
     * window's devices, else unassigned memory.
     */
    static EmulatedTarget guestPhysical(Vcpu vcpu) {
        return new EmulatedTarget() {
            private EmulatedTarget route(long gpa) {
                if (vcpu.vm().memory().slotOf(gpa) != null) {
                    return null;
                }
                if (gpa >= vcpu.platform().mmioStart() && gpa < vcpu.platform().mmioEnd()) {
                    return mmio(vcpu);
                }
                return UnassignedMemory.of(vcpu);
            }

            @Override
            public long read(long gpa, int size) {
                EmulatedTarget t = route(gpa);
                if (t != null) {
                    return t.read(gpa, size);
                }
                return ram(vcpu.access().physical()).read(gpa, size);
            }

            @Override
            public void write(long gpa, int size, long value) {
                EmulatedTarget t = route(gpa);
                if (t != null) {
                    t.write(gpa, size, value);
                    return;
                }
                ram(vcpu.access().physical()).write(gpa, size, value);
            }
        };
    }
}
