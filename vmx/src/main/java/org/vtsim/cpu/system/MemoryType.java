package org.vtsim.cpu.system;

/** Memory-type encodings valid in IA32_PAT and the MTRRs (SDM Vol. 3A 11.11.2.2, 11.12.2). */
public final class MemoryType {
    public static final int UC = 0;
    public static final int WC = 1;
    public static final int WT = 4;
    public static final int WP = 5;
    public static final int WB = 6;
    /** UC- : valid in the PAT only. */
    public static final int UC_MINUS = 7;

    private MemoryType() {
    }

    public static boolean validForPat(long type) {
        return type == UC || type == WC || type == WT || type == WP || type == WB || type == UC_MINUS;
    }

    public static boolean validForMtrr(long type) {
        return type == UC || type == WC || type == WT || type == WP || type == WB;
    }

    /** Every byte of an IA32_PAT value holds a valid type in bits 2:0 and zeros above (SDM 11.12.2). */
    public static boolean validPat(long pat) {
        for (int i = 0; i < 8; i++) {
            if (!validForPat((pat >>> (8 * i)) & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
