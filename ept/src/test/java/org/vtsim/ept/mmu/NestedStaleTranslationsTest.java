package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;

/**
 * Property (issue 4, "Checks"): the caches of SDM Vol. 3C 28.4 never change a guest-linear translation
 * except in the stale ways the SDM permits before the matching invalidation; after it, the new mapping is
 * seen.
 *
 * <p>Random {@link NestedWorld}s run random sequences of: translations (user and supervisor reads, writes,
 * fetches), guest entry writes, EPT entry writes (either EPTP), guest INVLPG and MOV to CR3, INVEPT
 * single-context and all-context, INVVPID of every type (current or another VPID), and VM exit + entry
 * with and without VPID, switching VPID and EPTP. After every translation:
 * <ul>
 *   <li>a combined-mapping hit made no memory write and gave a host-physical address of a combined
 *       translation the SDM allows now ({@link PermittedNestedTranslations}) whose guest rights and EPT
 *       permissions allow the access (and whose guest dirty flag is set, for a write);</li>
 *   <li>a walk gave one of the outcomes — host-physical address, #PF error code, EPT violation with its
 *       guest-physical address and whole exit qualification, EPT misconfiguration — of the walks the SDM
 *       allows now, in both dimensions;</li>
 *   <li>after an invalidation covering the page in both dimensions (and before any table change) the
 *       outcome equals a fresh uncached 2-D walk on the current structures.</li>
 * </ul>
 */
class NestedStaleTranslationsTest {
    static final int STEPS = 90;
    static final int EXAMPLES = 120;

    static final class Stats {
        long translations, hits, staleHits, walks, staleWalks, exactChecks, eptExits, pageFaults, vpidKeeps,
                oracleRuns;

        @Override
        public String toString() {
            return String.format("translations=%d hits=%d (stale %d) walks=%d (stale %d) exact-after-invalidation=%d "
                    + "EPT exits=%d #PF=%d VPID-kept-hits=%d oracle runs=%d", translations, hits, staleHits, walks,
                    staleWalks, exactChecks, eptExits, pageFaults, vpidKeeps, oracleRuns);
        }
    }

    /** Which invalidation the model is denied, to show the property catches it. */
    enum Skip { NONE, INVEPT, INVLPG, VPID0_FLUSH }

    @Test
    void onlyStaleResultsTheSdmPermits() {
        Stats stats = new Stats();
        // A fixed seed: the coverage thresholds below hold for this run, not for every random one.
        qt().withFixedSeed(0x7674_7369_6e65_7374L).withExamples(EXAMPLES).forAll(longs().all())
                .checkAssert(seed -> check(seed, stats, Skip.NONE));
        System.out.println("NestedStaleTranslationsTest: " + stats);
        // Meaningful only if stale hits and walks, post-invalidation checks, both kinds of fault and combined
        // mappings surviving VM exits with VPID all happened (typical run: stale hits ~100, stale walks ~200,
        // exact ~2000, EPT exits ~1400, #PF ~1100, kept ~140).
        assertTrue(stats.staleHits > 40 && stats.staleWalks > 80 && stats.exactChecks > 800 && stats.eptExits > 500
                && stats.pageFaults > 400 && stats.vpidKeeps > 50, stats.toString());
    }

    @Test
    void aMissedInveptIsCaught() {
        assertCaught(Skip.INVEPT);
    }

    @Test
    void aMissedInvlpgIsCaught() {
        assertCaught(Skip.INVLPG);
    }

    @Test
    void aMissedVpid0FlushIsCaught() {
        assertCaught(Skip.VPID0_FLUSH);
    }

    private static void assertCaught(Skip skip) {
        for (long seed = 1; seed <= 200; seed++) {
            try {
                check(seed, new Stats(), skip);
            } catch (AssertionError expected) {
                return;
            }
        }
        throw new AssertionError("no scenario noticed the skipped " + skip);
    }

