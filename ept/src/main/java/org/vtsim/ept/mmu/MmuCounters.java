package org.vtsim.ept.mmu;

/**
 * Event counts of the translation path, for the run summary and the cost model (the CPU charges
 * cycles; the MMU only counts). Plain fields: incremented on the hot path, read by reporters.
 */
public final class MmuCounters {
    /** Translations requested with paging enabled. */
    public long translations;
    public long itlbHits;
    public long dtlbHits;
    /** Hits in the unified second-level TLB after an L1 miss. */
    public long stlbHits;
    /** Page walks (STLB misses, plus re-walks for a dirty-flag update or a denied cached entry). */
    public long walks;
    /** Re-walks among {@link #walks} forced by a TLB hit that lacked the dirty flag or whose cached rights denied. */
    public long rewalks;
    /** Entry reads made by walks. */
    public long walkReads;
    /** Accessed/dirty-flag writes made by walks. */
    public long walkAdWrites;
    /** Walks that started from a paging-structure-cache entry, by level (index 2 = PDE … 5 = PML5E). */
    public final long[] pscHits = new long[6];
    public long pageFaults;
    /** Invalidation operations (MOV CR3/CR4/CR0 flushes, INVLPG, INVPCID, page-fault invalidations). */
    public long invalidations;

    public long l1Hits() {
        return itlbHits + dtlbHits;
    }

    /** Translations that missed both TLB levels (a walk was needed). */
    public long tlbMisses() {
        return walks;
    }

    public long walkReferences() {
        return walkReads + walkAdWrites;
    }

    public long pscHitsTotal() {
        long n = 0;
        for (long h : pscHits) {
            n += h;
        }
        return n;
    }

    public void reset() {
        translations = itlbHits = dtlbHits = stlbHits = walks = rewalks = walkReads = walkAdWrites = 0;
        pageFaults = invalidations = 0;
        java.util.Arrays.fill(pscHits, 0);
    }

    @Override
    public String toString() {
        return String.format("translations=%d L1 hits=%d (I %d, D %d) L2 hits=%d walks=%d (rewalks %d) "
                + "walk refs=%d (reads %d, A/D writes %d) PSC hits=%d [PDE %d PDPTE %d PML4E %d PML5E %d] "
                + "#PF=%d invalidations=%d", translations, l1Hits(), itlbHits, dtlbHits, stlbHits, walks, rewalks,
                walkReferences(), walkReads, walkAdWrites, pscHitsTotal(), pscHits[2], pscHits[3], pscHits[4],
                pscHits[5], pageFaults, invalidations);
    }
}
