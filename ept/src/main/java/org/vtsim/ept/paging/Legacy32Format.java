package org.vtsim.ept.paging;

import static org.vtsim.ept.paging.EntryBits.*;

/**
 * 32-bit paging (SDM Vol. 3A 4.3): two levels of 1024 4-byte entries; with CR4.PSE = 1 a PDE with
 * PS = 1 maps a 4-MByte page. PSE-36 is modelled: PDE bits 20:13 give physical-address bits 39:32
 * up to min(MAXPHYADDR, 40); bit 21 and the unused part of 20:13 are reserved (SDM 4.3, Table 4-4).
 * There is no XD bit, and 4-KByte PDEs and PTEs have no reserved bits.
 */
public final class Legacy32Format extends IntelEntryFormat {
    public static final Legacy32Format INSTANCE = new Legacy32Format();

    private Legacy32Format() {
    }

    @Override
    public int topLevel() {
        return 2;
    }

    @Override
    public boolean topFromRegisters() {
        return false;
    }

    @Override
    public int entryBytes() {
        return 4;
    }

    @Override
    public int indexShift(int level) {
        return 12 + 10 * (level - 1);
    }

    @Override
    public int indexMask(int level) {
        return 0x3ff;
    }

    @Override
    public long rootTable(PagingContext ctx) {
        return ctx.cr3 & 0xffff_f000L;
    }

    @Override
    public boolean isLeaf(long entry, int level, PagingContext ctx) {
        return level == 1 || (ctx.pse && (entry & PS) != 0);
    }

    @Override
    public long reservedBits(long entry, int level, boolean leaf, PagingContext ctx) {
        if (level == 2 && leaf) {
            int m = Math.min(ctx.maxPhyAddr, 40);
            return entry & bits(21, m - 19);
        }
        return 0;
    }

    @Override
    public long nextTable(long entry, PagingContext ctx) {
        return entry & 0xffff_f000L;
    }

    @Override
    public long pageFrame(long entry, int level, PagingContext ctx) {
        if (level == 1) {
            return entry & 0xffff_f000L;
        }
        return (entry & 0xffc0_0000L) | ((entry >>> 13) & 0xff) << 32;
    }

    @Override
    public int rights(long entry, PagingContext ctx) {
        return EntryBits.rights(entry);
    }
}
