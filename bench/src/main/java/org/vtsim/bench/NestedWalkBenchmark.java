package org.vtsim.bench;

import static org.vtsim.ept.paging.ControlBits.CR0_PE;
import static org.vtsim.ept.paging.ControlBits.CR0_PG;
import static org.vtsim.ept.paging.ControlBits.CR0_WP;
import static org.vtsim.ept.paging.ControlBits.CR4_PAE;
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
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.mmu.MmuConfig;
import org.vtsim.ept.mmu.NestedMmu;
import org.vtsim.ept.nested.NestedWalkResult;
import org.vtsim.ept.nested.NestedWalker;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.tlb.Tlb;

/**
 * Host nanoseconds for the two ends of two-dimensional translation (4-level guest paging over 4-level
 * EPT, 4 KiB pages in both dimensions):
 * <ul>
 *   <li>{@code coldNestedWalk}: a full 2-D walk with no caches at all — 24 entry reads, A/D flags
 *       already set (no writes), EPT A/D off; 8192 guest pages cycled so the host's own caches see a
 *       realistic spread;</li>
 *   <li>{@code combinedTlbHit}: a lookup of a combined mapping (guest-linear → host-physical, SDM
 *       Vol. 3C 28.4.1) in a Skylake-geometry DTLB tagged with a PCID and a context tag standing for
 *       VPID/EPTP — the existing {@link Tlb}, filled from the walks' results.</li>
 *   <li>{@code nestedMmuCombinedHit}: the same, through the {@link NestedMmu} facade the CPU uses (32 pages
 *       cycled: L1 DTLB hits, VPID 1, counters kept);</li>
 *   <li>{@code nestedMmuWarmWalk}: {@link NestedMmu#translate} cycling all 8192 pages, so every access misses
 *       the DTLB and the STLB (and the guest-physical-mapping TLB, DTLB-sized), and the 2-D walk starts from
 *       the combined PDE cache (1 guest read) and translates the guest page table and the data page below
 *       cached EPT PDEs (1 EPT read each; the page table's guest-physical mapping hits after the first of
 *       its 512 pages): 2-3 references, the common TLB-miss cost with warm paging-structure caches.</li>
 * </ul>
 * Setup checks that every walk translates with 24 reads, that every lookup hits, and the outcomes and
 * reference counts of the facade benchmarks.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar NestedWalk}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class NestedWalkBenchmark {
    private static final long HOST_OFFSET = 0x8_0000_0000L; // gpa -> hpa = gpa + 32 GiB
    private static final long EPT_TABLES = 0x1_0000_0000L;
    private static final long PML4 = 0x1000;
    private static final long PDPT = 0x2000;
    private static final long PD = 0x3000;
    private static final long PT_BASE = 0x10_0000; // 16 guest page tables
    private static final long FRAMES = 0x1000_0000L;
    private static final long FLAGS = 0x1 | 0x2 | 0x4 | 0x20 | 0x40; // P, R/W, U/S, A, D
    private static final long LA_BASE = 0x0000_7f00_0000_0000L;
    private static final int PAGES = 16 * 512;
    private static final long CONTEXT_TAG = 1;

    private NestedWalker walker;
    private final NestedWalkResult result = new NestedWalkResult();
    private PagingContext guest;
    private EptContext ept;
    private Tlb tlb;
    private final long[] addresses = new long[PAGES];
    private final long[] hitAddresses = new long[32];
    private int iw;
    private int ih;
    private NestedMmu nestedHit;
    private NestedMmu nestedWalk;
    private int inh;
    private int inw;

    @Setup
    public void setup() {
        SparseMemory host = new SparseMemory();
        int pml4 = (int) ((LA_BASE >>> 39) & 0x1ff);
        int pdpt = (int) ((LA_BASE >>> 30) & 0x1ff);
        host.write64(PML4 + HOST_OFFSET + 8L * pml4, PDPT | FLAGS);
        host.write64(PDPT + HOST_OFFSET + 8L * pdpt, PD | FLAGS);
        EptBuilder b = new EptBuilder(host, 4, EPT_TABLES, 64L << 20);
        for (long t : new long[] {PML4, PDPT, PD}) {
            b.map(t, t + HOST_OFFSET, 12, EptBuilder.RWX_WB);
        }
        for (int t = 0; t < 16; t++) {
            long pt = PT_BASE + 0x1000L * t;
            host.write64(PD + HOST_OFFSET + 8L * t, pt | FLAGS);
            b.map(pt, pt + HOST_OFFSET, 12, EptBuilder.RWX_WB);
            for (int e = 0; e < 512; e++) {
                long frame = FRAMES + 0x1000L * (t * 512L + e);
                host.write64(pt + HOST_OFFSET + 8L * e, frame | FLAGS);
                b.map(frame, frame + HOST_OFFSET, 12, EptBuilder.RWX_WB);
            }
        }
        walker = new NestedWalker(host);
        guest = PagingContext.of(CR0_PG | CR0_PE | CR0_WP, PML4, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE, null);
        ept = EptContext.of(b.eptp(EptMemoryType.WB, false), EptCapabilities.full(PagingContext.DEFAULT_MAXPHYADDR));
        tlb = new Tlb("DTLB", MmuConfig.skylake().dtlb());
        for (int k = 0; k < PAGES; k++) {
            addresses[k] = LA_BASE + 0x1000L * k + (k * 64 & 0xfff);
            if (!walker.walk(guest, ept, addresses[k], Access.READ, result) || result.readCount() != 24
                    || result.hpa() != (FRAMES + 0x1000L * k + HOST_OFFSET | (addresses[k] & 0xfff))) {
                throw new IllegalStateException("unexpected 2-D walk: " + result);
            }
        }
        for (int k = 0; k < hitAddresses.length; k++) {
            long la = addresses[k * 97 % PAGES];
            hitAddresses[k] = la;
            walker.walk(guest, ept, la, Access.READ, result);
            int shift = result.combinedPageShift();
            long frame = result.hpa() & ~((1L << shift) - 1);
            tlb.fill(la, shift, frame, shift, result.guestRights(), result.guestGlobal(), 0, CONTEXT_TAG);
        }
        for (long la : hitAddresses) {
            if (tlb.lookup(la, 0, CONTEXT_TAG) < 0) {
                throw new IllegalStateException("combined mapping not cached for " + Long.toHexString(la));
            }
        }
        nestedHit = new NestedMmu(host, MmuConfig.skylake());
        nestedHit.vmEntry(guest.cr0, guest.cr3, guest.cr4, guest.efer, null, ept, true, 1);
        for (int round = 0; round < 2; round++) {
            for (long la : hitAddresses) {
                nestedHit.translate(la, Access.READ);
            }
        }
        for (long la : hitAddresses) {
            nestedHit.translate(la, Access.READ);
            if (nestedHit.lastOutcome() != NestedMmu.L1_HIT) {
                throw new IllegalStateException("facade: no L1 hit for " + Long.toHexString(la));
            }
        }
        nestedWalk = new NestedMmu(host, MmuConfig.skylake());
        nestedWalk.vmEntry(guest.cr0, guest.cr3, guest.cr4, guest.efer, null, ept, true, 1);
        for (int round = 0; round < 2; round++) {
            for (long la : addresses) {
                nestedWalk.translate(la, Access.READ);
            }
        }
        for (int k = 0; k < 64; k++) {
            nestedWalk.translate(addresses[k], Access.READ);
            if (nestedWalk.lastOutcome() != NestedMmu.WALK || nestedWalk.lastGuestReferences() != 1
                    || nestedWalk.lastEptReferences() < 1 || nestedWalk.lastEptReferences() > 2) {
                throw new IllegalStateException("facade: expected a walk of 1 guest and 1-2 EPT reads: "
                        + nestedWalk.lastWalk());
            }
        }
    }

    @Benchmark
    public long nestedMmuCombinedHit() {
        int i = inh = (inh + 1) & (hitAddresses.length - 1);
        return nestedHit.translate(hitAddresses[i], Access.READ);
    }

    @Benchmark
    public long nestedMmuWarmWalk() {
        int i = inw = (inw + 1) & (PAGES - 1);
        return nestedWalk.translate(addresses[i], Access.READ);
    }

    @Benchmark
    public long coldNestedWalk() {
        int i = iw = (iw + 1) & (PAGES - 1);
        walker.walk(guest, ept, addresses[i], Access.READ, result);
        return result.hpa();
    }

    @Benchmark
    public long combinedTlbHit() {
        int i = ih = (ih + 1) & (hitAddresses.length - 1);
        tlb.lookup(hitAddresses[i], 0, CONTEXT_TAG);
        return tlb.hitPhysical();
    }
}
