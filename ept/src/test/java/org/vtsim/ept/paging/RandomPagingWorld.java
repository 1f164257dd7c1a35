package org.vtsim.ept.paging;

import java.util.Random;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;

/**
 * Random page tables for property tests: a small pool of table pages filled with random entries
 * biased so walks usually go deep (present, pointing back into the pool) but also hit every fault:
 * not-present entries, reserved bits (high address bits, large-page bits 29:13/20:13/21, XD without
 * NXE, PS in PML4Es), pointers beyond memory, and random control bits. Built from a seed so a
 * failing case is replayed from the seed QuickTheories prints.
 */
public final class RandomPagingWorld {
    public static final long POOL_BASE = 0x4000_0000L; // 1 GiB: pool pointers double as large-page frames
    public static final int POOL_PAGES = 6;

    public final long seed;
    public final PagingMode mode;
    public final long cr0;
    public final long cr3;
    public final long cr4;
    public final long efer;
    public final long[] pdptes;
    public final int maxPhy;
    public final boolean gbPages;
    private final long[] image; // pool contents, 512 longs per page
    private final Random rnd;

    public RandomPagingWorld(long seed, PagingMode mode) {
        this.seed = seed;
        this.mode = mode;
        this.rnd = new Random(seed);
        int[] widths = {36, 39, 40, 46, 52};
        this.maxPhy = widths[rnd.nextInt(widths.length)];
        this.gbPages = rnd.nextInt(4) != 0;
        long c0 = ControlBits.CR0_PG | ControlBits.CR0_PE | (rnd.nextBoolean() ? ControlBits.CR0_WP : 0);
        long c4 = (rnd.nextBoolean() ? ControlBits.CR4_PSE : 0) | (rnd.nextBoolean() ? ControlBits.CR4_PGE : 0)
                | (rnd.nextBoolean() ? ControlBits.CR4_SMEP : 0) | (rnd.nextBoolean() ? ControlBits.CR4_SMAP : 0);
        long ef = rnd.nextBoolean() ? ControlBits.EFER_NXE : 0;
        if (mode != PagingMode.LEGACY_32) {
            c4 |= ControlBits.CR4_PAE;
        }
        if (mode.isIa32e()) {
            ef |= ControlBits.EFER_LME | ControlBits.EFER_LMA;
            if (rnd.nextBoolean()) {
                c4 |= ControlBits.CR4_PCIDE;
            }
        }
        if (mode == PagingMode.IA32E_5) {
            c4 |= ControlBits.CR4_LA57;
        }
        this.cr0 = c0;
        this.cr4 = c4;
        this.efer = ef;
        this.image = new long[POOL_PAGES * (mode == PagingMode.LEGACY_32 ? 1024 : 512)];
        for (int i = 0; i < image.length; i++) {
            image[i] = randomEntry(rnd);
        }
        long root = poolPage(0);
        long c3;
        if (mode == PagingMode.PAE) {
            int slot = rnd.nextInt(4); // the PDPT is 32-byte aligned anywhere in the page
            c3 = root + 32L * slot;
            this.pdptes = new long[4];
            for (int i = 0; i < 4; i++) {
                long p = rnd.nextInt(8) == 0 ? 0 : 1; // P
                p |= (rnd.nextBoolean() ? EntryBits.PWT : 0) | (rnd.nextBoolean() ? EntryBits.PCD : 0);
                p |= tableAddress() & ((1L << maxPhy) - 1);
                pdptes[i] = p;
                image[(int) ((c3 - POOL_BASE) / 8) + i] = p;
            }
        } else {
            c3 = root | (rnd.nextBoolean() ? 0x18 : 0);
            if ((c4 & ControlBits.CR4_PCIDE) != 0) {
                c3 = root | rnd.nextInt(4096);
            }
            this.pdptes = null;
        }
        this.cr3 = c3;
    }

    public static long poolPage(int i) {
        return POOL_BASE + 0x1000L * i;
    }

    private long tableAddress() {
        return tableAddress(rnd);
    }

    private long tableAddress(Random rnd) {
        int k = rnd.nextInt(20);
        if (k < 18) {
            return poolPage(rnd.nextInt(POOL_PAGES));
        }
        if (k == 18) {
            return (rnd.nextLong() & ((64L << 30) - 1)) & ~0xfffL; // somewhere in 64 GiB, never written
        }
        return (rnd.nextLong() & ((1L << 52) - 1)) & ~0xfffL; // any width: reserved bits or beyond memory
    }

