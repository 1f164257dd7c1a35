package org.vtsim.ept.paging;

import java.util.ArrayList;
import java.util.List;

import org.vtsim.ept.PhysicalMemory;

/**
 * A deliberately plain page walk written straight from SDM Vol. 3A chapter 4 (4.3, 4.4.2, 4.5,
 * 4.6.1, 4.7, 4.8), sharing no code with {@link PageWalker}: one straight-line routine per paging
 * mode, bit positions spelled out, rules as the SDM words them. Used as the oracle.
 *
 * <p>It follows the walker's documented choices where the SDM leaves freedom: non-leaf accessed
 * flags are set as the walk passes them; the leaf's A/D only when the access is allowed; entries
 * beyond memory read as all ones.
 */
public final class ReferenceWalk {
    /** One memory reference: a read or an A/D write. */
    record Ref(long address, long value, boolean write) {
    }

    /**
     * {@code rights}: R/W (1), U/S (2) and XD (4, only with NXE) combined over the entries read, as the
     * SDM 4.6 rules use them; {@code dirty}: the leaf's D flag after the walk; {@code upper}: per
     * non-leaf entry passed (present, no reserved bit), {level, table it references, rights combined
     * down to it} — what a paging-structure cache may hold (SDM 4.10.3.1).
     */
    record Outcome(boolean fault, int errorCode, long physical, int pageShift, boolean global, List<Ref> refs,
            int rights, boolean dirty, List<long[]> upper) {
    }

    private final PhysicalMemory mem;
    private final long cr0, cr3, cr4, efer;
    private final long[] pdptes;
    private final int maxPhy;
    private final boolean gbPages;
    private final List<Ref> refs = new ArrayList<>();
    private final List<long[]> upper = new ArrayList<>();

    ReferenceWalk(PhysicalMemory mem, long cr0, long cr3, long cr4, long efer, long[] pdptes, int maxPhy,
            boolean gbPages) {
        this.mem = mem;
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        this.efer = efer;
        this.pdptes = pdptes;
        this.maxPhy = maxPhy;
        this.gbPages = gbPages;
    }

    private static boolean bit(long v, int n) {
        return ((v >>> n) & 1) != 0;
    }

    /** Mask with bits hi..lo set. */
    private static long range(int hi, int lo) {
        long m = 0;
        for (int i = lo; i <= hi; i++) {
            m |= 1L << i;
        }
        return m;
    }

    private long read8(long a) {
        long v = a + 8 <= mem.size() ? mem.read64(a) : -1L;
        refs.add(new Ref(a, v, false));
        return v;
    }

    private long read4(long a) {
        long v = a + 4 <= mem.size() ? mem.read32(a) & 0xffffffffL : 0xffffffffL;
        refs.add(new Ref(a, v, false));
        return v;
    }

    private void write8(long a, long v) {
        if (a + 8 <= mem.size()) {
            mem.write64(a, v);
        }
        refs.add(new Ref(a, v, true));
    }

    private void write4(long a, long v) {
        if (a + 4 <= mem.size()) {
            mem.write32(a, (int) v);
        }
        refs.add(new Ref(a, v, true));
    }

    /**
     * A walk that starts below a paging-structure-cache entry (SDM 4.10.3.2): the first entry read
     * is at {@code level}, in {@code table}, with {@code rights} (R/W 1, U/S 2, XD 4) combined from
     * the levels above. The entries below are read from memory as usual.
     */
    Outcome walkFrom(long la, int access, int level, long table, int rights) {
        refs.clear();
        upper.clear();
        boolean rw = (rights & 1) != 0;
        boolean us = (rights & 2) != 0;
        boolean xd = (rights & 4) != 0;
        if (!bit(cr4, 5)) {
            if (level != 1) {
                throw new IllegalArgumentException("32-bit paging continues only at the PTE");
            }
            return legacyPte(la & 0xffffffffL, access, table, rw, us);
        }
        if (!bit(efer, 8)) {
            if (level != 1) {
                throw new IllegalArgumentException("PAE paging continues only at the PTE");
            }
            return paePte(la & 0xffffffffL, access, table, rw, us, xd);
        }
        return longModeFrom(la, access, level, table, rw, us, xd);
    }

