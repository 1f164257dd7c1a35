package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.ReferenceWalkAccess;
import org.vtsim.ept.paging.ReferenceWalkAccess.Walk;

/**
 * Property (issue "Checks"): TLB and paging-structure caching never changes a translation except
 * in the stale ways SDM Vol. 3A 4.10 permits before the matching invalidation.
 *
 * <p>Random page-table worlds run random operation sequences ({@link TlbScenario}): translations,
 * entry modifications written straight into memory, INVLPG, MOV CR3 with and without the PCID
 * no-flush bit, CR4.PGE toggles and INVPCID of every type. After every translation:
 * <ul>
 *   <li>a TLB hit (the MMU says L1/L2) made no memory write and gave the address of a translation the
 *       tables held since the last invalidation covering the page and PCID
 *       ({@link PermittedTranslations}) whose cached rights allow the access and, for a write, whose
 *       cached dirty flag is set (SDM 4.8: a not-dirty entry cannot serve a write);</li>
 *   <li>a walk gave the result — address or exact error code — and exactly the A/D writes of a walk on
 *       the current tables, possibly started from a permitted paging-structure-cache entry
 *       (SDM 4.10.3.2);</li>
 *   <li>right after an invalidation covering the page and PCID (and before any table change), the
 *       result equals the walk on the current tables, with its A/D writes.</li>
 * </ul>
 */
class StaleTranslationsTest {
    static final int STEPS = 120;

    /** Sums over all examples, to show the property exercised what it claims to. */
    static final class Stats {
        long translations, hits, staleHits, walks, staleWalks, exactChecks, rewalks, faults, invalidations;

        @Override
        public String toString() {
            return String.format("translations=%d hits=%d (stale %d) walks=%d (stale %d) exact-after-flush=%d "
                    + "rewalks=%d faults=%d invalidations=%d", translations, hits, staleHits, walks, staleWalks,
                    exactChecks, rewalks, faults, invalidations);
        }
    }

