package org.vtsim.ept.tlb;

/**
 * One set-associative array of TLB entries with LRU replacement (SDM Vol. 3A 4.10.2). Entries are
 * kept in parallel primitive arrays; the hot lookup allocates nothing.
 *
 * <p>An entry is tagged by its page number at its own size, its PCID (or global), and a context
 * tag (0 for now; VPID/EPTP in the VMX issue). It may be a fragment of a larger page (an array
 * that does not hold the page's size caches a smaller piece, as SDM 4.10.2.3 allows); its
 * original page size is kept so INVLPG and page faults drop every fragment.
 */
final class TlbArray {
    static final int GLOBAL = 1 << 12;
    private static final long INVALID = -1L;

    final TlbArraySpec spec;
    private final int ways;
    private final int setMask;
    private final int[] shifts;
    private final long[] key;
    private final long[] ctxTag;
    private final int[] pcidG;
    private final long[] frame;
    private final int[] attr;
    private final byte[] origShift;
    private final long[] stamp;
    private long clock;
    private int fragments;
    /**
     * Valid entries by page shift (index 12, 21, 22, 30). A lookup skips the probe of a size with none:
     * such a probe cannot hit and changes nothing, so skipping it changes no result (it saves the scan of
     * a set's ways, e.g. for 4-MByte or 1-GByte entries a 4-level guest rarely has).
     */
    private final int[] validByShift = new int[31];

    TlbArray(TlbArraySpec spec) {
        this.spec = spec;
        this.ways = spec.ways();
        this.setMask = spec.sets() - 1;
        this.shifts = spec.pageShifts();
        int n = spec.entries();
        key = new long[n];
        ctxTag = new long[n];
        pcidG = new int[n];
        frame = new long[n];
        attr = new int[n];
        origShift = new byte[n];
        stamp = new long[n];
        java.util.Arrays.fill(key, INVALID);
    }

    private static long keyOf(long la, int shift) {
        return (la >>> shift) << 5 | shift;
    }

    boolean holds(int shift) {
        for (int s : shifts) {
            if (s == shift) {
                return true;
            }
        }
        return false;
    }

    int largestShiftBelow(int shift) {
        int best = 0;
        for (int s : shifts) {
            if (s < shift) {
                best = s;
            }
        }
        return best;
    }

    /** Index of the entry translating {@code la}, or -1; marks it most recently used. */
    int find(long la, int pcid, long tag) {
        for (int s : shifts) {
            if (validByShift[s] == 0) {
                continue;
            }
            long k = keyOf(la, s);
            int base = (int) ((la >>> s) & setMask) * ways;
            for (int i = base, end = base + ways; i < end; i++) {
                if (key[i] == k && ctxTag[i] == tag && (pcidG[i] == pcid || (pcidG[i] & GLOBAL) != 0)) {
                    stamp[i] = ++clock;
                    return i;
                }
            }
        }
        return -1;
    }

    /** Marks entry {@code i} most recently used, exactly as a {@link #find} hit on it does. */
    void touch(int i) {
        stamp[i] = ++clock;
    }

    long keyAt(int i) {
        return key[i];
    }

    int shiftAt(int i) {
        return (int) (key[i] & 31);
    }

    long frameAt(int i) {
        return frame[i];
    }

    int attrAt(int i) {
        return attr[i];
    }

    int origShiftAt(int i) {
        return origShift[i];
    }

    boolean globalAt(int i) {
        return (pcidG[i] & GLOBAL) != 0;
    }

    void invalidate(int i) {
        if (key[i] != INVALID) {
            int shift = shiftAt(i);
            validByShift[shift]--;
            if (origShift[i] != shift) {
                fragments--;
            }
        }
        key[i] = INVALID;
    }

