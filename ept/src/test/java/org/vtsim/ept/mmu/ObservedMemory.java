package org.vtsim.ept.mmu;

import java.util.ArrayList;
import java.util.List;

import org.vtsim.ept.PhysicalMemory;

/**
 * A view of a {@link PhysicalMemory} for tests: either records the 32/64-bit writes made through it
 * (to see exactly which A/D updates a translation made), or keeps them in a scratch overlay that
 * {@link #forget()} drops (so a reference walk sees its own A/D updates — a walk may meet the same
 * entry at two levels — but leaves the current tables unchanged).
 */
final class ObservedMemory implements PhysicalMemory {
    private final PhysicalMemory base;
    private final boolean discardWrites;
    private final List<String> writes = new ArrayList<>();
    private final java.util.Map<Long, Long> overlay = new java.util.HashMap<>();

    ObservedMemory(PhysicalMemory base, boolean discardWrites) {
        this.base = base;
        this.discardWrites = discardWrites;
    }

    /** The writes recorded since the last call, as "address=value" in hex; clears them. */
    List<String> takeWrites() {
        List<String> w = List.copyOf(writes);
        writes.clear();
        return w;
    }

    /** Drops the scratch overlay of a write-discarding view. */
    void forget() {
        overlay.clear();
        writes.clear();
    }

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public int read8(long pa) {
        return base.read8(pa);
    }

    @Override
    public int read16(long pa) {
        return base.read16(pa);
    }

    @Override
    public int read32(long pa) {
        Long v = overlay.get(pa);
        return v != null ? (int) (long) v : base.read32(pa);
    }

    @Override
    public long read64(long pa) {
        Long v = overlay.get(pa);
        return v != null ? v : base.read64(pa);
    }

    @Override
    public void write8(long pa, int value) {
        throw new UnsupportedOperationException("translation never writes single bytes");
    }

    @Override
    public void write16(long pa, int value) {
        throw new UnsupportedOperationException("translation never writes 16 bits");
    }

    @Override
    public void write32(long pa, int value) {
        writes.add(Long.toHexString(pa) + "=" + Long.toHexString(value & 0xffff_ffffL));
        if (discardWrites) {
            overlay.put(pa, value & 0xffff_ffffL);
        } else {
            base.write32(pa, value);
        }
    }

    @Override
    public void write64(long pa, long value) {
        writes.add(Long.toHexString(pa) + "=" + Long.toHexString(value));
        if (discardWrites) {
            overlay.put(pa, value);
        } else {
            base.write64(pa, value);
        }
    }

    @Override
    public void read(long pa, byte[] dst, int off, int len) {
        base.read(pa, dst, off, len);
    }

    @Override
    public void write(long pa, byte[] src, int off, int len) {
        throw new UnsupportedOperationException("translation never writes blocks");
    }

    @Override
    public long allocatedPages() {
        return base.allocatedPages();
    }

    @Override
    public void setWriteWatcher(WriteWatcher watcher) {
        base.setWriteWatcher(watcher);
    }

    @Override
    public void watchPage(long pa) {
        base.watchPage(pa);
    }

    @Override
    public void unwatchPage(long pa) {
        base.unwatchPage(pa);
    }
}
