package org.vtsim.ept.tlb;

import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptPagingStructureCache;

/**
 * The guest-physical paging-structure caches of SDM Vol. 3C 28.4.1: per EPT level (2 = EPT PDE … 5 =
 * EPT PML5E) a small fully associative LRU array mapping the guest-physical-address bits that select an
 * entry to the host-physical address of the EPT table it references and the permissions ANDed down to
 * it. Tagged by a context tag standing for the EP4TA (EPTP bits 51:12) only: guest-physical mappings are
 * not associated with VPIDs or PCIDs (28.4.1). Sizes are not published by Intel; configurable.
 */
public final class EptPagingStructureCaches implements EptPagingStructureCache {
    /** Guest-physical mappings are not associated with PCIDs (28.4.1): one PCID slot, 0. */
    private static final int NO_PCID = 0;

    private final LevelCaches caches;
    private long tag;

    /** Entries per cache for the EPT PDE, PDPTE, PML4E and PML5E levels (0 disables one). */
    public EptPagingStructureCaches(int pde, int pdpte, int pml4e, int pml5e) {
        caches = new LevelCaches(pde, pdpte, pml4e, pml5e);
    }

    /** The tag (standing for the current EP4TA) new entries get and lookups require. */
    public void setContextTag(long tag) {
        this.tag = tag;
    }

    private static long keyOf(EptContext ctx, long gpa, int level) {
        // 4-level EPT uses guest-physical bits 47:0 only (SDM 28.3.2).
        long used = ctx.levels == 5 ? gpa & ((1L << 57) - 1) : gpa & ((1L << 48) - 1);
        return used >>> (12 + 9 * (level - 1));
    }

    @Override
    public int lookup(EptContext ctx, long gpa) {
        for (int l = 2; l <= ctx.levels; l++) {
            if (!caches.disabled(l) && caches.lookup(l, keyOf(ctx, gpa, l), NO_PCID, tag)) {
                return l;
            }
        }
        return 0;
    }

    @Override
    public long hitTable() {
        return caches.hitTable();
    }

    @Override
    public int hitPermissions() {
        return caches.hitPayload();
    }

    @Override
    public void fill(EptContext ctx, long gpa, int level, long next, int p) {
        if (!caches.disabled(level)) {
            caches.fill(level, keyOf(ctx, gpa, level), NO_PCID, tag, next, p);
        }
    }

    /** EPT violation or misconfiguration (SDM 28.4.3.1): the current tag's entries that would translate {@code gpa}. */
    public void invalidateAddress(EptContext ctx, long gpa) {
        for (int l = 2; l <= 5; l++) {
            caches.invalidate(l, keyOf(ctx, gpa, l), NO_PCID, tag);
        }
    }

    /** Every entry of context tag {@code t} (INVEPT single-context). */
    public void invalidateTag(long t) {
        caches.invalidateTag(t, -1);
    }

    public void invalidateAll() {
        caches.invalidateAll();
    }

    public long hits(int level) {
        return caches.hits(level);
    }

    public int validEntries() {
        return caches.validEntries();
    }
}
