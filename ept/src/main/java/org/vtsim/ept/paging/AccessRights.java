package org.vtsim.ept.paging;

/**
 * Combined access rights of a translation and the SDM Vol. 3A 4.6 rules that decide whether an
 * access is allowed.
 *
 * <p>Rights are three bits: {@link #WRITABLE} (R/W = 1 in every entry), {@link #USER} (U/S = 1 in
 * every entry: a user-mode address) and {@link #NO_EXECUTE} (XD = 1 in some entry, only when
 * IA32_EFER.NXE = 1). They do not depend on CR0.WP, CR4.SMEP or CR4.SMAP, which are applied when
 * the rights are used: that is why a TLB entry may keep them across changes to those bits.
 *
 * <p>The rules are evaluated once into bit tables, one per (WP, SMEP, SMAP) combination, indexed by
 * {@code access << 3 | rights}, so a TLB hit checks its rights with one shift and mask.
 */
public final class AccessRights {
    public static final int WRITABLE = 1;
    public static final int USER = 2;
    public static final int NO_EXECUTE = 4;
    public static final int MASK = 7;

    private static final int INDEX_BITS = 7 + 3;
    private static final long[][] TABLES = new long[8][];

    static {
        for (int variant = 0; variant < 8; variant++) {
            boolean wp = (variant & 1) != 0;
            boolean smep = (variant & 2) != 0;
            boolean smap = (variant & 4) != 0;
            long[] t = new long[(1 << INDEX_BITS) / 64];
            for (int access = 0; access < 128; access++) {
                for (int rights = 0; rights < 8; rights++) {
                    if (evaluate(rights, access, wp, smep, smap)) {
                        int i = access << 3 | rights;
                        t[i >>> 6] |= 1L << i;
                    }
                }
            }
            TABLES[variant] = t;
        }
    }

    private AccessRights() {
    }

    /** The table for the given control bits; see {@link #permits(long[], int, int)}. */
    static long[] table(boolean wp, boolean smep, boolean smap) {
        return TABLES[(wp ? 1 : 0) | (smep ? 2 : 0) | (smap ? 4 : 0)];
    }

    /** Whether {@code access} is allowed to a translation with {@code rights}, per {@code table}. */
    static boolean permits(long[] table, int rights, int access) {
        int i = (access & 0x7f) << 3 | rights;
        return (table[i >>> 6] >>> i & 1) != 0;
    }

    /** SDM Vol. 3A 4.6.1, spelled out once; every check goes through the tables built from this. */
    static boolean evaluate(int rights, int access, boolean wp, boolean smep, boolean smap) {
        boolean write = (access & Access.WRITE) != 0;
        boolean fetch = (access & Access.FETCH) != 0;
        boolean userPage = (rights & USER) != 0;
        boolean writable = (rights & WRITABLE) != 0;
        boolean noExecute = (rights & NO_EXECUTE) != 0;
        if (Access.isUserMode(access)) {
            // User-mode accesses: only user-mode addresses; writes need R/W = 1 whatever CR0.WP.
            if (!userPage) {
                return false;
            }
            if (fetch) {
                return !noExecute;
            }
            return !write || writable;
        }
        if (fetch) {
            // Supervisor fetches: SMEP forbids user-mode addresses; XD applies to both kinds.
            return !(userPage && smep) && !noExecute;
        }
        boolean explicitAc = (access & Access.AC) != 0 && (access & Access.IMPLICIT_SUPERVISOR) == 0;
        if (userPage && smap && !explicitAc) {
            // SMAP: supervisor data accesses to user-mode addresses need EFLAGS.AC = 1 and an
            // explicit access.
            return false;
        }
        return !write || writable || !wp;
    }
}
