package org.vtsim.bench;

import static org.vtsim.ept.paging.ControlBits.CR0_PE;
import static org.vtsim.ept.paging.ControlBits.CR0_PG;
import static org.vtsim.ept.paging.ControlBits.CR0_WP;
import static org.vtsim.ept.paging.ControlBits.CR4_PAE;
import static org.vtsim.ept.paging.ControlBits.CR4_PGE;
import static org.vtsim.ept.paging.ControlBits.EFER_LMA;
import static org.vtsim.ept.paging.ControlBits.EFER_LME;
import static org.vtsim.ept.paging.ControlBits.EFER_NXE;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.mmu.Mmu;
import org.vtsim.ept.mmu.MmuConfig;
import org.vtsim.ept.paging.Access;

/**
 * Host nanoseconds per {@link Mmu#translate} under 4-level paging, for the three ways a
 * translation is satisfied:
 * <ul>
 *   <li>{@code l1Hit}: 8 pages cycled, all held by the L1 DTLB;</li>
 *   <li>{@code l2Hit}: 512 pages cycled in order — more than the 64-entry L1 DTLB (LRU, so every
 *       access misses it) but well inside the 1536-entry STLB;</li>
 *   <li>{@code coldWalk}: 8192 pages cycled — every access misses both TLB levels — with the
 *       paging-structure caches disabled, so each walk reads all four levels (A/D already set: no
 *       writes). "Cold" for the modelled caches; the host's own caches are warm.</li>
 * </ul>
 * Setup checks that each case really produces the outcome it is named after.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar Translate}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class TranslateBenchmark {
    private static final long PML4 = 0x1000;
    private static final long PDPT = 0x2000;
    private static final long PD = 0x3000;
    private static final long PT_BASE = 0x10_0000; // 16 page tables of 512 PTEs
    private static final long FRAMES = 0x1_0000_0000L;
    private static final long FLAGS = 0x1 | 0x2 | 0x4 | 0x20 | 0x40; // P, R/W, U/S, A, D
    private static final long LA_BASE = 0x0000_7f00_0000_0000L;
    private static final int PAGES = 16 * 512;

    private Mmu l1;
    private Mmu l2;
    private Mmu cold;
    private final long[] l1Addresses = new long[8];
    private final long[] l2Addresses = new long[512];
    private final long[] coldAddresses = new long[PAGES];
    private int i1;
    private int i2;
    private int i3;

    private static SparseMemory tables() {
        SparseMemory m = new SparseMemory();
        int pml4 = (int) ((LA_BASE >>> 39) & 0x1ff);
        int pdpt = (int) ((LA_BASE >>> 30) & 0x1ff);
        m.write64(PML4 + 8L * pml4, PDPT | FLAGS);
        m.write64(PDPT + 8L * pdpt, PD | FLAGS);
        for (int t = 0; t < 16; t++) {
            long pt = PT_BASE + 0x1000L * t;
            m.write64(PD + 8L * t, pt | FLAGS);
            for (int e = 0; e < 512; e++) {
                m.write64(pt + 8L * e, (FRAMES + 0x1000L * (t * 512L + e)) | FLAGS);
            }
        }
        return m;
    }

    private static Mmu mmu(MmuConfig config) {
        Mmu mmu = new Mmu(tables(), config);
        if (!mmu.load(CR0_PG | CR0_PE | CR0_WP, PML4, CR4_PAE | CR4_PGE, EFER_LME | EFER_LMA | EFER_NXE)) {
            throw new IllegalStateException("load failed");
        }
        return mmu;
    }

    private static void fill(long[] a, int stride) {
        for (int k = 0; k < a.length; k++) {
            a[k] = LA_BASE + 0x1000L * ((long) k * stride % PAGES) + (k * 64 & 0xfff);
        }
    }

    private static void expect(Mmu mmu, long[] las, int outcome) {
        for (int round = 0; round < 3; round++) {
            for (long la : las) {
                if (mmu.translate(la, Access.READ) < 0) {
                    throw new IllegalStateException("fault at " + Long.toHexString(la));
                }
            }
        }
        for (long la : las) {
            mmu.translate(la, Access.READ);
            if (mmu.lastOutcome() != outcome) {
                throw new IllegalStateException("expected outcome " + outcome + " got " + mmu.lastOutcome());
            }
        }
        if (outcome == Mmu.WALK && mmu.lastWalk().readCount() != 4) {
            throw new IllegalStateException("cold walk read " + mmu.lastWalk().readCount() + " entries");
        }
    }

    @Setup
    public void setup() {
        MmuConfig skylake = MmuConfig.skylake();
        l1 = mmu(skylake);
        l2 = mmu(skylake);
        cold = mmu(skylake.withPagingStructureCaches(0, 0, 0, 0));
        fill(l1Addresses, 97);
        fill(l2Addresses, 1);
        fill(coldAddresses, 1);
        expect(l1, l1Addresses, Mmu.L1_HIT);
        expect(l2, l2Addresses, Mmu.L2_HIT);
        expect(cold, coldAddresses, Mmu.WALK);
    }

    @Benchmark
    public long l1Hit() {
        int i = i1 = (i1 + 1) & (l1Addresses.length - 1);
        return l1.translate(l1Addresses[i], Access.READ);
    }

    @Benchmark
    public long l2Hit() {
        int i = i2 = (i2 + 1) & (l2Addresses.length - 1);
        return l2.translate(l2Addresses[i], Access.READ);
    }

    @Benchmark
    public long coldWalk() {
        int i = i3 = (i3 + 1) & (coldAddresses.length - 1);
        return cold.translate(coldAddresses[i], Access.READ);
    }
}
