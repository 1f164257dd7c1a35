package org.vtsim.ept.paging;

/**
 * What the walker needs from the paging-structure caches of SDM Vol. 3A 4.10.3: given a linear
 * address, the deepest cached non-leaf entry (a PML5E, PML4E, PDPTE or PDE cache entry), so the
 * walk can start below it; and a place to record the non-leaf entries a walk used.
 *
 * <p>Stateful on purpose: a hit's result is read back through {@link #hitTable()} and
 * {@link #hitRights()} so the hot path allocates nothing.
 */
public interface PagingStructureCache {
    /**
     * Looks up the deepest cached entry for {@code la} in the current context. Returns its level
     * (2 = PDE cache … 5 = PML5E cache), or 0 on a miss.
     */
    int lookup(PagingContext ctx, long la);

    /** After a hit: physical address of the table the cached entry references. */
    long hitTable();

    /** After a hit: the {@link AccessRights} combined over the cached entry and those above it. */
    int hitRights();

    /**
     * Records that a walk used the non-leaf entry at {@code level} for {@code la}, referencing
     * {@code table}, with {@code rights} combined from the top down to it. Called only for entries
     * with P = 1, no reserved bit and A = 1, of a walk that succeeded (SDM 4.10.3.1).
     */
    void fill(PagingContext ctx, long la, int level, long table, int rights);
}
