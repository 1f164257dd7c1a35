package org.vtsim.ept.paging;

import static org.vtsim.ept.paging.EntryBits.*;

/**
 * What the three IA-32 paging formats share in their entries (SDM Vol. 3A 4.3-4.5): P in bit 0,
 * A and D in bits 5 and 6, G in bit 8 honoured only with CR4.PGE, and the PAT index from PWT, PCD
 * and the PAT bit (bit 7 in a 4-KByte PTE, bit 12 in a large-page entry; SDM 11.12.3).
 */
abstract class IntelEntryFormat implements PagingFormat {
    @Override
    public final boolean present(long entry) {
        return (entry & P) != 0;
    }

    @Override
    public final boolean global(long entry, int level, PagingContext ctx) {
        return ctx.pge && (entry & G) != 0;
    }

    @Override
    public final int memoryType(long entry, int level) {
        return patIndex(entry, level == 1 ? PAT_4K : PAT_LARGE);
    }

    @Override
    public final long accessedBit() {
        return A;
    }

    @Override
    public final long dirtyBit() {
        return D;
    }
}
