package org.vtsim.ept.tlb;

import java.util.Arrays;

/**
 * A functional shortcut in front of one modelled TLB (not a hardware structure): direct-mapped by
 * 4 KiB page number, it remembers which entry the last full {@link Tlb#lookup} of a page hit, with
 * that entry's frame and attributes, so the next lookup of the page costs a few array reads.
 *
 * <p>It must never change a result (architecture brief: a faster functional cache may sit beside
 * the modelled TLBs only if a test shows it never changes a result). A remembered slot is therefore
 * valid only while the modelled lookup would hit the very same entry: {@link Tlb} forgets the page
 * of every entry it inserts or replaces (everything, for entries larger than 4 KiB), everything on
 * any invalidation, and everything when the PCID or context tag of the lookups changes. A use of a
 * slot marks the entry most recently used exactly as the modelled hit does, so LRU replacement is
 * unchanged.
 */
final class FrontCache {
    static final int SLOTS = 256;
    static final int MASK = SLOTS - 1;

    /** 4 KiB page number ({@code la >>> 12}) the slot describes, or -1. */
    final long[] page = new long[SLOTS];
    final long[] frame = new long[SLOTS];
    final long[] offsetMask = new long[SLOTS];
    final int[] attr = new int[SLOTS];
    final TlbArray[] array = new TlbArray[SLOTS];
    final int[] index = new int[SLOTS];
    /** The PCID and context tag every slot was filled under. */
    int pcid = -1;
    long tag;

    FrontCache() {
        Arrays.fill(page, -1L);
    }

    void remember(long la, int lookupPcid, long lookupTag, TlbArray a, int i) {
        if (lookupPcid != pcid || lookupTag != tag) {
            clear();
            pcid = lookupPcid;
            tag = lookupTag;
        }
        int s = (int) (la >>> 12) & MASK;
        page[s] = la >>> 12;
        frame[s] = a.frameAt(i);
        offsetMask[s] = (1L << a.shiftAt(i)) - 1;
        attr[s] = a.attrAt(i);
        array[s] = a;
        index[s] = i;
    }

    /** Forgets what could depend on the entry with TLB key {@code key} (see {@code TlbArray}); -1 is none. */
    void forgetKey(long key) {
        if (key == -1L) {
            return;
        }
        if ((key & 31) == 12) {
            long p = key >>> 5;
            int s = (int) p & MASK;
            if (page[s] == p) {
                page[s] = -1L;
            }
        } else {
            clear();
        }
    }

    void clear() {
        Arrays.fill(page, -1L);
    }
}
