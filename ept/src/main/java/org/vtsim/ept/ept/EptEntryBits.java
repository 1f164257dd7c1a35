package org.vtsim.ept.ept;

/**
 * Bits of EPT paging-structure entries (SDM Vol. 3C 28.3.2, Tables 28-1 to 28-6) and of the
 * permission summary this package reports.
 */
public final class EptEntryBits {
    /** Read access. */
    public static final long R = 1L;
    /** Write access. */
    public static final long W = 1L << 1;
    /** Execute access (supervisor-mode linear addresses when mode-based execute control is 1). */
    public static final long X = 1L << 2;
    /** EPT memory type of a leaf, bits 5:3 (SDM 28.3.7). */
    public static final int MEMORY_TYPE_SHIFT = 3;
    /** Ignore PAT memory type, leaf only. */
    public static final long IPAT = 1L << 6;
    /** Bit 7: maps a page in a PDPTE (1 GiB) or PDE (2 MiB); reserved in PML5Es and PML4Es; ignored in PTEs. */
    public static final long PS = 1L << 7;
    /** Accessed flag, when EPTP bit 6 enables EPT A/D (SDM 28.3.5). */
    public static final long A = 1L << 8;
    /** Dirty flag of entries that map a page, when EPT A/D is enabled. */
    public static final long D = 1L << 9;
    /** User-mode execute access, when the "mode-based execute control for EPT" control is 1. */
    public static final long UX = 1L << 10;

    /**
     * Permission summary bits as the exit qualification of an EPT violation reports them in its
     * bits 6:3 (SDM Vol. 3C 27.2.1, Table 27-7), shifted down by 3: readable, writable, executable
     * (supervisor-executable under mode-based execute control), user-executable.
     */
    public static final int PERM_R = 1;
    public static final int PERM_W = 2;
    public static final int PERM_X = 4;
    public static final int PERM_UX = 8;
    public static final int PERM_ALL = 15;

    private EptEntryBits() {
    }

    /** Bits lo..hi inclusive. */
    public static long bits(int hi, int lo) {
        if (hi < lo) {
            return 0;
        }
        long upTo = hi == 63 ? -1L : (1L << (hi + 1)) - 1;
        return upTo & ~((1L << lo) - 1);
    }
}
