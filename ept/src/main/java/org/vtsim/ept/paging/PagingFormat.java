package org.vtsim.ept.paging;

/**
 * How one paging-structure format lays out its tables and entries, so that a single
 * {@link PageWalker} serves every format (SDM Vol. 3A 4.3 32-bit, 4.4 PAE, 4.5 4/5-level; the
 * EPT format of SDM Vol. 3C 28.3 is meant to become one more implementation).
 *
 * <p>Levels are numbered as in the SDM's figures: 1 = page table (PTE), 2 = page directory (PDE),
 * 3 = page-directory-pointer table (PDPTE), 4 = PML4, 5 = PML5.
 */
public interface PagingFormat {
    /** Level of the first entry read for a translation (the root table's level). */
    int topLevel();

    /** Whether the top-level entries are the PDPTE registers rather than memory (PAE, SDM 4.4.1). */
    boolean topFromRegisters();

    /** 4 (32-bit paging) or 8. */
    int entryBytes();

    /** Lowest linear-address bit of the index into a level's table (12, 21/22, 30, 39, 48). */
    int indexShift(int level);

    /** Mask of the index into a level's table, after shifting. */
    int indexMask(int level);

    /** Physical address of the root table, from CR3. */
    long rootTable(PagingContext ctx);

    /** Whether the entry is present (P = 1; for EPT: any of R/W/X). */
    boolean present(long entry);

    /** Whether a present entry at {@code level} maps a page (PS = 1 where allowed, or level 1). */
    boolean isLeaf(long entry, int level, PagingContext ctx);

    /** The reserved bits set in a present entry (non-zero means a reserved-bit fault). */
    long reservedBits(long entry, int level, boolean leaf, PagingContext ctx);

    /** Physical address of the table a non-leaf entry references. */
    long nextTable(long entry, PagingContext ctx);

    /** Physical base address of the page a leaf entry at {@code level} maps. */
    long pageFrame(long entry, int level, PagingContext ctx);

    /** The entry's contribution to the {@link AccessRights} of a translation. */
    int rights(long entry, PagingContext ctx);

    /** Whether a leaf entry maps a global page (G = 1 and CR4.PGE = 1, SDM 4.10.2.4). */
    boolean global(long entry, int level, PagingContext ctx);

    /** PAT index PAT:PCD:PWT of a leaf entry (SDM Vol. 3A 11.12.3), 0..7. */
    int memoryType(long entry, int level);

    /** The accessed-flag bit (SDM 4.8). */
    long accessedBit();

    /** The dirty-flag bit of leaf entries (SDM 4.8). */
    long dirtyBit();
}