    Outcome walk(long la, int access) {
        refs.clear();
        upper.clear();
        boolean pg = bit(cr0, 31);
        boolean pae = bit(cr4, 5);
        boolean lme = bit(efer, 8);
        if (!pg) {
            throw new IllegalStateException("paging off");
        }
        if (!pae) {
            return legacy(la & 0xffffffffL, access);
        }
        if (!lme) {
            return paePaging(la & 0xffffffffL, access);
        }
        return longMode(la, access, bit(cr4, 12) ? 5 : 4);
    }

    // ---- SDM 4.7: error code; SDM 4.6.1: access rights ----

    private int errorBase(int access) {
        boolean write = (access & Access.WRITE) != 0;
        boolean fetch = (access & Access.FETCH) != 0;
        boolean cpl3 = (access & Access.USER) != 0;
        boolean implicit = (access & Access.IMPLICIT_SUPERVISOR) != 0;
        int e = 0;
        if (write) {
            e |= 2;
        }
        if (cpl3 && !implicit) {
            e |= 4;
        }
        boolean smep = bit(cr4, 20);
        boolean nxe = bit(efer, 11);
        if (fetch && (smep || (bit(cr4, 5) && nxe))) {
            e |= 16;
        }
        return e;
    }

    /**
     * @param rwAll R/W = 1 in every entry; @param usAll U/S = 1 in every entry; @param xdAny XD = 1 in
     * some entry (only meaningful when NXE = 1 and not 32-bit paging).
     */
    private boolean allowed(int access, boolean rwAll, boolean usAll, boolean xdAny) {
        boolean write = (access & Access.WRITE) != 0;
        boolean fetch = (access & Access.FETCH) != 0;
        boolean cpl3 = (access & Access.USER) != 0;
        boolean implicit = (access & Access.IMPLICIT_SUPERVISOR) != 0;
        boolean ac = (access & Access.AC) != 0;
        boolean wp = bit(cr0, 16);
        boolean smep = bit(cr4, 20);
        boolean smap = bit(cr4, 21);
        boolean userModeAccess = cpl3 && !implicit;
        boolean userModeAddress = usAll;
        if (!userModeAccess) {
            // Supervisor-mode access.
            if (fetch) {
                if (userModeAddress && smep) {
                    return false;
                }
                return !xdAny;
            }
            if (!write) {
                if (!userModeAddress) {
                    return true;
                }
                if (!smap) {
                    return true;
                }
                return ac && !implicit;
            }
            // Data write.
            if (!userModeAddress) {
                return !wp || rwAll;
            }
            if (!wp && !smap) {
                return true;
            }
            if (!wp && smap) {
                return ac && !implicit;
            }
            if (wp && !smap) {
                return rwAll;
            }
            return ac && !implicit && rwAll;
        }
        // User-mode access.
        if (!userModeAddress) {
            return false;
        }
        if (fetch) {
            return !xdAny;
        }
        if (write) {
            return rwAll;
        }
        return true;
    }

    private Outcome faultOutcome(int code) {
        return new Outcome(true, code, 0, 0, false, List.copyOf(refs), 0, false, List.copyOf(upper));
    }

    private Outcome notPresent(int access) {
        return faultOutcome(errorBase(access));
    }

    private Outcome reserved(int access) {
        return faultOutcome(errorBase(access) | 1 | 8);
    }

    private Outcome protection(int access) {
        return faultOutcome(errorBase(access) | 1);
    }

    private Outcome success(long pa, int shift, boolean global, boolean rw, boolean us, boolean xd, long leafAfter) {
        int rights = (rw ? 1 : 0) | (us ? 2 : 0) | (xd ? 4 : 0);
        return new Outcome(false, 0, pa, shift, global, List.copyOf(refs), rights, bit(leafAfter, 6),
                List.copyOf(upper));
    }

