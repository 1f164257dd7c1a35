package org.vtsim.ept.tlb;

import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingStructureCache;

/**
 * The PML5E, PML4E, PDPTE and PDE caches of SDM Vol. 3A 4.10.3: per level, a small fully
 * associative LRU array mapping the linear-address bits that select an entry (e.g. bits 47:21
 * for a PDE with 4-level paging, 31:22 with 32-bit paging) to the physical address of the table
 * it references and the rights combined down to it. Tagged by PCID and a context tag; never
 * global (SDM 4.10.3.1). Sizes are configurable; Intel does not publish them.
 */
public final class PagingStructureCaches implements PagingStructureCache {
    private final LevelCaches caches;
    private long tag;

    /** @param pde, pdpte, pml4e, pml5e: entries per cache (0 disables that cache). */
    public PagingStructureCaches(int pde, int pdpte, int pml4e, int pml5e) {
        caches = new LevelCaches(pde, pdpte, pml4e, pml5e);
    }

    /** The context tag (VPID/EPTP in the VMX issue) new entries get and lookups require. */
    public void setContextTag(long tag) {
        this.tag = tag;
    }

    private static long keyOf(PagingContext ctx, long la, int level) {
        return (la & ctx.linearMask) >>> ctx.format.indexShift(level);
    }

    @Override
    public int lookup(PagingContext ctx, long la) {
        int top = ctx.format.topLevel();
        for (int l = 2; l <= top; l++) {
            if (!caches.disabled(l) && caches.lookup(l, keyOf(ctx, la, l), ctx.pcid, tag)) {
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
    public int hitRights() {
        return caches.hitPayload();
    }

    @Override
    public void fill(PagingContext ctx, long la, int level, long next, int r) {
        if (!caches.disabled(level)) {
            caches.fill(level, keyOf(ctx, la, level), ctx.pcid, tag, next, r);
        }
    }

    /** Page-fault invalidation (SDM 4.10.4.1): entries that would be used for {@code la}. */
    public void invalidateAddress(PagingContext ctx, long la) {
        if (ctx.format == null) {
            return;
        }
        for (int l = 2; l <= ctx.format.topLevel(); l++) {
            caches.invalidate(l, keyOf(ctx, la, l), ctx.pcid, tag);
        }
    }

    /** Entries of {@code p} (all PCIDs if negative) in the current context tag. */
    public void invalidatePcid(int p) {
        caches.invalidateTag(tag, p);
    }

    /** Entries of context tag {@code t} and PCID {@code p} (all PCIDs if negative), whatever the current tag. */
    public void invalidateTag(long t, int p) {
        caches.invalidateTag(t, p);
    }

    public void invalidateAll() {
        caches.invalidateAll();
    }

    /** Hits of the cache of {@code level} (2 = PDE … 5 = PML5E) since construction. */
    public long hits(int level) {
        return caches.hits(level);
    }

    /** Hash of every entry, the LRU stamps, the clock and hit counts, for tests. */
    public long stateHash() {
        return caches.stateHash();
    }

    public int validEntries() {
        return caches.validEntries();
    }
}
