package org.vtsim.ept.nested;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptViolation;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.RandomPagingWorld;

/**
 * The 2-D property proves little unless the random worlds reach every outcome class: translations
 * at every EPT page size, guest page faults, EPT violations on guest entries and on final addresses
 * (reads, writes, fetches, paging-structure writes under EPT A/D, guest A/D updates without EPT write
 * permission, user-execute under mode-based execute control), every kind of misconfiguration, and
 * A/D writes in both dimensions. Specs are drawn from the same ranges as the QuickTheories generator.
 */
class RandomEptWorldCoverageTest {
    @Test
    void everyOutcomeClassIsReached() {
        Map<String, Integer> seen = new TreeMap<>();
        for (PagingMode mode : new PagingMode[] {PagingMode.IA32E_4, PagingMode.IA32E_5, PagingMode.PAE,
                PagingMode.LEGACY_32}) {
            for (long seed = 1; seed <= 150; seed++) {
                Random rnd = new Random(seed * 31 + mode.ordinal());
                List<RandomEptWorld.Spec> specs = new ArrayList<>();
                for (int i = 0; i < RandomEptWorld.POOL_PAGES * RandomEptWorld.SLOTS; i++) {
                    specs.add(new RandomEptWorld.Spec(rnd.nextInt(64), rnd.nextInt(64), rnd.nextInt(64), rnd.nextInt(16),
                            rnd.nextInt(RandomEptWorld.POOL_PAGES)));
                }
                RandomPagingWorld g = new RandomPagingWorld(seed, mode);
                RandomEptWorld e = new RandomEptWorld(specs, rnd.nextInt(128), g.maxPhy);
                NestedWalker walker = new NestedWalker(e.newHostMemory(g));
                EptContext ctx = EptContext.of(e.eptp, e.mbec, e.caps);
                NestedWalkResult r = new NestedWalkResult();
                for (int i = 0; i < 30; i++) {
                    walker.walk(g.context(), ctx, g.randomLinear(rnd), RandomPagingWorld.randomAccess(rnd), r);
                    switch (r.outcome()) {
                        case TRANSLATED -> seen.merge("ok-ept" + r.eptPageShift(), 1, Integer::sum);
                        case PAGE_FAULT -> seen.merge("pf", 1, Integer::sum);
                        case EPT_MISCONFIG -> seen.merge("misconfig-" + r.misconfig().reason(), 1, Integer::sum);
                        case EPT_VIOLATION -> {
                            long q = r.violation().exitQualification(false);
                            String k = "violation-" + ((q & EptViolation.FINAL_TRANSLATION) != 0 ? "final" : "entry")
                                    + "-access" + (q & 7);
                            seen.merge(k, 1, Integer::sum);
                            if ((q & EptViolation.USER_EXECUTABLE) != 0) {
                                seen.merge("violation-ux-set", 1, Integer::sum);
                            }
                        }
                    }
                    for (NestedReference n : r.references()) {
                        if (n.adWrite()) {
                            seen.merge(n.ept() ? "ept-adwrite" : "guest-adwrite", 1, Integer::sum);
                        }
                    }
                }
            }
        }
        String[] required = {"ok-ept12", "ok-ept21", "ok-ept30", "pf", "misconfig-WRITE_WITHOUT_READ",
            "misconfig-EXECUTE_ONLY_UNSUPPORTED", "misconfig-RESERVED_BIT", "misconfig-LARGE_PAGE_UNSUPPORTED",
            "misconfig-INVALID_MEMORY_TYPE", "violation-entry-access1", "violation-entry-access3",
            "violation-final-access1", "violation-final-access2", "violation-final-access4", "violation-ux-set",
            "ept-adwrite", "guest-adwrite"};
        for (String k : required) {
            assertTrue(seen.getOrDefault(k, 0) >= 10, "reaches " + k + " often enough: " + seen);
        }
        System.out.println("2-D outcomes " + seen);
    }
}
