package org.vtsim.ept.mmu;

import java.util.Random;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.ept.Eptp;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;

/**
 * A small random world for the nested stale-translation property: 4-level guest tables in guest-physical
 * memory and two 4-level EPTs (EPTP A and B) over one host memory, with a vocabulary of random entry
 * values that makes every kind of stale result likely.
 *
 * <p>Guest: CR3 = PML4 at gpa 0x1000 → PDPT 0x2000 → PD 0x3000 → page tables 0x4000, 0x5000, 0x6000.
 * Six universe linear pages: three under PDE 0, three under PDE 1. PDEs point to one of the page tables,
 * map a 2 MiB page at gpa 0x20_0000 or are not present; PTEs map one of eight data frames at gpa
 * 0x10_0000 with random P, R/W, U/S, A, D, G. CR0.WP = 0 and EFER.NXE = 0, so supervisor reads, writes
 * and fetches pass the guest rights whatever they are (user accesses may not).
 *
 * <p>EPT: each guest-physical table page has two host copies (the tests write guest entries into either);
 * EPT PTEs map table pages to one of their copies and data frames to one of 24 host frames, with random
 * permissions (including execute-only, write-only — a misconfiguration — and not present) and now and
 * then a reserved memory type; EPT PDE 1 maps the 2 MiB region as a 2 MiB page (or not).
 */
final class NestedWorld {
    static final long LA_BASE = 0x0000_7f00_0000_0000L;
    static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000;
    static final long[] PTS = {0x4000, 0x5000, 0x6000};
    static final long DATA = 0x10_0000, BIG = 0x20_0000;
    static final long HOST_TABLES = 0x1000_0000L, HOST_DATA = 0x2000_0000L, HOST_BIG = 0x4000_0000L;
    static final long[] EPT_ROOT = {0x3000_0000L, 0x3010_0000L};
    static final int PAGES = 6;
    static final long CR0 = 0x8000_0001L; // PG, PE; WP = 0
    static final long CR4 = 0x20 | 0x80; // PAE, PGE
    static final long EFER = 0x500; // LME, LMA
    static final EptCapabilities CAPS = EptCapabilities.full(PagingContext.DEFAULT_MAXPHYADDR);

    final SparseMemory host = new SparseMemory();
    final long[] pages = new long[PAGES];
    final EptContext[] ept = new EptContext[2];
    final PagingContext guest = PagingContext.of(CR0, PML4, CR4, EFER, null);
    private final Random rnd;

    NestedWorld(long seed) {
        rnd = new Random(seed);
        for (int i = 0; i < PAGES; i++) {
            pages[i] = LA_BASE + (i < 3 ? 0 : 0x20_0000L) + 0x1000L * (i % 3) + 8 * i;
        }
        for (int copy = 0; copy < 2; copy++) {
            writeGuest(copy, PML4 + 8 * idx(LA_BASE, 4), PDPT | 0x27);
            writeGuest(copy, PDPT + 8 * idx(LA_BASE, 3), PD | 0x27);
            writeGuest(copy, PD, PTS[0] | 0x27);
            writeGuest(copy, PD + 8, PTS[1] | 0x27);
            for (long pt : PTS) {
                for (int e = 0; e < 3; e++) {
                    writeGuest(copy, pt + 8L * e, randomPte());
                }
            }
        }
        for (int e = 0; e < 2; e++) {
            long root = EPT_ROOT[e];
            host.write64(root, (root + 0x1000) | 7);
            host.write64(root + 0x1000, (root + 0x2000) | 7);
            host.write64(root + 0x2000, (root + 0x3000) | 7);
            host.write64(root + 0x2008, bigEpt());
            for (int slot = 0; slot < EPT_SLOTS; slot++) {
                host.write64(eptSlotAddress(e, slot), randomEptLeaf(slot, true));
            }
            ept[e] = EptContext.of(Eptp.of(root, EptMemoryType.WB, 4, false), CAPS);
        }
    }

    static int idx(long la, int level) {
        return (int) ((la >>> (12 + 9 * (level - 1))) & 0x1ff);
    }

