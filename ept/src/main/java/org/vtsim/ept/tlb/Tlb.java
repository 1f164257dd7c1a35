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
    /** Functional shortcut for repeated hits; null when off. Never changes a result (see FrontCache). */
    private FrontCache front;
    private int frontSlot;
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

    /** Turns the functional front cache on (empty) or off. Results are the same either way. */
    public void setFrontCache(boolean on) {
        front = on ? new FrontCache() : null;
    }

    public boolean frontCache() {
        return front != null;
    }

    /**
     * Fast path: if the front cache knows which entry {@link #lookup} would hit for {@code la}, returns
     * that entry's attributes (then call {@link #frontHit} to use it), else -1. Changes nothing.
     */
    public int frontLookup(long la, int pcid, long tag) {
        FrontCache f = front;
        if (f == null || f.pcid != pcid || f.tag != tag) {
            return -1;
        }
        int s = (int) (la >>> 12) & FrontCache.MASK;
        if (f.page[s] != la >>> 12) {
            return -1;
        }
        frontSlot = s;
        return f.attr[s];
    }

    /**
     * Uses the entry found by the last successful {@link #frontLookup}: marks it most recently used as
     * a modelled hit does, and returns the physical address of {@code la}.
     */
    public long frontHit(long la) {
        FrontCache f = front;
        int s = frontSlot;
        f.array[s].touch(f.index[s]);
        return f.frame[s] | (la & f.offsetMask[s]);
    }

    /** Looks {@code la} up; returns the entry's attributes, or -1 on a miss. */
    public int lookup(long la, int pcid, long tag) {
        for (TlbArray a : arrays) {
            int i = a.find(la, pcid, tag);
            if (i >= 0) {
                if (front != null) {
                    front.remember(la, pcid, tag, a, i);
                }
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
        if (front != null) {
            front.forgetKey(hitArray.keyAt(hitIndex));
        }
        hitArray.invalidate(hitIndex);
    }

    /**
     * Caches a translation of {@code la}: a piece of size {@code 1 << shift} based at
     * {@code frame}, of a page whose real size is {@code 1 << origShift}.
     */
    public void fill(long la, int shift, long frame, int origShift, int attr, boolean global, int pcid, long tag) {
        for (TlbArray a : arrays) {
            if (a.holds(shift)) {
                long previous = a.insert(la, shift, frame, origShift, attr, global, pcid, tag);
                forgetInserted(previous, la, shift);
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
            long previous = target.insert(la, best, pieceFrame, origShift, attr, global, pcid, tag);
            forgetInserted(previous, la, best);
        }
    }

    /** An insert may shadow what the front cache knows for its page, and replaces the victim's entry. */
    private void forgetInserted(long previousKey, long la, int shift) {
        if (front != null) {
            front.forgetKey(previousKey);
            front.forgetKey((la >>> shift) << 5 | shift);
        }
    }

    private void forgetAll() {
        if (front != null) {
            front.clear();
        }
    }

    /** Entries for {@code la}'s page of {@code pcid} (every PCID if negative) in {@code tag}; globals if asked. */
    public void invalidateAddress(long la, int pcid, long tag, boolean includeGlobal) {
        forgetAll();
        for (TlbArray a : arrays) {
            a.invalidateAddress(la, pcid, tag, includeGlobal);
        }
    }

    /** Entries of {@code pcid} (all PCIDs if negative) in context {@code tag}; globals kept if asked. */
    public void invalidateContext(int pcid, long tag, boolean keepGlobal) {
        forgetAll();
        for (TlbArray a : arrays) {
            a.invalidateContext(pcid, tag, keepGlobal);
        }
    }

    public void invalidateAll() {
        forgetAll();
        for (TlbArray a : arrays) {
            a.invalidateAll();
        }
    }

    /** Hash of the modelled state of every array (not of the front cache), for tests. */
    public long stateHash() {
        long h = 0;
        for (TlbArray a : arrays) {
            h = 31 * h + a.stateHash();
        }
        return h;
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
