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

    GuestPhysicalMemory(GuestMemory guest) {
        this.guest = guest;
        this.host = guest.host();
    }

    private long hpa(long gpa, int size) {
        MemorySlot s = guest.slotOf(gpa);
        if (s == null || !s.contains(gpa + size - 1)) {
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
        return host.read8(hpa(pa, 1));
    }

    @Override
    public int read16(long pa) {
        return host.read16(hpa(pa, 2));
    }

    @Override
    public int read32(long pa) {
        return host.read32(hpa(pa, 4));
    }

    @Override
    public long read64(long pa) {
        return host.read64(hpa(pa, 8));
    }

    @Override
    public void write8(long pa, int value) {
        host.write8(hpa(pa, 1), value);
    }

    @Override
    public void write16(long pa, int value) {
        host.write16(hpa(pa, 2), value);
    }

    @Override
    public void write32(long pa, int value) {
        host.write32(hpa(pa, 4), value);
    }

    @Override
    public void write64(long pa, long value) {
        host.write64(hpa(pa, 8), value);
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
        host.watchPage(hpa(pa, 1));
    }

    @Override
    public void unwatchPage(long pa) {
        host.unwatchPage(hpa(pa, 1));
    }
}
