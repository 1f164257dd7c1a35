package org.vtsim.ept.mmu;

/**
 * Event counts of {@link NestedMmu} for the run summary and the cost model (the CPU charges cycles from
 * its cost profile; the MMU only counts). Plain fields, incremented on the hot path.
 */
public final class NestedMmuCounters {
    /** Translations of guest-linear addresses (guest paging on or off). */
    public long translations;
    /** Combined-mapping hits in the L1 ITLB / DTLB, and in the STLB after an L1 miss. */
    public long itlbHits;
    public long dtlbHits;
    public long stlbHits;
    /** Translations with guest paging off served by a guest-physical mapping (no reference). */
    public long gpaOnlyHits;
    /** 2-D walks (combined-mapping misses, plus walks with guest paging off that missed). */
    public long walks;
    /** Walks among {@link #walks} forced by a cached combined mapping that could not serve the access. */
    public long rewalks;
    /** Guest paging-structure entry reads and guest A/D writes made by walks. */
    public long guestReads;
    public long guestAdWrites;
    /** EPT paging-structure entry reads and EPT A/D writes made by walks. */
    public long eptReads;
    public long eptAdWrites;
    /** Guest-physical translations (guest entries and final addresses) served by a cached guest-physical mapping. */
    public long gpaTlbHits;
    /** Guest-physical translations that needed an EPT walk. */
    public long eptWalks;
    /** Walks that started from a combined paging-structure-cache entry, by guest level (2 = PDE … 5). */
    public final long[] guestPscHits = new long[6];
    /** EPT walks that started from a guest-physical paging-structure-cache entry, by EPT level. */
    public final long[] eptPscHits = new long[6];
    public long pageFaults;
    public long eptViolations;
    public long eptMisconfigs;
    /** Invalidation operations (guest CR writes, INVLPG, INVPCID, INVEPT, INVVPID, VPID-0 transitions). */
    public long invalidations;

    public long l1Hits() {
        return itlbHits + dtlbHits;
    }

    public long walkReferences() {
        return guestReads + guestAdWrites + eptReads + eptAdWrites;
    }

    public long guestPscHitsTotal() {
        long n = 0;
        for (long h : guestPscHits) {
            n += h;
        }
        return n;
    }

    public long eptPscHitsTotal() {
        long n = 0;
        for (long h : eptPscHits) {
            n += h;
        }
        return n;
    }

    public void reset() {
        translations = itlbHits = dtlbHits = stlbHits = gpaOnlyHits = walks = rewalks = 0;
        guestReads = guestAdWrites = eptReads = eptAdWrites = gpaTlbHits = eptWalks = 0;
        pageFaults = eptViolations = eptMisconfigs = invalidations = 0;
        java.util.Arrays.fill(guestPscHits, 0);
        java.util.Arrays.fill(eptPscHits, 0);
    }

    @Override
    public String toString() {
        return String.format("translations=%d L1 hits=%d (I %d, D %d) L2 hits=%d gpa-only hits=%d walks=%d "
                + "(rewalks %d) refs guest=%d+%d A/D ept=%d+%d A/D gpa-TLB hits=%d EPT walks=%d PSC hits guest=%d "
                + "ept=%d #PF=%d violations=%d misconfigs=%d invalidations=%d", translations, l1Hits(), itlbHits,
                dtlbHits, stlbHits, gpaOnlyHits, walks, rewalks, guestReads, guestAdWrites, eptReads, eptAdWrites,
                gpaTlbHits, eptWalks, guestPscHitsTotal(), eptPscHitsTotal(), pageFaults, eptViolations,
                eptMisconfigs, invalidations);
    }
}
