package org.vtsim.monitor.shadow;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.monitor.GuestMemory;
import org.vtsim.monitor.MemorySlot;

/**
 * Guest-physical memory as the shadow MMU's guest walks see it: through the slots to host memory. A guest
 * paging structure outside every slot reads as all ones (as unassigned memory does on a PC), which the
 * walk reports as reserved bits (#PF with RSVD for the guest), and writes there (accessed and dirty flags)
 * are dropped: the guest never reaches host memory its slots do not give it.
 */
final class GuestPhysicalView implements PhysicalMemory {
    private final PhysicalMemory host;
    private final GuestMemory guest;
    private final long size;

    GuestPhysicalView(PhysicalMemory host, GuestMemory guest) {
        this.host = host;
        this.guest = guest;
        long end = 0;
        for (MemorySlot s : guest.slots()) {
            end = Math.max(end, s.guestEnd());
        }
        this.size = end;
    }

    /** The host address of {@code size} bytes at {@code gpa}, or -1 when they are not inside one slot. */
    private long hpa(long gpa, int bytes) {
        MemorySlot s = guest.slotOf(gpa);
        return s == null || !s.contains(gpa + bytes - 1) ? -1 : s.toHost(gpa);
    }

    @Override
    public long size() {
        return size;
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
    public void write8(long pa, int v) {
        long h = hpa(pa, 1);
        if (h >= 0) {
            host.write8(h, v);
        }
    }

    @Override
    public void write16(long pa, int v) {
        long h = hpa(pa, 2);
        if (h >= 0) {
            host.write16(h, v);
        }
    }

    @Override
    public void write32(long pa, int v) {
        long h = hpa(pa, 4);
        if (h >= 0) {
            host.write32(h, v);
        }
    }

    @Override
    public void write64(long pa, long v) {
        long h = hpa(pa, 8);
        if (h >= 0) {
            host.write64(h, v);
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
        throw new UnsupportedOperationException("the shadow MMU's guest-physical view has no write watcher");
    }

    @Override
    public void watchPage(long pa) {
        throw new UnsupportedOperationException("the shadow MMU's guest-physical view watches no pages");
    }

    @Override
    public void unwatchPage(long pa) {
        throw new UnsupportedOperationException("the shadow MMU's guest-physical view watches no pages");
    }
}
