package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.paging.PagingMode;

/**
 * Property (architecture brief: a faster functional cache may sit beside the modelled TLBs only if
 * a test shows it never changes a result): the same random operation sequences of
 * {@link TlbScenario} — translations, table changes, INVLPG, MOV CR3, PGE toggles, INVPCID — run on
 * an MMU with the L1 front caches on and one with them off give, after every operation, the same
 * result, outcome (L1/L2/walk), A/D writes, counters, occupancy and complete modelled cache state
 * including LRU stamps.
 */
class FrontCacheIdentityTest {
    @Test
    void frontCacheNeverChangesAnything() {
        long[] frontHits = new long[1];
        qt().withExamples(200).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, m) -> {
            TlbScenario sc = TlbScenario.generate(seed, PagingMode.values()[1 + m], 150);
            TlbScenario.Run fast = sc.new Run(mem -> new Mmu(mem, sc.config));
            TlbScenario.Run slow = sc.new Run(mem -> {
                Mmu mmu = new Mmu(mem, sc.config);
                mmu.setFrontCache(false);
                return mmu;
            });
            for (int i = 0; i < sc.ops.size(); i++) {
                TlbScenario.Op op = sc.ops.get(i);
                String where = sc + "\n step " + i + " " + op;
                assertEquals(slow.apply(op), fast.apply(op), where);
                assertEquals(slow.mmu.lastOutcome(), fast.mmu.lastOutcome(), where);
                assertEquals(slow.mmuMemory.takeWrites(), fast.mmuMemory.takeWrites(), where);
                assertEquals(slow.mmu.counters().toString(), fast.mmu.counters().toString(), where);
                assertEquals(Arrays.toString(slow.mmu.occupancy()), Arrays.toString(fast.mmu.occupancy()), where);
                assertEquals(slow.mmu.cacheStateHash(), fast.mmu.cacheStateHash(), where);
            }
            frontHits[0] += fast.mmu.counters().l1Hits();
        });
        assertTrue(frontHits[0] > 2000, "L1 hits exercised: " + frontHits[0]);
    }
}
