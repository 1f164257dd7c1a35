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

    record Outcome(boolean fault, int errorCode, long physical, int pageShift, boolean global, List<Ref> refs) {
    }

    private final PhysicalMemory mem;
    private final long cr0, cr3, cr4, efer;
    private final long[] pdptes;
    private final int maxPhy;
    private final boolean gbPages;
    private final List<Ref> refs = new ArrayList<>();

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

    Outcome walk(long la, int access) {
        refs.clear();
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

    private Outcome notPresent(int access) {
        return new Outcome(true, errorBase(access), 0, 0, false, List.copyOf(refs));
    }

    private Outcome reserved(int access) {
        return new Outcome(true, errorBase(access) | 1 | 8, 0, 0, false, List.copyOf(refs));
    }

    private Outcome protection(int access) {
        return new Outcome(true, errorBase(access) | 1, 0, 0, false, List.copyOf(refs));
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
            return new Outcome(false, 0, pa, 22, pge && bit(pde, 8), List.copyOf(refs));
        }
        if (!bit(pde, 5)) {
            write4(pdeAddr, pde | (1 << 5));
        }
        long pteAddr = (pde & 0xfffff000L) | (((la >>> 12) & 0x3ff) << 2);
        long pte = read4(pteAddr);
        if (!bit(pte, 0)) {
            return notPresent(access);
        }
        boolean rw = bit(pde, 1) && bit(pte, 1);
        boolean us = bit(pde, 2) && bit(pte, 2);
        if (!allowed(access, rw, us, false)) {
            return protection(access);
        }
        long nv = pte | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
        if (nv != pte) {
            write4(pteAddr, nv);
        }
        long pa = (pte & 0xfffff000L) | (la & 0xfff);
        return new Outcome(false, 0, pa, 12, pge && bit(pte, 8), List.copyOf(refs));
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
            return new Outcome(false, 0, pa, 21, pge && bit(pde, 8), List.copyOf(refs));
        }
        if (!bit(pde, 5)) {
            write8(pdeAddr, pde | (1 << 5));
        }
        long pteAddr = (pde & addrMask) | (((la >>> 12) & 0x1ff) << 3);
        long pte = read8(pteAddr);
        if (!bit(pte, 0)) {
            return notPresent(access);
        }
        if ((pte & rsvd) != 0) {
            return reserved(access);
        }
        boolean xd = nxe && (bit(pde, 63) || bit(pte, 63));
        if (!allowed(access, bit(pde, 1) && bit(pte, 1), bit(pde, 2) && bit(pte, 2), xd)) {
            return protection(access);
        }
        long nv = pte | (1 << 5) | ((access & Access.WRITE) != 0 ? 1 << 6 : 0);
        if (nv != pte) {
            write8(pteAddr, nv);
        }
        long pa = (pte & addrMask) | (la & 0xfff);
        return new Outcome(false, 0, pa, 12, pge && bit(pte, 8), List.copyOf(refs));
    }

    // ---- SDM 4.5: 4-level and 5-level paging ----

    private Outcome longMode(long la, int access, int levels) {
        boolean nxe = bit(efer, 11);
        boolean pge = bit(cr4, 7);
        long addrMask = range(maxPhy - 1, 12);
        long rsvdAll = range(51, maxPhy) | (nxe ? 0 : 1L << 63);
        long table = cr3 & addrMask;
        boolean rwAll = true;
        boolean usAll = true;
        boolean xdAny = false;
        for (int level = levels; level >= 1; level--) {
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
            return new Outcome(false, 0, pa, shift, pge && bit(e, 8), List.copyOf(refs));
        }
        throw new AssertionError("unreachable");
    }
}
