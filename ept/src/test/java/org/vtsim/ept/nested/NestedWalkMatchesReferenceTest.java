package org.vtsim.ept.nested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.RandomPagingWorld;

/**
 * Property: over random guest page tables ({@link RandomPagingWorld}: every IA-32 format, faults of
 * every kind) and random EPT structures ({@link RandomEptWorld}: permissions, execute-only,
 * mode-based execute, A/D, large pages, reserved bits, bad memory types, not-present entries), the
 * {@link NestedWalker} gives what {@link ReferenceNestedWalk} — the plain IA-32 reference walk over
 * guest-physical memory translated by a plain EPT reference walk — gives: the same outcome (which of
 * guest #PF, EPT violation and EPT misconfiguration wins), the page-fault error code, every bit of the
 * exit qualification, the guest-physical and guest-linear addresses, the translation, and every memory
 * reference in both dimensions (so the A/D updates, and the memory after them, agree). Each world runs
 * a sequence of walks on the same memory so A/D effects of earlier walks feed later ones.
 */
class NestedWalkMatchesReferenceTest {
    private static final int WALKS_PER_WORLD = 30;
    private static final int EXAMPLES = 150;

    @Test
    void fourLevelGuest() {
        check(PagingMode.IA32E_4);
    }

    @Test
    void fiveLevelGuest() {
        check(PagingMode.IA32E_5);
    }

    @Test
    void paeGuest() {
        check(PagingMode.PAE);
    }

    @Test
    void legacy32Guest() {
        check(PagingMode.LEGACY_32);
    }

    private static void check(PagingMode mode) {
        qt().withExamples(EXAMPLES).forAll(longs().all(), RandomEptWorld.tables(), RandomEptWorld.configs())
                .checkAssert((seed, specs, config) -> run(new RandomPagingWorld(seed, mode),
                        new RandomEptWorld(specs, config, new RandomPagingWorld(seed, mode).maxPhy)));
    }

    /** What is compared of a reference: dimension, address in both spaces, value, read or write. */
    record Ref(boolean ept, long hpa, long gpa, long value, boolean write) {
    }

    static void run(RandomPagingWorld g, RandomEptWorld e) {
        SparseMemory modelHost = e.newHostMemory(g);
        SparseMemory refHost = e.newHostMemory(g);
        NestedWalker walker = new NestedWalker(modelHost);
        NestedWalkResult r = new NestedWalkResult();
        PagingContext guest = g.context();
        EptContext ept = EptContext.of(e.eptp, e.mbec, e.caps);
        ReferenceNestedWalk ref = new ReferenceNestedWalk(refHost, e.eptp, e.mbec, e.caps.executeOnly(),
                e.caps.pages2M(), e.caps.pages1G(), e.caps.advancedExitInfo(), g.maxPhy, g.cr0, g.cr3, g.cr4, g.efer,
                g.pdptes, g.gbPages);
        Random rnd = new Random(g.seed ^ 0x2d2d);
        for (int i = 0; i < WALKS_PER_WORLD; i++) {
            long la = g.randomLinear(rnd);
            int access = RandomPagingWorld.randomAccess(rnd);
            ReferenceNestedWalk.Outcome want = ref.walk(la, access);
            walker.walk(guest, ept, la, access, r);
            String where = g + "\n" + e + "\nwalk " + i + ": " + r + "\n expected " + want;
            assertEquals(want.kind().name(), r.outcome().name(), where);
            switch (want.kind()) {
                case TRANSLATED -> {
                    assertEquals(want.gpa(), r.gpa(), where);
                    assertEquals(want.hpa(), r.hpa(), where);
                }
                case PAGE_FAULT -> assertEquals(want.errorCode(), r.errorCode(), where);
                case EPT_VIOLATION -> {
                    assertEquals(want.qualification(), r.violation().exitQualification(false), where);
                    assertEquals(want.faultGpa(), r.violation().guestPhysical(), where);
                    assertEquals(la, r.violation().guestLinear(), where);
                }
                case EPT_MISCONFIG -> assertEquals(want.faultGpa(), r.misconfig().guestPhysical(), where);
            }
            assertEquals(comparable(want.refs()), comparable(r.references()), where);
        }
    }

    private static List<Ref> comparable(List<NestedReference> l) {
        List<Ref> out = new ArrayList<>();
        for (NestedReference n : l) {
            out.add(new Ref(n.ept(), n.hpa(), n.gpa(), n.value(), n.adWrite()));
        }
        return out;
    }
}