    @Test
    void onlyStaleResultsTheSdmPermits() {
        Stats stats = new Stats();
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, m) -> {
            PagingMode mode = PagingMode.values()[1 + m];
            check(TlbScenario.generate(seed, mode, STEPS), stats, false);
        });
        System.out.println("StaleTranslationsTest: " + stats);
        // The property only means something if stale results and post-flush checks actually happened.
        assertTrue(stats.staleHits > 150 && stats.staleWalks > 8 && stats.exactChecks > 4000 && stats.rewalks > 500
                && stats.faults > 4000 && stats.hits > 2000, stats.toString());
    }

    /** The oracle is not vacuous: an MMU that misses INVLPG is caught. */
    @Test
    void aMissedInvlpgIsCaught() {
        int caught = 0;
        for (long seed = 1; seed <= 60 && caught == 0; seed++) {
            try {
                check(TlbScenario.generate(seed, PagingMode.IA32E_4, STEPS), new Stats(), true);
            } catch (AssertionError expected) {
                caught++;
            }
        }
        assertTrue(caught > 0, "no scenario noticed that INVLPG was skipped");
    }

    static void check(TlbScenario sc, Stats stats, boolean skipInvlpg) {
        TlbScenario.Run run = sc.new Run(mem -> new Mmu(mem, sc.config));
        PermittedTranslations ok = new PermittedTranslations(sc.world.mode, sc.pages, run.readOnly);
        boolean[] exact = new boolean[sc.pages.length];
        ok.cacheCurrent(run.reference(), run.pcid());
        List<TlbScenario.Op> ops = sc.ops;
        for (int i = 0; i < ops.size(); i++) {
            TlbScenario.Op op = ops.get(i);
            int step = i;
            int pcid = run.pcid();
            long la = run.linear(op);
            boolean changed = true; // whether the SDM lets the processor cache anything new now
            switch (op.kind()) {
                case TRANSLATE -> {
                    ReferenceWalkAccess ref = run.reference();
                    List<Walk> walks = ok.walks(ref, pcid, la, op.access());
                    Set<Long> hits = ok.hits(ref, pcid, op.page(), la, op.access());
                    run.mmuMemory.takeWrites();
                    long rewalksBefore = run.mmu.counters().rewalks;
                    long got = run.apply(op);
                    List<String> writes = run.mmuMemory.takeWrites();
                    int outcome = run.mmu.lastOutcome();
                    Walk current = walks.get(0);
                    stats.translations++;
                    stats.rewalks += run.mmu.counters().rewalks - rewalksBefore;
                    if (outcome == Mmu.L1_HIT || outcome == Mmu.L2_HIT) {
                        stats.hits++;
                        assertTrue(writes.isEmpty(), () -> where(sc, step, "a TLB hit wrote memory " + writes));
                        assertTrue(hits.contains(got), () -> where(sc, step, "TLB hit gave " + hex(got)
                                + ", permitted hits " + hexes(hits) + ", current walk " + current));
                        if (got != current.result()) {
                            stats.staleHits++;
                        }
                    } else if (outcome == Mmu.WALK) {
                        stats.walks++;
                        boolean match = walks.stream().anyMatch(w -> w.result() == got && w.writes().equals(writes));
                        assertTrue(match, () -> where(sc, step, "walk gave " + hex(got) + " writing " + writes
                                + ", permitted walks " + walks));
                        if (got != current.result()) {
                            stats.staleWalks++;
                        }
                    } else {
                        fail(where(sc, step, "paging is on but outcome " + outcome));
                    }
                    if (exact[op.page()]) {
                        stats.exactChecks++;
                        assertEquals(current.result(), got, () -> where(sc, step, "right after a covering flush"));
                        if (outcome == Mmu.WALK) {
                            assertEquals(current.writes(), writes, () -> where(sc, step, "A/D after a covering flush"));
                        }
                    }
                    if (got < 0) {
                        stats.faults++;
                        ok.pageFault(pcid, la);
                    }
                    changed = got < 0 || !writes.isEmpty();
                }
                case MODIFY -> {
                    run.apply(op);
                    Arrays.fill(exact, false);
                }
                case INVLPG -> {
                    stats.invalidations++;
                    if (!skipInvlpg) {
                        run.apply(op);
                    }
                    ok.invlpg(pcid, la);
                    for (int u = 0; u < exact.length; u++) {
                        exact[u] |= ok.samePage(sc.pages[u], la);
                    }
                }
                case MOV_CR3 -> {
                    if (run.apply(op) != 0) {
                        if (op.noFlush()) {
                            Arrays.fill(exact, false);
                        } else {
                            stats.invalidations++;
                            ok.flushPcid(run.pcid());
                            for (int u = 0; u < exact.length; u++) {
                                exact[u] = !ok.hasGlobal(u);
                            }
                        }
                    }
                }
                case TOGGLE_PGE -> {
                    if (run.apply(op) != 0) {
                        stats.invalidations++;
                        ok.flushEverything();
                        Arrays.fill(exact, true);
                    }
                }
                case INVPCID -> {
                    stats.invalidations++;
                    run.apply(op);
                    switch (op.type()) {
                        case 0 -> ok.invpcidAddress(op.pcid(), la);
                        case 1 -> ok.flushPcid(op.pcid());
                        case 2 -> ok.flushEverything();
                        default -> ok.flushAllNonGlobal();
                    }
                    for (int u = 0; u < exact.length; u++) {
                        boolean covered = switch (op.type()) {
                            case 0 -> op.pcid() == pcid && ok.samePage(sc.pages[u], la) && !ok.hasGlobal(u);
                            case 1 -> op.pcid() == pcid && !ok.hasGlobal(u);
                            case 2 -> true;
                            default -> !ok.hasGlobal(u);
                        };
                        exact[u] |= covered;
                    }
                }
                default -> throw new AssertionError(op);
            }
            if (changed) {
                ok.cacheCurrent(run.reference(), run.pcid());
            }
        }
    }

    private static String where(TlbScenario sc, int step, String what) {
        StringBuilder b = new StringBuilder(what).append("\n at step ").append(step).append(" of ").append(sc);
        for (int k = Math.max(0, step - 12); k <= step; k++) {
            b.append("\n   ").append(k).append(": ").append(sc.ops.get(k));
        }
        return b.toString();
    }

    private static String hex(long v) {
        return v < 0 ? "#PF(" + Long.toHexString(~v) + ")" : Long.toHexString(v);
    }

    private static String hexes(Set<Long> s) {
        return s.stream().map(StaleTranslationsTest::hex).toList().toString();
    }
}
