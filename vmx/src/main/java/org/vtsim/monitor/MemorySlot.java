package org.vtsim.monitor;

/**
 * A guest-physical RAM range backed by host-physical memory, as KVM's memory slots: the guest sees
 * {@code size} bytes at {@code guestPhysical}, stored at {@code hostPhysical}. Page aligned.
 */
public record MemorySlot(long guestPhysical, long size, long hostPhysical) {
    public MemorySlot {
        if (size <= 0 || ((guestPhysical | size | hostPhysical) & 0xfff) != 0 || guestPhysical < 0 || hostPhysical < 0) {
            throw new IllegalArgumentException("memory slot must be non-empty and 4 KiB aligned: gpa 0x"
                    + Long.toHexString(guestPhysical) + " size 0x" + Long.toHexString(size) + " hpa 0x"
                    + Long.toHexString(hostPhysical));
        }
    }

    public boolean contains(long gpa) {
        return gpa >= guestPhysical && gpa - guestPhysical < size;
    }

    public long guestEnd() {
        return guestPhysical + size;
    }

    public long hostEnd() {
        return hostPhysical + size;
    }

    public long toHost(long gpa) {
        return hostPhysical + (gpa - guestPhysical);
    }
}
