package org.vtsim.platform;

import org.vtsim.ept.PhysicalMemory;

/**
 * The physical address space a processor running natively on this PC sees outside the MMIO window
 * (which the processor sends to the platform's bus): the RAM of the {@link MemoryLayout}, and unassigned
 * memory everywhere else — below 4 GiB between the top of low RAM and the MMIO window, and from the top
 * of RAM up. Unassigned memory behaves as on a PC (QEMU's unassigned_mem_ops): reads return all ones,
 * writes are dropped. The monitor gives a guest the same behaviour under EPT (its UnassignedMemory), so
 * a guest that probes past its RAM sees the same natively and virtualized. Size: the top of RAM; the
 * processor itself treats addresses at or above it as unassigned.
 */
public final class PcPhysicalMemory implements PhysicalMemory {
    private final PhysicalMemory backing;
    private final long lowEnd;
    private final long top;

    public PcPhysicalMemory(PhysicalMemory backing, MemoryLayout layout) {
        if (backing.size() < layout.topOfRam()) {
            throw new IllegalArgumentException("backing memory smaller than the top of RAM");
        }
        this.backing = backing;
        this.lowEnd = layout.ramBelow4g();
        this.top = layout.topOfRam();
    }

    /** Whether all of {@code [pa, pa + len)} is RAM. */
    public boolean isRam(long pa, long len) {
        long end = pa + len;
        return pa >= 0 && (end <= lowEnd || pa >= MemoryLayout.FOUR_GIB && end <= top);
    }

    private static long ones(int bytes) {
        return bytes >= 8 ? -1L : (1L << (8 * bytes)) - 1;
    }

    @Override
    public long size() {
        return top;
    }

    @Override
    public int read8(long pa) {
        return isRam(pa, 1) ? backing.read8(pa) : 0xff;
    }

    @Override
    public int read16(long pa) {
        return isRam(pa, 2) ? backing.read16(pa) : (int) assembled(pa, 2);
    }

    @Override
    public int read32(long pa) {
        return isRam(pa, 4) ? backing.read32(pa) : (int) assembled(pa, 4);
    }

    @Override
    public long read64(long pa) {
        return isRam(pa, 8) ? backing.read64(pa) : assembled(pa, 8);
    }

    /** An access that is not wholly RAM, byte by byte: RAM bytes as they are, unassigned ones 0xff. */
    private long assembled(long pa, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) read8(pa + i) << (8 * i);
        }
        return v & ones(size);
    }

    @Override
    public void write8(long pa, int value) {
        if (isRam(pa, 1)) {
            backing.write8(pa, value);
        }
    }

    @Override
    public void write16(long pa, int value) {
        if (isRam(pa, 2)) {
            backing.write16(pa, value);
        } else {
            split(pa, 2, value);
        }
    }

    @Override
    public void write32(long pa, int value) {
        if (isRam(pa, 4)) {
            backing.write32(pa, value);
        } else {
            split(pa, 4, value);
        }
    }

    @Override
    public void write64(long pa, long value) {
        if (isRam(pa, 8)) {
            backing.write64(pa, value);
        } else {
            split(pa, 8, value);
        }
    }

    private void split(long pa, int size, long value) {
        for (int i = 0; i < size; i++) {
            write8(pa + i, (int) (value >>> (8 * i)) & 0xff);
        }
    }

    @Override
    public void read(long pa, byte[] dst, int off, int len) {
        if (isRam(pa, len)) {
            backing.read(pa, dst, off, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            dst[off + i] = (byte) read8(pa + i);
        }
    }

    @Override
    public void write(long pa, byte[] src, int off, int len) {
        if (isRam(pa, len)) {
            backing.write(pa, src, off, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            write8(pa + i, src[off + i]);
        }
    }

    @Override
    public long allocatedPages() {
        return backing.allocatedPages();
    }

    @Override
    public void setWriteWatcher(WriteWatcher watcher) {
        backing.setWriteWatcher(watcher);
    }

    @Override
    public void watchPage(long pa) {
        if (isRam(pa & ~PAGE_MASK, PAGE_SIZE)) {
            backing.watchPage(pa);
        }
    }

    @Override
    public void unwatchPage(long pa) {
        if (isRam(pa & ~PAGE_MASK, PAGE_SIZE)) {
            backing.unwatchPage(pa);
        }
    }
}
