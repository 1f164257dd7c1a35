package org.vtsim.ept.paging;

import static org.vtsim.ept.paging.EntryBits.*;

import org.vtsim.ept.PhysicalMemory;

/**
 * PAE paging (SDM Vol. 3A 4.4): the four PDPTEs live in registers loaded from the 32-byte aligned
 * table at CR3[31:5] (SDM 4.4.1), then PDEs and PTEs of 8 bytes. Bits 62:MAXPHYADDR of present PDEs
 * and PTEs are reserved, bit 63 (XD) too unless IA32_EFER.NXE = 1, and bits 20:13 of a PDE mapping
 * a 2-MByte page (SDM 4.4.2, Tables 4-8 to 4-11).
 */
public final class PaeFormat extends Entry64Format {
    public static final PaeFormat INSTANCE = new PaeFormat();

    private PaeFormat() {
    }

    /**
     * Reads the four PDPTEs from the table at {@code cr3} as MOV to CR3/CR0/CR4 do in PAE mode
     * (SDM 4.4.1). Returns null if a present PDPTE sets a reserved bit (2:1, 8:5, 63:MAXPHYADDR):
     * the instruction must then raise #GP(0) and change nothing.
     */
    public static long[] loadPdptes(PhysicalMemory mem, long cr3, int maxPhyAddr) {
        long base = cr3 & 0xffff_ffe0L;
        long reserved = bits(2, 1) | bits(8, 5) | bits(63, maxPhyAddr);
        long[] p = new long[4];
        for (int i = 0; i < 4; i++) {
            long a = base + 8L * i;
            p[i] = a + 8 <= mem.size() ? mem.read64(a) : -1L;
            if ((p[i] & P) != 0 && (p[i] & reserved) != 0) {
                return null;
            }
        }
        return p;
    }

    @Override
    public int topLevel() {
        return 3;
    }

    @Override
    public boolean topFromRegisters() {
        return true;
    }

    @Override
    public int indexMask(int level) {
        return level == 3 ? 3 : 0x1ff;
    }

    @Override
    public long rootTable(PagingContext ctx) {
        return ctx.cr3 & 0xffff_ffe0L;
    }

    @Override
    public boolean isLeaf(long entry, int level, PagingContext ctx) {
        return level == 1 || (level == 2 && (entry & PS) != 0);
    }

    @Override
    public long reservedBits(long entry, int level, boolean leaf, PagingContext ctx) {
        long r = entry & ctx.reservedHigh62;
        if (!ctx.nxe) {
            r |= entry & XD;
        }
        if (level == 2 && leaf) {
            r |= entry & bits(20, 13);
        }
        return r;
    }
}
