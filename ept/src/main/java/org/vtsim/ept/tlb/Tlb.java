package org.vtsim.ept.tlb;

import java.util.List;

/**
 * One TLB level made of arrays per page size (e.g. Skylake's L1 DTLB: 4 KiB, 2M/4M and 1 GiB
 * arrays; SDM Vol. 3A 4.10.2). A lookup probes every array; a fill goes to the array holding the
 * page's size, or is fractured into the largest smaller size an array holds (SDM 4.10.2.3), or is
 * not cached if none does.
 *
 * <p>After a successful {@link #lookup} the hit entry is described by the {@code hit*} accessors.
 */
public final class Tlb {
    /** Entry attribute bits: {@code AccessRights} in 2:0, then these. */
    public static final int ATTR_DIRTY = 1 << 3;
    public static final int ATTR_MEMTYPE_SHIFT = 4;

    private final String name;
    private final TlbArray[] arrays;
    private TlbArray hitArray;
    private int hitIndex;
    private long hitPhysical;

    public Tlb(String name, List<TlbArraySpec> specs) {
        this.name = name;
        this.arrays = specs.stream().map(TlbArray::new).toArray(TlbArray[]::new);
    }

    public String name() {
        return name;
    }

    /** Looks {@code la} up; returns the entry's attributes, or -1 on a miss. */
    public int lookup(long la, int pcid, long tag) {
        for (TlbArray a : arrays) {
            int i = a.find(la, pcid, tag);
            if (i >= 0) {
                hitArray = a;
                hitIndex = i;
                int shift = a.shiftAt(i);
                hitPhysical = a.frameAt(i) | (la & ((1L << shift) - 1));
                return a.attrAt(i);
            }
        }
        return -1;
    }

    /** Physical address of the last hit's linear address. */
    public long hitPhysical() {
        return hitPhysical;
    }

    public int hitShift() {
        return hitArray.shiftAt(hitIndex);
    }

    public long hitFrame() {
        return hitArray.frameAt(hitIndex);
    }

    public int hitOrigShift() {
        return hitArray.origShiftAt(hitIndex);
    }

    public boolean hitGlobal() {
        return hitArray.globalAt(hitIndex);
    }

    /** Drops the last hit entry (its rights denied the access or it lacks the dirty flag). */
    public void dropHit() {
        hitArray.invalidate(hitIndex);
    }

    /**
     * Caches a translation of {@code la}: a piece of size {@code 1 << shift} based at
     * {@code frame}, of a page whose real size is {@code 1 << origShift}.
     */
    public void fill(long la, int shift, long frame, int origShift, int attr, boolean global, int pcid, long tag) {
        for (TlbArray a : arrays) {
            if (a.holds(shift)) {
                a.insert(la, shift, frame, origShift, attr, global, pcid, tag);
                return;
            }
        }
        int best = 0;
        TlbArray target = null;
        for (TlbArray a : arrays) {
            int s = a.largestShiftBelow(shift);
            if (s > best) {
                best = s;
                target = a;
            }
        }
        if (target != null) {
            long pieceFrame = frame | (la & ((1L << shift) - 1) & ~((1L << best) - 1));
            target.insert(la, best, pieceFrame, origShift, attr, global, pcid, tag);
        }
    }

    public void invalidateAddress(long la, int pcid, long tag, boolean includeGlobal) {
        for (TlbArray a : arrays) {
            a.invalidateAddress(la, pcid, tag, includeGlobal);
        }
    }

    /** Entries of {@code pcid} (all PCIDs if negative) in context {@code tag}; globals kept if asked. */
    public void invalidateContext(int pcid, long tag, boolean keepGlobal) {
        for (TlbArray a : arrays) {
            a.invalidateContext(pcid, tag, keepGlobal);
        }
    }

    public void invalidateAll() {
        for (TlbArray a : arrays) {
            a.invalidateAll();
        }
    }

    public int validEntries() {
        int n = 0;
        for (TlbArray a : arrays) {
            n += a.validEntries();
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('[');
        for (TlbArray a : arrays) {
            b.append(a.spec).append(' ');
        }
        return b.append(']').toString();
    }
}
