package org.vtsim.ept.ept;

/**
 * Memory-type encodings used by the EPTP (bits 2:0) and by EPT leaf entries (bits 5:3); SDM Vol. 3C
 * 28.3.7 and Vol. 3A 11.3 (Table 11-2). 2, 3 and 7 are reserved.
 */
public final class EptMemoryType {
    public static final int UC = 0;
    public static final int WC = 1;
    public static final int WT = 4;
    public static final int WP = 5;
    public static final int WB = 6;

    private EptMemoryType() {
    }

    /** Whether {@code type} is a memory type an EPT leaf may hold (SDM 28.3.3.1: 2, 3, 7 are reserved). */
    public static boolean validInLeaf(int type) {
        return type == UC || type == WC || type == WT || type == WP || type == WB;
    }

    public static String name(int type) {
        return switch (type) {
            case UC -> "UC";
            case WC -> "WC";
            case WT -> "WT";
            case WP -> "WP";
            case WB -> "WB";
            default -> "reserved(" + type + ")";
        };
    }
}
