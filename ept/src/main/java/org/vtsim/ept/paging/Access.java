package org.vtsim.ept.paging;

/**
 * Flags describing one memory access, combined with {@code |} into an {@code int} so the hot
 * path allocates nothing. WRITE, USER and FETCH sit at the positions of the matching page-fault
 * error-code bits (SDM Vol. 3A 4.7, Figure 4-12).
 */
public final class Access {
    /** A data read (no flag). */
    public static final int READ = 0;
    /** A data write. */
    public static final int WRITE = 1 << 1;
    /** The access is made at CPL 3 (SDM 4.6: a user-mode access unless also IMPLICIT_SUPERVISOR). */
    public static final int USER = 1 << 2;
    /** An instruction fetch. */
    public static final int FETCH = 1 << 4;
    /**
     * An implicit supervisor-mode access (GDT/LDT/IDT/TSS, shadow stacks…; SDM 4.6): treated as
     * supervisor whatever the CPL, and EFLAGS.AC does not relax SMAP for it.
     */
    public static final int IMPLICIT_SUPERVISOR = 1 << 5;
    /** EFLAGS.AC is 1 (relaxes SMAP for explicit supervisor data accesses; SDM 4.6). */
    public static final int AC = 1 << 6;

    /** All flags; anything else set is a caller error. */
    public static final int ALL = WRITE | USER | FETCH | IMPLICIT_SUPERVISOR | AC;

    private Access() {
    }

    /** A user-mode access in the sense of SDM 4.6: CPL 3 and not an implicit supervisor access. */
    public static boolean isUserMode(int access) {
        return (access & (USER | IMPLICIT_SUPERVISOR)) == USER;
    }

    public static String describe(int access) {
        StringBuilder b = new StringBuilder();
        b.append((access & FETCH) != 0 ? "fetch" : (access & WRITE) != 0 ? "write" : "read");
        if ((access & USER) != 0) {
            b.append("|user");
        }
        if ((access & IMPLICIT_SUPERVISOR) != 0) {
            b.append("|implicit");
        }
        if ((access & AC) != 0) {
            b.append("|ac");
        }
        return b.toString();
    }
}