    /**
     * Inserts an entry of size {@code 1 << shift} (which this array holds) for {@code la}. Returns the
     * key the chosen slot held before ({@code -1} if it was empty), so a front cache can forget it.
     */
    long insert(long la, int shift, long pageFrame, int origShift, int attr, boolean global, int pcid, long tag) {
        long k = keyOf(la, shift);
        int base = (int) ((la >>> shift) & setMask) * ways;
        int victim = base;
        for (int i = base, end = base + ways; i < end; i++) {
            if (key[i] == k && ctxTag[i] == tag && (pcidG[i] == pcid || (pcidG[i] & GLOBAL) != 0)) {
                victim = i; // refresh the existing entry
                break;
            }
            if (key[i] == INVALID) {
                if (key[victim] != INVALID) {
                    victim = i;
                }
            } else if (key[victim] != INVALID && stamp[i] < stamp[victim]) {
                victim = i;
            }
        }
        long previous = key[victim];
        invalidate(victim);
        key[victim] = k;
        ctxTag[victim] = tag;
        pcidG[victim] = pcid | (global ? GLOBAL : 0);
        frame[victim] = pageFrame;
        this.attr[victim] = attr;
        this.origShift[victim] = (byte) origShift;
        stamp[victim] = ++clock;
        validByShift[shift]++;
        if (origShift != shift) {
            fragments++;
        }
        return previous;
    }

    /**
     * INVLPG / page-fault / INVPCID type 0 invalidation: entries for {@code la}'s page (every
     * fragment) of {@code pcid} (every PCID if negative), and global ones if {@code includeGlobal}.
     */
    void invalidateAddress(long la, int pcid, long tag, boolean includeGlobal) {
        if (fragments == 0) {
            for (int s : shifts) {
                long k = keyOf(la, s);
                int base = (int) ((la >>> s) & setMask) * ways;
                for (int i = base, end = base + ways; i < end; i++) {
                    if (key[i] == k && matches(i, pcid, tag, includeGlobal)) {
                        invalidate(i);
                    }
                }
            }
            return;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != INVALID && matches(i, pcid, tag, includeGlobal)) {
                long entryLa = (key[i] >>> 5) << shiftAt(i);
                int os = origShift[i];
                if ((entryLa >>> os) == (la >>> os)) {
                    invalidate(i);
                }
            }
        }
    }

    private boolean matches(int i, int pcid, long tag, boolean includeGlobal) {
        if (ctxTag[i] != tag) {
            return false;
        }
        // pcid < 0: every PCID (INVVPID individual-address, SDM Vol. 3C 28.4.3.1).
        return (pcidG[i] & GLOBAL) != 0 ? includeGlobal : pcid < 0 || pcidG[i] == pcid;
    }

    /** Drops entries of {@code tag}: of one PCID (or all PCIDs if pcid < 0), keeping globals if asked. */
    void invalidateContext(int pcid, long tag, boolean keepGlobal) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == INVALID || ctxTag[i] != tag) {
                continue;
            }
            boolean g = (pcidG[i] & GLOBAL) != 0;
            if (keepGlobal && g) {
                continue;
            }
            if (pcid < 0 || (pcidG[i] & 0xfff) == pcid || g) {
                invalidate(i);
            }
        }
    }

    void invalidateAll() {
        java.util.Arrays.fill(key, INVALID);
        java.util.Arrays.fill(validByShift, 0);
        fragments = 0;
    }

    /** Hash of every entry field, the LRU stamps and the clock (tests compare two models with it). */
    long stateHash() {
        long h = java.util.Arrays.hashCode(key);
        h = 31 * h + java.util.Arrays.hashCode(ctxTag);
        h = 31 * h + java.util.Arrays.hashCode(pcidG);
        h = 31 * h + java.util.Arrays.hashCode(frame);
        h = 31 * h + java.util.Arrays.hashCode(attr);
        h = 31 * h + java.util.Arrays.hashCode(origShift);
        h = 31 * h + java.util.Arrays.hashCode(stamp);
        return 31 * (31 * h + clock) + fragments;
    }

    /** Valid entries of page size {@code 1 << shift} as the lookup's skip counts them (for tests). */
    int validEntriesCounted(int shift) {
        return validByShift[shift];
    }

    /**
     * Index of the entry translating {@code la} found by scanning every entry, in the order {@link #find}
     * probes them (sizes ascending, ways in order), without its skip and without marking anything: what
     * {@link #find} must return (for tests).
     */
    int findByFullScan(long la, int pcid, long tag) {
        for (int s : shifts) {
            long k = keyOf(la, s);
            int base = (int) ((la >>> s) & setMask) * ways;
            for (int i = base, end = base + ways; i < end; i++) {
                if (key[i] == k && ctxTag[i] == tag && (pcidG[i] == pcid || (pcidG[i] & GLOBAL) != 0)) {
                    return i;
                }
            }
        }
        return -1;
    }

    int validEntries() {
        int n = 0;
        for (long k : key) {
            if (k != INVALID) {
                n++;
            }
        }
        return n;
    }
}
