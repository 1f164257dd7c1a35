package org.vtsim.ept.paging;

/** Flag bits shared by the 32-bit, PAE and IA-32e entry formats (SDM Vol. 3A Tables 4-4 to 4-20). */
public final class EntryBits {
    public static final long P = 1L;
    public static final long RW = 1L << 1;
    public static final long US = 1L << 2;
    public static final long PWT = 1L << 3;
    public static final long PCD = 1L << 4;
    public static final long A = 1L << 5;
    public static final long D = 1L << 6;
    /** PS in PDEs/PDPTEs; PAT in PTEs. */
    public static final long PS = 1L << 7;
    public static final long PAT_4K = 1L << 7;
    public static final long G = 1L << 8;
    /** PAT bit of entries mapping 2-MByte, 4-MByte or 1-GByte pages. */
    public static final long PAT_LARGE = 1L << 12;
    public static final long XD = 1L << 63;

    private EntryBits() {
    }

    /** Bits lo..hi inclusive. */
    public static long bits(int hi, int lo) {
        if (hi < lo) {
            return 0;
        }
        long upTo = hi == 63 ? -1L : (1L << (hi + 1)) - 1;
        return upTo & ~((1L << lo) - 1);
    }

    /** PAT index (SDM 11.12.3): PAT:PCD:PWT. */
    static int patIndex(long entry, long patBit) {
        return ((entry & patBit) != 0 ? 4 : 0) | ((entry & PCD) != 0 ? 2 : 0) | ((entry & PWT) != 0 ? 1 : 0);
    }

    static int rights(long entry) {
        return ((entry & RW) != 0 ? AccessRights.WRITABLE : 0) | ((entry & US) != 0 ? AccessRights.USER : 0);
    }
}
