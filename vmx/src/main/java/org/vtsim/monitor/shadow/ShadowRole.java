package org.vtsim.monitor.shadow;

/**
 * What a shadow page shadows besides the guest frame, packed in an int as KVM's {@code kvm_mmu_page_role}:
 * the paging-structure level (1 = page table ... 4 = PML4), whether the page is <em>direct</em> (it
 * maps a guest-physical range — a guest large page split into smaller shadow pages, or the guest's
 * physical memory while its paging is off — instead of shadowing a guest table), and the access rights
 * the upper levels of the guest walk grant (the same guest table reached through entries with different
 * rights needs different shadow pages, because shadow non-leaf entries grant everything and each leaf
 * carries the combined rights of its walk), and for a direct page under a guest large page, whether that
 * page is dirty. Whatever else changes the meaning of a guest entry (CR0.WP,
 * CR4.PSE/PGE/SMEP/SMAP, EFER.NXE) resets the whole shadow MMU instead of being part of the role.
 */
final class ShadowRole {
    static final int WRITABLE = 1;
    static final int USER = 2;
    static final int EXECUTABLE = 4;
    /** Every right: the role of a root and of everything under a paging-off (direct) root. */
    static final int ALL = WRITABLE | USER | EXECUTABLE;

    private static final int DIRECT = 1 << 3;
    private static final int ACCESS_SHIFT = 4;
    private static final int DIRTY = 1 << 7;

    private ShadowRole() {
    }

    static int of(int level, boolean direct, int access) {
        if (level < 1 || level > 4) {
            throw new IllegalArgumentException("shadow page level " + level);
        }
        return level | (direct ? DIRECT : 0) | (access & ALL) << ACCESS_SHIFT;
    }

    /**
     * The role of a direct page under a guest large page whose dirty flag is {@code dirty}: two guest large
     * pages over the same frame, one dirty and one clean, must not share leaves, or a write through the clean
     * one would not fault and its dirty flag would never be set (SDM Vol. 3A 4.8).
     */
    static int direct(int level, int access, boolean dirty) {
        return of(level, true, access) | (dirty ? DIRTY : 0);
    }

    static boolean dirty(int role) {
        return (role & DIRTY) != 0;
    }

    static int level(int role) {
        return role & 7;
    }

    static boolean direct(int role) {
        return (role & DIRECT) != 0;
    }

    static int access(int role) {
        return role >>> ACCESS_SHIFT & ALL;
    }

    static String describe(int role) {
        int a = access(role);
        return "level " + level(role) + (direct(role) ? dirty(role) ? " direct dirty" : " direct clean" : "") + " access "
                + ((a & WRITABLE) != 0 ? "w" : "-") + ((a & USER) != 0 ? "u" : "-") + ((a & EXECUTABLE) != 0 ? "x" : "-");
    }
}
