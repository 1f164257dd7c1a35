package org.vtsim.ept.paging;

import static org.vtsim.ept.paging.EntryBits.*;

/**
 * 4-level and 5-level paging (SDM Vol. 3A 4.5): 512 8-byte entries per table. In a present entry
 * bits 51:MAXPHYADDR are reserved, bit 63 too unless IA32_EFER.NXE = 1; PS is reserved in PML5Es and
 * PML4Es; a PDPTE with PS = 1 maps a 1-GByte page (bits 29:13 reserved) if the processor supports
 * them, else PS is reserved there; a PDE with PS = 1 maps 2 MBytes (bits 20:13 reserved). Bits
 * 62:52 are ignored (62:59 would be the protection key with CR4.PKE, which is not modelled).
 */
public final class Ia32eFormat extends Entry64Format {
    public static final Ia32eFormat FOUR_LEVEL = new Ia32eFormat(4);
    public static final Ia32eFormat FIVE_LEVEL = new Ia32eFormat(5);

    private final int levels;

    private Ia32eFormat(int levels) {
        this.levels = levels;
    }

    @Override
    public int topLevel() {
        return levels;
    }

    @Override
    public boolean topFromRegisters() {
        return false;
    }

    @Override
    public int indexMask(int level) {
        return 0x1ff;
    }

    @Override
    public long rootTable(PagingContext ctx) {
        return ctx.cr3 & ctx.addressMask;
    }

    @Override
    public boolean isLeaf(long entry, int level, PagingContext ctx) {
        return level == 1 || ((level == 2 || level == 3) && (entry & PS) != 0);
    }

    @Override
    public long reservedBits(long entry, int level, boolean leaf, PagingContext ctx) {
        long r = entry & ctx.reservedHigh51;
        if (!ctx.nxe) {
            r |= entry & XD;
        }
        if (level >= 4) {
            r |= entry & PS;
        } else if (leaf && level == 3) {
            r |= ctx.gbPages ? entry & bits(29, 13) : PS;
        } else if (leaf && level == 2) {
            r |= entry & bits(20, 13);
        }
        return r;
    }
}
