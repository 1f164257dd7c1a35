package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.RandomPagingWorld;
import org.vtsim.ept.paging.ReferenceWalkAccess;
import org.vtsim.ept.paging.WalkResult;
import org.vtsim.ept.tlb.TlbArraySpec;

/**
 * Property: while software does not modify the page tables, the TLBs and paging-structure caches
 * are invisible — every translation through {@link Mmu} gives exactly what the plain reference walk
 * gives (address or exact error code), and the memory effects agree too: the A/D writes the
 * reference walk makes are exactly those of the Mmu's walk, and none when the Mmu hit a TLB. Tiny
 * random TLB/PSC geometries force evictions, fractured fills and PSC-started walks.
 */
class MmuAgreesWithReferenceTest {
    @Test
    void cachingIsTransparentWithoutTableChanges() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, m) -> {
            PagingMode mode = PagingMode.values()[1 + m];
            run(new RandomPagingWorld(seed, mode), seed);
        });
        // The property only means something if the caches were actually used.
        assertTrue(TOTAL.l1Hits() > 1000 && TOTAL.stlbHits > 100 && TOTAL.pscHitsTotal() > 100
                && TOTAL.rewalks > 50 && TOTAL.pageFaults > 1000, TOTAL.toString());
    }

    private static final MmuCounters TOTAL = new MmuCounters();

    static MmuConfig tinyConfig(Random r, int maxPhy, boolean gb) {
        int ways = 1 << r.nextInt(3);
        List<TlbArraySpec> i = List.of(new TlbArraySpec("I4K", ways * (1 << r.nextInt(3)), ways, 12));
        List<TlbArraySpec> d = List.of(new TlbArraySpec("D4K", 4, 2, 12), new TlbArraySpec("D2M", 2, 2, 21, 22));
        List<TlbArraySpec> s = r.nextBoolean()
                ? List.of(new TlbArraySpec("S", 8, 4, 12, 21), new TlbArraySpec("S1G", 2, 2, 30))
                : List.of(new TlbArraySpec("S", 16, 16, 12));
        return new MmuConfig(i, d, s, r.nextInt(4), r.nextInt(3), r.nextInt(3), r.nextInt(3), maxPhy, gb);
    }

    private static void run(RandomPagingWorld w, long seed) {
        Random r = new Random(seed * 31 + 7);
        SparseMemory mmuMem = w.newMemory();
        SparseMemory refMem = w.newMemory();
        MmuConfig cfg = r.nextInt(4) == 0 ? MmuConfig.skylake().withMaxPhyAddr(w.maxPhy).withGbPages(w.gbPages)
                : tinyConfig(r, w.maxPhy, w.gbPages);
        Mmu mmu = new Mmu(mmuMem, cfg);
        assertEquals(true, mmu.load(w.cr0, w.cr3, w.cr4, w.efer));
        ReferenceWalkAccess ref = new ReferenceWalkAccess(w.reference(refMem));
        // A handful of addresses, reused so that TLB and PSC hits happen.
        // Mostly addresses that translate (found with a walk on a scratch copy), so hits happen.
        long[] las = new long[6];
        PageWalker probe = new PageWalker(w.newMemory());
        WalkResult pr = new WalkResult();
        PagingContext pctx = w.context();
        int found = 0;
        for (int tries = 0; tries < 300 && found < 4; tries++) {
            long la = w.randomLinear(r);
            if (probe.walk(pctx, la, Access.READ, pr, null)) {
                las[found++] = la;
            }
        }
        while (found < las.length) {
            las[found++] = w.randomLinear(r);
        }
        for (int step = 0; step < 60; step++) {
            long base = las[r.nextInt(las.length)];
            long la = r.nextInt(3) == 0 ? base ^ ((long) r.nextInt(1 << 12) << r.nextInt(20)) : base;
            int access = RandomPagingWorld.randomAccess(r);
            long got = mmu.translate(la, access);
            long expected = ref.translate(la, access);
            String where = w + " step " + step + " la=" + Long.toHexString(la) + " outcome " + mmu.lastOutcome()
                    + " walk " + mmu.lastWalk();
            assertEquals(expected, got, where);
            List<long[]> mmuWrites = new ArrayList<>();
            if (mmu.lastOutcome() == Mmu.WALK) {
                WalkResult wr = mmu.lastWalk();
                for (int k = 0; k < wr.referenceCount(); k++) {
                    if (wr.referenceIsWrite(k)) {
                        mmuWrites.add(new long[] {wr.referenceAddress(k), wr.referenceValue(k)});
                    }
                }
            }
            assertEquals(ref.lastWrites(), render(mmuWrites), where);
        }
        MmuCounters c = mmu.counters();
        TOTAL.dtlbHits += c.dtlbHits;
        TOTAL.itlbHits += c.itlbHits;
        TOTAL.stlbHits += c.stlbHits;
        TOTAL.rewalks += c.rewalks;
        TOTAL.pageFaults += c.pageFaults;
        for (int l = 2; l <= 5; l++) {
            TOTAL.pscHits[l] += c.pscHits[l];
        }
    }

    private static List<String> render(List<long[]> l) {
        List<String> out = new ArrayList<>();
        for (long[] a : l) {
            out.add(Long.toHexString(a[0]) + "=" + Long.toHexString(a[1]));
        }
        return out;
    }
}
