package org.vtsim.ept.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;

/**
 * Property: over random page tables, random control bits and random accesses, {@link PageWalker}
 * agrees with {@link ReferenceWalk} (straight from SDM Vol. 3A ch. 4) on the translation, fault or
 * not, the exact error code, and every memory reference including the A/D writes — so the final
 * memory contents agree too. Each world runs a sequence of walks on the same memory so A/D effects
 * of earlier walks feed later ones.
 */
class WalkerMatchesReferenceTest {
    private static final int WALKS_PER_WORLD = 40;

    @Test
    void legacy32() {
        check(PagingMode.LEGACY_32);
    }

    @Test
    void pae() {
        check(PagingMode.PAE);
    }

    @Test
    void fourLevel() {
        check(PagingMode.IA32E_4);
    }

    @Test
    void fiveLevel() {
        check(PagingMode.IA32E_5);
    }

    private static void check(PagingMode mode) {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> runWorld(new RandomPagingWorld(seed, mode)));
    }

    static void runWorld(RandomPagingWorld w) {
        SparseMemory refMem = w.newMemory();
        SparseMemory walkMem = w.newMemory();
        ReferenceWalk ref = w.reference(refMem);
        PageWalker walker = new PageWalker(walkMem);
        PagingContext ctx = w.context();
        WalkResult r = new WalkResult();
        Random rnd = new Random(w.seed ^ 0x5eed);
        for (int i = 0; i < WALKS_PER_WORLD; i++) {
            long la = w.randomLinear(rnd);
            int access = RandomPagingWorld.randomAccess(rnd);
            ReferenceWalk.Outcome expected = ref.walk(la, access);
            boolean ok = walker.walk(ctx, la, access, r, null);
            String where = w + " walk " + i + ": " + r + "\n expected " + expected;
            assertEquals(expected.fault(), !ok, where);
            if (expected.fault()) {
                assertEquals(expected.errorCode(), r.errorCode(), where);
            } else {
                assertEquals(expected.physical(), r.physical(), where);
                assertEquals(expected.pageShift(), r.pageShift(), where);
                assertEquals(expected.global(), r.global(), where);
            }
            List<ReferenceWalk.Ref> got = new ArrayList<>();
            for (int k = 0; k < r.referenceCount(); k++) {
                got.add(new ReferenceWalk.Ref(r.referenceAddress(k), r.referenceValue(k), r.referenceIsWrite(k)));
            }
            assertEquals(expected.refs(), got, where);
        }
    }
}