    private void passed(int level, long table, boolean rw, boolean us, boolean xd) {
        upper.add(new long[] {level, table, (rw ? 1 : 0) | (us ? 2 : 0) | (xd ? 4 : 0)});
    }

    /** SDM 4.6.1 for a translation with combined {@code rights} (R/W 1, U/S 2, XD 4). */
    boolean permits(int rights, int access) {
        return allowed(access, (rights & 1) != 0, (rights & 2) != 0, (rights & 4) != 0);
    }

    // ---- SDM 4.3: 32-bit paging ----

    private Outcome legacy(long la, int access) {
        boolean pse = bit(cr4, 4);
        boolean pge = bit(cr4, 7);
        long pdeAddr = (cr3 & 0xfffff000L) | (((la >>> 22) & 0x3ff) << 2);
        long pde = read4(pdeAddr);
        if (!bit(pde, 0)) {
            return notPresent(access);
        }
        if (pse && bit(pde, 7)) {
            // 4-MByte page. PSE-36: bits 20:13 hold physical bits 39:32; M = min(MAXPHYADDR, 40);
            // bit 21 and bits 20:(M-19) are reserved.
            int m = Math.min(maxPhy, 40);
            if (bit(pde, 21)) {
                return reserved(access);
            }
            for (int b = m - 19; b <= 20; b++) {
                if (bit(pde, b)) {
                    return reserved(access);
                }
            }
            boolean rw = bit(pde, 1);
            boolean us = bit(pde, 2);
            if (!allowed(access, rw, us, false)) {
                return protection(access);
            }
            long nv = pde | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
            if (nv != pde) {
                write4(pdeAddr, nv);
            }
            long pa = (pde & 0xffc00000L) | (((pde >>> 13) & 0xff) << 32) | (la & 0x3fffff);
            return success(pa, 22, pge && bit(pde, 8), rw, us, false, nv);
        }
        if (!bit(pde, 5)) {
            write4(pdeAddr, pde | (1 << 5));
        }
        passed(2, pde & 0xfffff000L, bit(pde, 1), bit(pde, 2), false);
        return legacyPte(la, access, pde & 0xfffff000L, bit(pde, 1), bit(pde, 2));
    }

    private Outcome legacyPte(long la, int access, long table, boolean pdeRw, boolean pdeUs) {
        boolean pge = bit(cr4, 7);
        long pteAddr = table | (((la >>> 12) & 0x3ff) << 2);
        long pte = read4(pteAddr);
        if (!bit(pte, 0)) {
            return notPresent(access);
        }
        boolean rw = pdeRw && bit(pte, 1);
        boolean us = pdeUs && bit(pte, 2);
        if (!allowed(access, rw, us, false)) {
            return protection(access);
        }
        long nv = pte | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
        if (nv != pte) {
            write4(pteAddr, nv);
        }
        long pa = (pte & 0xfffff000L) | (la & 0xfff);
        return success(pa, 12, pge && bit(pte, 8), rw, us, false, nv);
    }

    // ---- SDM 4.4: PAE paging ----

    private Outcome paePaging(long la, int access) {
        boolean nxe = bit(efer, 11);
        boolean pge = bit(cr4, 7);
        long pdpte = pdptes[(int) ((la >>> 30) & 3)];
        if (!bit(pdpte, 0)) {
            return notPresent(access);
        }
        long addrMask = range(maxPhy - 1, 12);
        long rsvd = range(62, maxPhy) | (nxe ? 0 : 1L << 63);
        long pdeAddr = (pdpte & addrMask) | (((la >>> 21) & 0x1ff) << 3);
        long pde = read8(pdeAddr);
        if (!bit(pde, 0)) {
            return notPresent(access);
        }
        if ((pde & rsvd) != 0) {
            return reserved(access);
        }
        if (bit(pde, 7)) {
            if ((pde & range(20, 13)) != 0) {
                return reserved(access);
            }
            boolean xd = nxe && bit(pde, 63);
            if (!allowed(access, bit(pde, 1), bit(pde, 2), xd)) {
                return protection(access);
            }
            long nv = pde | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
            if (nv != pde) {
                write8(pdeAddr, nv);
            }
            long pa = (pde & addrMask & ~0x1fffffL) | (la & 0x1fffff);
            return success(pa, 21, pge && bit(pde, 8), bit(pde, 1), bit(pde, 2), xd, nv);
        }
        if (!bit(pde, 5)) {
            write8(pdeAddr, pde | (1 << 5));
        }
        boolean pdeXd = nxe && bit(pde, 63);
        passed(2, pde & addrMask, bit(pde, 1), bit(pde, 2), pdeXd);
        return paePte(la, access, pde & addrMask, bit(pde, 1), bit(pde, 2), pdeXd);
    }

