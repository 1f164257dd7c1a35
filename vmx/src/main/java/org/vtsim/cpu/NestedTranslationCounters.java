package org.vtsim.cpu;

import java.util.Map;
import org.vtsim.ept.mmu.NestedMmuCounters;

/**
 * The counters of guest-linear translation under EPT (the ept module's NestedMmu) as they appear in
 * {@link Cpu#translationCounters()}, beside the native MMU's: prefixed "ept." so a run summary shows both
 * dimensions of the 2-D walk apart (SDM Vol. 3C 28.3, 28.4).
 */
public final class NestedTranslationCounters {
    private NestedTranslationCounters() {
    }

    /** Puts the nested counters into {@code m} (insertion order: hits, walks, references, events). */
    public static void put(Map<String, Long> m, NestedMmuCounters c, long pdpteLoads) {
        m.put("ept.translations", c.translations);
        m.put("ept.combined.l1.hits", c.l1Hits());
        m.put("ept.combined.stlb.hits", c.stlbHits);
        m.put("ept.combined.hits", c.l1Hits() + c.stlbHits);
        m.put("ept.gpa.only.hits", c.gpaOnlyHits);
        m.put("ept.walks", c.walks);
        m.put("ept.walk.references.guest", c.guestReads + c.guestAdWrites);
        m.put("ept.walk.references.ept", c.eptReads + c.eptAdWrites);
        m.put("ept.walk.references", c.walkReferences());
        m.put("ept.guest.ad.writes", c.guestAdWrites);
        m.put("ept.ept.ad.writes", c.eptAdWrites);
        m.put("ept.gpa.tlb.hits", c.gpaTlbHits);
        m.put("ept.ept.walks", c.eptWalks);
        m.put("ept.psc.hits.guest", c.guestPscHitsTotal());
        m.put("ept.psc.hits.ept", c.eptPscHitsTotal());
        m.put("ept.page.faults", c.pageFaults);
        m.put("ept.violations", c.eptViolations);
        m.put("ept.misconfigs", c.eptMisconfigs);
        m.put("ept.pdpte.loads", pdpteLoads);
        m.put("ept.invalidations", c.invalidations);
    }
}
