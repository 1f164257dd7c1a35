package org.vtsim.ept.paging;

/**
 * Page-fault error-code bits (SDM Vol. 3A 4.7, Figure 4-12). PK (bit 5), SS (bit 6), HLAT (bit 7)
 * and SGX (bit 15) are not modelled: protection keys, shadow stacks, HLAT and SGX are not
 * implemented (CR4.PKE is refused with an "unsupported" error).
 */
public final class PageFaultErrorCode {
    /** 0: no valid translation because some entry had P = 0; 1: protection or reserved-bit fault. */
    public static final int P = 1;
    /** The access was a write. */
    public static final int W = 1 << 1;
    /** The access was a user-mode access (CPL 3, not implicit supervisor). */
    public static final int U = 1 << 2;
    /** A reserved bit was set in some paging-structure entry. */
    public static final int RSVD = 1 << 3;
    /** Instruction fetch, reported only if CR4.SMEP = 1 or (CR4.PAE = 1 and IA32_EFER.NXE = 1). */
    public static final int ID = 1 << 4;

    private PageFaultErrorCode() {
    }

    public static String describe(int code) {
        return String.format("#PF(0x%x:%s%s%s%s%s)", code,
                (code & P) != 0 ? "P" : "NP",
                (code & W) != 0 ? "|W" : "|R",
                (code & U) != 0 ? "|U" : "|S",
                (code & RSVD) != 0 ? "|RSVD" : "",
                (code & ID) != 0 ? "|I" : "");
    }
}