    private Outcome paePte(long la, int access, long table, boolean pdeRw, boolean pdeUs, boolean pdeXd) {
        boolean nxe = bit(efer, 11);
        boolean pge = bit(cr4, 7);
        long addrMask = range(maxPhy - 1, 12);
        long rsvd = range(62, maxPhy) | (nxe ? 0 : 1L << 63);
        long pteAddr = table | (((la >>> 12) & 0x1ff) << 3);
        long pte = read8(pteAddr);
        if (!bit(pte, 0)) {
            return notPresent(access);
        }
        if ((pte & rsvd) != 0) {
            return reserved(access);
        }
        boolean xd = pdeXd || (nxe && bit(pte, 63));
        boolean rw = pdeRw && bit(pte, 1);
        boolean us = pdeUs && bit(pte, 2);
        if (!allowed(access, rw, us, xd)) {
            return protection(access);
        }
        long nv = pte | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
        if (nv != pte) {
            write8(pteAddr, nv);
        }
        long pa = (pte & addrMask) | (la & 0xfff);
        return success(pa, 12, pge && bit(pte, 8), rw, us, xd, nv);
    }

    // ---- SDM 4.5: 4-level and 5-level paging ----

    private Outcome longMode(long la, int access, int levels) {
        return longModeFrom(la, access, levels, cr3 & range(maxPhy - 1, 12), true, true, false);
    }

    private Outcome longModeFrom(long la, int access, int startLevel, long startTable, boolean rw, boolean us,
            boolean xd) {
        boolean nxe = bit(efer, 11);
        boolean pge = bit(cr4, 7);
        long addrMask = range(maxPhy - 1, 12);
        long rsvdAll = range(51, maxPhy) | (nxe ? 0 : 1L << 63);
        long table = startTable;
        boolean rwAll = rw;
        boolean usAll = us;
        boolean xdAny = xd;
        for (int level = startLevel; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long addr = table | (((la >>> shift) & 0x1ff) << 3);
            long e = read8(addr);
            if (!bit(e, 0)) {
                return notPresent(access);
            }
            if ((e & rsvdAll) != 0) {
                return reserved(access);
            }
            boolean ps = bit(e, 7);
            if (level >= 4 && ps) {
                return reserved(access); // PS is reserved in PML5Es and PML4Es
            }
            boolean leaf = level == 1 || (ps && (level == 2 || level == 3));
            if (leaf && level == 3) {
                if (!gbPages) {
                    return reserved(access);
                }
                if ((e & range(29, 13)) != 0) {
                    return reserved(access);
                }
            }
            if (leaf && level == 2 && (e & range(20, 13)) != 0) {
                return reserved(access);
            }
            rwAll &= bit(e, 1);
            usAll &= bit(e, 2);
            xdAny |= nxe && bit(e, 63);
            if (!leaf) {
                if (!bit(e, 5)) {
                    write8(addr, e | (1 << 5));
                }
                table = e & addrMask;
                passed(level, table, rwAll, usAll, xdAny);
                continue;
            }
            if (!allowed(access, rwAll, usAll, xdAny)) {
                return protection(access);
            }
            long nv = e | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
            if (nv != e) {
                write8(addr, nv);
            }
            long offsetMask = (1L << shift) - 1;
            long pa = (e & addrMask & ~offsetMask) | (la & offsetMask);
            return success(pa, shift, pge && bit(e, 8), rwAll, usAll, xdAny, nv);
        }
        throw new AssertionError("unreachable");
    }
}
