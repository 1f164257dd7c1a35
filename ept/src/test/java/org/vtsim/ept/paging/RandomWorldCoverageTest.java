package org.vtsim.ept.paging;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * The random page-table generator must reach every outcome class, or the agreement property
 * would prove little: successes at every page size of the mode, not-present faults, reserved-bit
 * faults, protection faults, with and without A/D writes.
 */
class RandomWorldCoverageTest {
    @Test
    void everyOutcomeClassIsReachedInEveryMode() {
        for (PagingMode mode : new PagingMode[] {PagingMode.LEGACY_32, PagingMode.PAE, PagingMode.IA32E_4,
                PagingMode.IA32E_5}) {
            Map<String, Integer> seen = new TreeMap<>();
            for (long seed = 1; seed <= 300; seed++) {
                RandomPagingWorld w = new RandomPagingWorld(seed, mode);
                PageWalker walker = new PageWalker(w.newMemory());
                PagingContext ctx = w.context();
                WalkResult r = new WalkResult();
                Random rnd = new Random(seed);
                for (int i = 0; i < 40; i++) {
                    boolean ok = walker.walk(ctx, w.randomLinear(rnd), RandomPagingWorld.randomAccess(rnd), r, null);
                    String k;
                    if (ok) {
                        k = "ok-" + r.pageShift();
                    } else if ((r.errorCode() & PageFaultErrorCode.RSVD) != 0) {
                        k = "rsvd";
                    } else if ((r.errorCode() & PageFaultErrorCode.P) != 0) {
                        k = "prot";
                    } else {
                        k = "np";
                    }
                    seen.merge(k, 1, Integer::sum);
                    if (r.referenceCount() > r.readCount()) {
                        seen.merge("adwrite", 1, Integer::sum);
                    }
                    seen.merge("reads-" + r.readCount(), 1, Integer::sum);
                }
            }
            String[] required = switch (mode) {
                case LEGACY_32 -> new String[] {"ok-12", "ok-22", "rsvd", "prot", "np", "adwrite", "reads-2"};
                case PAE -> new String[] {"ok-12", "ok-21", "rsvd", "prot", "np", "adwrite", "reads-2"};
                case IA32E_4 -> new String[] {"ok-12", "ok-21", "ok-30", "rsvd", "prot", "np", "adwrite", "reads-4"};
                default -> new String[] {"ok-12", "ok-21", "ok-30", "rsvd", "prot", "np", "adwrite", "reads-5"};
            };
            for (String k : required) {
                assertTrue(seen.getOrDefault(k, 0) >= 20, mode + " reaches " + k + " often enough: " + seen);
            }
            System.out.println(mode + " " + seen);
        }
    }
}