    static void check(long seed, Stats stats, Skip skip) {
        NestedWorld w = new NestedWorld(seed);
        Random rnd = w.random();
        ObservedMemory modelMemory = new ObservedMemory(w.host, false);
        NestedMmu mmu = new NestedMmu(modelMemory, MmuConfig.skylake());
        PermittedNestedTranslations ok = new PermittedNestedTranslations(w.pages, new ObservedMemory(w.host, true));
        PagingContext guest = w.guest;
        Deque<String> log = new ArrayDeque<>();
        boolean enableVpid = rnd.nextBoolean();
        int vpidField = 1 + rnd.nextInt(2);
        int e = rnd.nextInt(2);
        mmu.vmEntry(NestedWorld.CR0, NestedWorld.PML4, NestedWorld.CR4, NestedWorld.EFER, null, w.ept[e], enableVpid,
                vpidField);
        int v = enableVpid ? vpidField : 0;
        boolean[] guestExact = new boolean[NestedWorld.PAGES];
        boolean[] eptExact = {true, true};
        Arrays.fill(guestExact, true);
        ok.cacheCurrent(guest, w.ept[e], v, e);
        long runs0 = ok.runs;
        int[] lastFill = new int[NestedWorld.PAGES];
        int lastTransition = -1;
        for (int step = 0; step < STEPS; step++) {
            int k = rnd.nextInt(100);
            EptContext ept = w.ept[e];
            String op;
            if (k < 55) {
                int u = rnd.nextInt(NestedWorld.PAGES);
                int access = NestedWorld.randomAccess(rnd);
                long la = w.pages[u];
                op = "translate page " + u + " " + Access.describe(access);
                Set<String> outcomes = ok.outcomes(guest, ept, v, e, la, access);
                Set<Long> hits = ok.hits(guest, v, e, u, la, access);
                String fresh = ok.fresh(guest, ept, la, access);
                modelMemory.takeWrites();
                long r = mmu.translate(la, access);
                List<String> writes = modelMemory.takeWrites();
                String got = describe(r, mmu);
                String where = where(seed, log, op, got, outcomes, fresh);
                stats.translations++;
                if (mmu.lastOutcome() == NestedMmu.L1_HIT || mmu.lastOutcome() == NestedMmu.L2_HIT) {
                    stats.hits++;
                    assertTrue(writes.isEmpty(), "a TLB hit wrote memory " + writes + where);
                    assertTrue(hits.contains(r), "combined hit not permitted; permitted " + hits + where);
                    if (!got.equals(fresh)) {
                        stats.staleHits++;
                    }
                    if (v != 0 && lastFill[u] < lastTransition) {
                        stats.vpidKeeps++; // a combined mapping made before a VM exit served after it
                    }
                } else {
                    lastFill[u] = step;
                    assertEquals(NestedMmu.WALK, mmu.lastOutcome(), where);
                    stats.walks++;
                    assertTrue(outcomes.contains(got), "walk outcome not permitted" + where);
                    if (!got.equals(fresh)) {
                        stats.staleWalks++;
                    }
                }
                if (guestExact[u] && eptExact[e]) {
                    stats.exactChecks++;
                    assertEquals(fresh, got, "after covering invalidations" + where);
                }
                if (r == NestedMmu.EPT_VIOLATION || r == NestedMmu.EPT_MISCONFIG) {
                    stats.eptExits++;
                } else if (r < 0) {
                    stats.pageFaults++;
                }
            } else if (k < 64) {
                long[] g = w.randomGuestWrite();
                op = String.format("guest write copy %d gpa %x = %x", g[0], g[1], g[2]);
                w.writeGuest((int) g[0], g[1], g[2]);
                Arrays.fill(guestExact, false);
            } else if (k < 70) {
                int which = rnd.nextInt(2);
                long[] x = w.randomEptWrite(which);
                op = String.format("EPT %d write %x = %x", which, x[0], x[1]);
                w.host.write64(x[0], x[1]);
                eptExact[which] = false;
                if (which == e) {
                    Arrays.fill(guestExact, false);
                }
            } else if (k < 75) {
                int u = rnd.nextInt(NestedWorld.PAGES);
                op = "INVLPG page " + u;
                if (skip != Skip.INVLPG) {
                    mmu.invlpg(w.pages[u]);
                }
                ok.invlpg(v, w.pages[u]);
                guestExact[u] = true;
            } else if (k < 79) {
                op = "MOV CR3";
                mmu.writeCr3(NestedWorld.PML4);
                ok.movCr3(v);
                for (int u = 0; u < guestExact.length; u++) {
                    guestExact[u] = !ok.hasGlobal(v, e, u);
                }
            } else if (k < 84) {
                boolean all = rnd.nextInt(3) == 0;
                int which = rnd.nextInt(2);
                op = all ? "INVEPT all" : "INVEPT single EPT " + which;
                if (skip != Skip.INVEPT) {
                    mmu.invept(all ? 2 : 1, w.ept[which].eptp);
                }
                if (all) {
                    ok.inveptAll();
                    eptExact[0] = eptExact[1] = true;
                } else {
                    ok.inveptSingle(which);
                    eptExact[which] = true;
                }
                if (all || which == e) {
                    Arrays.fill(guestExact, true);
                }
            } else if (k < 90) {
                int type = rnd.nextInt(4);
                int target = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : v;
                int u = rnd.nextInt(NestedWorld.PAGES);
                op = "INVVPID type " + type + " VPID " + target + " page " + u;
                mmu.invvpid(type, target, w.pages[u]);
                ok.invvpid(type, target, w.pages[u]);
                if (type == 2 && v != 0) {
                    Arrays.fill(guestExact, true);
                } else if (type != 2 && target == v) {
                    for (int x = 0; x < guestExact.length; x++) {
                        guestExact[x] |= type == 1 || (type == 3 && !ok.hasGlobal(v, e, x)) || (type == 0 && x == u);
                    }
                }
            } else {
                boolean nextVpid = rnd.nextBoolean();
                int nextField = 1 + rnd.nextInt(2);
                int nextE = rnd.nextInt(4) == 0 ? 1 - e : e;
                op = "exit/entry VPID " + (nextVpid ? nextField : "off") + " EPT " + nextE;
                // A model that skips the VPID-0000H flush: enter it with an unused VPID instead of VPID off.
                boolean modelEnable = nextVpid || skip == Skip.VPID0_FLUSH;
                int modelField = nextVpid ? nextField : 0x7ff;
                mmu.vmExit();
                mmu.vmEntry(NestedWorld.CR0, NestedWorld.PML4, NestedWorld.CR4, NestedWorld.EFER, null, w.ept[nextE],
                        modelEnable, modelField);
                if (v == 0) {
                    ok.vpid0Transition();
                }
                int nv = nextVpid ? nextField : 0;
                if (nv == 0) {
                    ok.vpid0Transition();
                }
                if (nv != v || nextE != e) {
                    Arrays.fill(guestExact, false);
                }
                if (nv == 0) {
                    Arrays.fill(guestExact, true);
                }
                v = nv;
                e = nextE;
                lastTransition = step;
            }
            log.addLast(op);
            if (log.size() > 14) {
                log.removeFirst();
            }
            ok.cacheCurrent(guest, w.ept[e], v, e);
        }
        stats.oracleRuns += ok.runs - runs0;
    }

    static String describe(long r, NestedMmu mmu) {
        if (r >= 0) {
            return "hpa " + Long.toHexString(r);
        }
        if (r == NestedMmu.EPT_VIOLATION || r == NestedMmu.EPT_MISCONFIG) {
            return PermittedNestedTranslations.describe(mmu.lastWalk());
        }
        return "#PF " + Long.toHexString(~r);
    }

    private static String where(long seed, Deque<String> log, String op, String got, Set<String> outcomes,
            String fresh) {
        return "\n seed " + seed + ": " + op + " gave " + got + "; permitted walks " + outcomes + "; fresh " + fresh
                + "\n recent ops " + String.join("\n   ", log);
    }
}
