package org.vtsim.ept.ept;

import org.vtsim.ept.paging.Access;

/**
 * The kind of access a guest-physical address is translated for, as flags in an {@code int} (the
 * hot path allocates nothing). WRITE and FETCH share their positions with {@link Access}.
 */
public final class EptAccess {
    /** A data read. */
    public static final int READ = 0;
    public static final int WRITE = Access.WRITE;
    public static final int FETCH = Access.FETCH;
    /**
     * The guest-physical address is the translation of a user-mode linear address (U/S = 1 in every
     * guest paging-structure entry, SDM 28.3.3.2); selects bit 10 for fetches under mode-based execute
     * control. Without guest paging, linear addresses are supervisor-mode.
     */
    public static final int USER_LINEAR = 1 << 8;
    /**
     * A processor access to a guest paging-structure entry during a guest page walk: a data read, or —
     * with EPT A/D flags enabled — treated as a write (SDM 28.3.3.2 and 28.3.5).
     */
    public static final int PAGING_STRUCTURE = 1 << 9;

    private EptAccess() {
    }

    /** The EPT access of a final guest access with {@link Access} flags, for a linear address that is user-mode or not. */
    public static int ofFinal(int access, boolean userLinear) {
        return (access & (WRITE | FETCH)) | (userLinear ? USER_LINEAR : 0);
    }

    public static String describe(int a) {
        String s = (a & PAGING_STRUCTURE) != 0 ? "paging-structure" : (a & FETCH) != 0 ? "fetch"
                : (a & WRITE) != 0 ? "write" : "read";
        return (a & USER_LINEAR) != 0 ? s + "|user-linear" : s;
    }
}