    private long randomEntry(Random rnd) {
        long e = 0;
        if (rnd.nextInt(12) != 0) {
            e |= EntryBits.P;
        }
        e |= rnd.nextLong() & 0x17eL; // R/W, U/S, PWT, PCD, A, D, G: each random
        if (rnd.nextInt(4) == 0) {
            e |= EntryBits.PS;
        }
        int k = rnd.nextInt(20);
        if (k < 15) {
            e |= tableAddress(rnd);
        } else if (k < 18) {
            e |= (long) rnd.nextInt(64) << 30; // 1-GByte aligned frame below 64 GiB
            if (rnd.nextBoolean()) {
                e |= (long) rnd.nextInt(512) << 21; // 2-MByte aligned
            }
            if (rnd.nextInt(4) == 0) {
                e |= EntryBits.PAT_LARGE;
            }
        } else if (k == 18) {
            e |= rnd.nextLong() & 0x000f_ffff_ffff_f000L; // random bits 51:12
        } else {
            e |= (1L << (36 + rnd.nextInt(16))) | poolPage(rnd.nextInt(POOL_PAGES)); // one high bit
        }
        if (rnd.nextInt(8) == 0) {
            e |= rnd.nextLong() & 0x7ff0_0000_0000_0000L; // bits 62:52
        }
        if (rnd.nextInt(8) == 0) {
            e |= EntryBits.XD;
        }
        if (mode == PagingMode.LEGACY_32) {
            e &= 0xffff_ffffL;
            if (rnd.nextInt(3) == 0) {
                e |= (long) rnd.nextInt(256) << 13; // PSE-36 high address bits
            }
            if (rnd.nextBoolean()) {
                e &= ~(1L << 21);
            }
        }
        return e;
    }

    /**
     * A modification software might make to a paging-structure entry: flip one of P, R/W, U/S, A,
     * D, PS, G or XD, point it at another pool page (keeping the flags), or replace it with a fresh
     * random entry. Entries keep the width of the mode.
     */
    public long mutateEntry(long old, Random r) {
        long e;
        switch (r.nextInt(10)) {
            case 0 -> e = old ^ EntryBits.P;
            case 1 -> e = old ^ EntryBits.RW;
            case 2 -> e = old ^ EntryBits.US;
            case 3 -> e = old ^ EntryBits.A;
            case 4 -> e = old ^ EntryBits.D;
            case 5 -> e = old ^ EntryBits.PS;
            case 6 -> e = old ^ EntryBits.G;
            case 7 -> e = mode == PagingMode.LEGACY_32 ? old ^ EntryBits.RW : old ^ EntryBits.XD;
            case 8 -> e = (old & 0xfffL) | (old & EntryBits.XD) | poolPage(r.nextInt(POOL_PAGES));
            default -> e = randomEntry(r);
        }
        return mode == PagingMode.LEGACY_32 ? e & 0xffff_ffffL : e;
    }

    /** A fresh memory holding the pool. */
    public SparseMemory newMemory() {
        SparseMemory m = new SparseMemory();
        load(m);
        return m;
    }

    public void load(PhysicalMemory m) {
        for (int i = 0; i < image.length; i++) {
            if (mode == PagingMode.LEGACY_32) {
                m.write32(POOL_BASE + 4L * i, (int) image[i]);
            } else {
                m.write64(POOL_BASE + 8L * i, image[i]);
            }
        }
    }

    public PagingContext context() {
        return PagingContext.of(cr0, cr3, cr4, efer, pdptes, maxPhy, gbPages);
    }

    public ReferenceWalk reference(PhysicalMemory m) {
        return new ReferenceWalk(m, cr0, cr3, cr4, efer, pdptes, maxPhy, gbPages);
    }

    /** A random linear address of the mode's width (canonical for IA-32e). */
    public long randomLinear(Random r) {
        long la = r.nextLong();
        switch (mode) {
            case IA32E_4:
                return (la << 16) >> 16;
            case IA32E_5:
                return (la << 7) >> 7;
            default:
                return la & 0xffff_ffffL;
        }
    }

    /** A random access: read, write or fetch, with random USER / IMPLICIT_SUPERVISOR / AC. */
    public static int randomAccess(Random r) {
        int kind = r.nextInt(3);
        int a = kind == 0 ? Access.READ : kind == 1 ? Access.WRITE : Access.FETCH;
        if (r.nextBoolean()) {
            a |= Access.USER;
        }
        if (r.nextInt(4) == 0) {
            a |= Access.IMPLICIT_SUPERVISOR;
        }
        if (r.nextBoolean()) {
            a |= Access.AC;
        }
        return a;
    }

    public Random random() {
        return rnd;
    }

    @Override
    public String toString() {
        return String.format("world(seed=%d, %s, M=%d, gb=%b, %s)", seed, mode, maxPhy, gbPages, context());
    }
}
