package org.vtsim.monitor;

import org.vtsim.ept.PhysicalMemory;

/**
 * Guest-physical memory as the monitor sees it: each access goes through the slots to host memory;
 * an address outside every slot throws {@link OutsideSlots}. Used to walk the guest's page tables and
 * to read or write guest memory for emulated instructions (string I/O, MMIO decoding).
 */
final class GuestPhysicalMemory implements PhysicalMemory {
    /** A guest-physical access outside the guest's memory slots. */
    static final class OutsideSlots extends RuntimeException {
        final long gpa;

        OutsideSlots(long gpa) {
            super("guest-physical address 0x" + Long.toHexString(gpa) + " is outside the guest's memory slots");
            this.gpa = gpa;
        }
    }

    private final GuestMemory guest;
    private final PhysicalMemory host;
    private final boolean unassignedOutside;

    GuestPhysicalMemory(GuestMemory guest) {
        this(guest, false);
    }

    /**
     * @param unassignedOutside an access outside the slots behaves as unassigned memory on a PC (reads all
     *     ones, writes dropped) instead of throwing {@link OutsideSlots}: the view the shadow MMU's guest walks
     *     use, where a guest paging structure outside the slots reads as reserved bits (#PF with RSVD)
     */
    GuestPhysicalMemory(GuestMemory guest, boolean unassignedOutside) {
        this.guest = guest;
        this.host = guest.host();
        this.unassignedOutside = unassignedOutside;
    }

    /** The host address of {@code size} bytes at {@code gpa}; -1 outside the slots if they read as unassigned. */
    private long hpa(long gpa, int size) {
        MemorySlot s = guest.slotOf(gpa);
        if (s == null || !s.contains(gpa + size - 1)) {
            if (unassignedOutside) {
                return -1;
            }
            throw new OutsideSlots(s == null ? gpa : gpa + size - 1);
        }
        return s.toHost(gpa);
    }

    @Override
    public long size() {
        long end = 0;
        for (MemorySlot s : guest.slots()) {
            end = Math.max(end, s.guestEnd());
        }
        return end;
    }

    @Override
    public int read8(long pa) {
        long h = hpa(pa, 1);
        return h < 0 ? 0xff : host.read8(h);
    }

    @Override
    public int read16(long pa) {
        long h = hpa(pa, 2);
        return h < 0 ? 0xffff : host.read16(h);
    }

    @Override
    public int read32(long pa) {
        long h = hpa(pa, 4);
        return h < 0 ? -1 : host.read32(h);
    }

    @Override
    public long read64(long pa) {
        long h = hpa(pa, 8);
        return h < 0 ? -1L : host.read64(h);
    }

    @Override
    public void write8(long pa, int value) {
        long h = hpa(pa, 1);
        if (h >= 0) {
            host.write8(h, value);
        }
    }

    @Override
    public void write16(long pa, int value) {
        long h = hpa(pa, 2);
        if (h >= 0) {
            host.write16(h, value);
        }
    }

    @Override
    public void write32(long pa, int value) {
        long h = hpa(pa, 4);
        if (h >= 0) {
            host.write32(h, value);
        }
    }

    @Override
    public void write64(long pa, long value) {
        long h = hpa(pa, 8);
        if (h >= 0) {
            host.write64(h, value);
        }
    }

    @Override
    public void read(long pa, byte[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = (byte) read8(pa + i);
        }
    }

    @Override
    public void write(long pa, byte[] src, int off, int len) {
        for (int i = 0; i < len; i++) {
            write8(pa + i, src[off + i]);
        }
    }

    @Override
    public long allocatedPages() {
        return host.allocatedPages();
    }

    @Override
    public void setWriteWatcher(WriteWatcher watcher) {
        throw new UnsupportedOperationException("the guest-physical view has no write watcher of its own");
    }

    @Override
    public void watchPage(long pa) {
        long h = hpa(pa, 1);
        if (h >= 0) {
            host.watchPage(h);
        }
    }

    @Override
    public void unwatchPage(long pa) {
        long h = hpa(pa, 1);
        if (h >= 0) {
            host.unwatchPage(h);
        }
    }
}
