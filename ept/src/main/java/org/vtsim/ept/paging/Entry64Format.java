package org.vtsim.ept.paging;

import static org.vtsim.ept.paging.EntryBits.*;

/**
 * The 8-byte entries of PAE and IA-32e paging (SDM Vol. 3A 4.4.2, 4.5.4): 512 entries per table
 * (9 index bits per level), the next table or page frame in bits MAXPHYADDR-1:12, and XD in bit
 * 63 taking effect with IA32_EFER.NXE = 1.
 */
abstract class Entry64Format extends IntelEntryFormat {
    @Override
    public final int entryBytes() {
        return 8;
    }

    @Override
    public final int indexShift(int level) {
        return 12 + 9 * (level - 1);
    }

    @Override
    public final long nextTable(long entry, PagingContext ctx) {
        return entry & ctx.addressMask;
    }

    @Override
    public final long pageFrame(long entry, int level, PagingContext ctx) {
        return entry & ctx.addressMask & ~((1L << indexShift(level)) - 1);
    }

    @Override
    public final int rights(long entry, PagingContext ctx) {
        return EntryBits.rights(entry) | (ctx.nxe && (entry & XD) != 0 ? AccessRights.NO_EXECUTE : 0);
    }
}