    /** Host address of guest-physical table page {@code gpa}'s copy {@code copy}. */
    static long hostTable(int copy, long gpa) {
        return HOST_TABLES + 0x10_0000L * copy + gpa;
    }

    void writeGuest(int copy, long gpa, long value) {
        host.write64(hostTable(copy, gpa & ~0xfffL) + (gpa & 0xfff), value);
    }

    // EPT PT slots: 0..5 the guest table pages 0x1000..0x6000, 6..13 the data frames.
    static final int EPT_SLOTS = 14;

    static long slotGpa(int slot) {
        return slot < 6 ? 0x1000L * (slot + 1) : DATA + 0x1000L * (slot - 6);
    }

    static long eptSlotAddress(int e, int slot) {
        return EPT_ROOT[e] + 0x3000 + 8 * (slotGpa(slot) >>> 12);
    }

    private long perms() {
        int k = rnd.nextInt(24);
        return switch (k) {
            case 0 -> 1; // read-only
            case 1 -> 3; // read/write, no execute
            case 2 -> 5; // read/execute
            case 3 -> 4; // execute-only
            case 4 -> 2; // write-only: misconfiguration
            case 5 -> 0; // not present
            default -> 7;
        };
    }

    long randomEptLeaf(int slot, boolean initial) {
        long frame = slot < 6 ? hostTable(rnd.nextInt(4) == 0 ? 1 : 0, slotGpa(slot))
                : HOST_DATA + 0x1000L * rnd.nextInt(24);
        long type = !initial && rnd.nextInt(12) == 0 ? 2 : EptMemoryType.WB; // 2: reserved memory type
        return frame | (initial && rnd.nextInt(3) > 0 ? 7 : perms()) | type << 3;
    }

    long bigEpt() {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> (HOST_BIG + 0x20_0000L) | 0x80 | perms() | EptMemoryType.WB << 3;
            default -> HOST_BIG | 0x80 | 7 | EptMemoryType.WB << 3;
        };
    }

    long randomPte() {
        long f = (rnd.nextInt(8) > 0 ? 1 : 0) | (rnd.nextInt(4) > 0 ? 2 : 0) | (rnd.nextInt(4) > 0 ? 4 : 0)
                | (rnd.nextBoolean() ? 0x20 : 0) | (rnd.nextBoolean() ? 0x40 : 0) | (rnd.nextInt(4) == 0 ? 0x100 : 0);
        return DATA + 0x1000L * rnd.nextInt(8) | f;
    }

    long randomPde() {
        long a = rnd.nextBoolean() ? 0x20 : 0;
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> BIG | 0x80 | 0x7 | a | (rnd.nextBoolean() ? 0x40 : 0) | (rnd.nextInt(3) == 0 ? 0x100 : 0);
            default -> PTS[rnd.nextInt(3)] | 0x7 | a;
        };
    }

    /** A random guest entry modification: returns {copy, gpa, value}. */
    long[] randomGuestWrite() {
        int copy = rnd.nextInt(3) == 0 ? 1 : 0;
        if (rnd.nextInt(4) == 0) {
            return new long[] {copy, PD + 8L * rnd.nextInt(2), randomPde()};
        }
        return new long[] {copy, PTS[rnd.nextInt(3)] + 8L * rnd.nextInt(3), randomPte()};
    }

    /** A random EPT entry modification of EPT {@code e}: returns {address, value}. */
    long[] randomEptWrite(int e) {
        if (rnd.nextInt(8) == 0) {
            return new long[] {EPT_ROOT[e] + 0x2008, bigEpt()};
        }
        int slot = rnd.nextInt(EPT_SLOTS);
        return new long[] {eptSlotAddress(e, slot), randomEptLeaf(slot, false)};
    }

    static int randomAccess(Random r) {
        int[] a = {Access.READ, Access.READ, Access.WRITE, Access.WRITE, Access.FETCH, Access.USER,
                Access.USER | Access.WRITE, Access.USER | Access.FETCH};
        return a[r.nextInt(a.length)];
    }

    Random random() {
        return rnd;
    }

    PhysicalMemory memory() {
        return host;
    }
}
