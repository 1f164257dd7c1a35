package org.vtsim.ept.ept;

/**
 * What {@link EptWalker} needs from the guest-physical paging-structure caches of SDM Vol. 3C 28.4.1
 * ("guest-physical paging-structure-cache entries": the upper portion of a guest-physical address to the
 * EPT paging structure that translates that region, with the access privileges combined down to it).
 * The counterpart of {@code org.vtsim.ept.paging.PagingStructureCache} for the EPT dimension.
 *
 * <p>Stateful on purpose: a hit is read back through {@link #hitTable()} and {@link #hitPermissions()}
 * so the walk allocates nothing.
 */
public interface EptPagingStructureCache {
    /**
     * The deepest cached non-leaf EPT entry for {@code gpa} under {@code ctx}'s EP4TA: its level (2 = EPT
     * PDE … 5 = EPT PML5E), or 0 on a miss.
     */
    int lookup(EptContext ctx, long gpa);

    /** After a hit: host-physical address of the EPT table the cached entry references. */
    long hitTable();

    /** After a hit: the {@link EptEntryBits#PERM_R}/W/X/UX AND over the cached entry and those above it. */
    int hitPermissions();

    /**
     * Records that a successful walk used the non-leaf entry at {@code level} for {@code gpa}, referencing
     * {@code table}, with {@code permissions} ANDed from the top down to it (present, not misconfigured).
     */
    void fill(EptContext ctx, long gpa, int level, long table, int permissions);
}
