package org.vtsim.ept.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Single facts about when the L1 front cache answers and when it must forget. */
class FrontCacheExamplesTest {
    private static final long LA = 0x7f00_1234_5000L;

    private static Tlb tlb() {
        Tlb t = new Tlb("D", List.of(new TlbArraySpec("4K", 4, 2, 12), new TlbArraySpec("2M", 2, 2, 21)));
        t.setFrontCache(true);
        return t;
    }

    @Test
    void answersAfterAModelledHitWithTheSameTranslation() {
        Tlb t = tlb();
        t.fill(LA, 12, 0x9000_0000L, 12, 3, false, 0, 0);
        assertEquals(-1, t.frontLookup(LA, 0, 0)); // filled, but not yet looked up
        assertEquals(3, t.lookup(LA + 0x10, 0, 0));
        assertEquals(3, t.frontLookup(LA + 0x20, 0, 0));
        assertEquals(0x9000_0020L, t.frontHit(LA + 0x20));
        assertEquals(-1, t.frontLookup(LA, 1, 0)); // another PCID
        assertEquals(-1, t.frontLookup(LA, 0, 7)); // another context tag
    }

    @Test
    void forgetsWhenAnInsertCouldShadowOrReplaceTheEntry() {
        Tlb t = tlb();
        t.fill(LA, 21, 0x8000_0000L, 21, 1, false, 0, 0);
        assertEquals(1, t.lookup(LA, 0, 0)); // the 2 MiB entry
        assertEquals(1, t.frontLookup(LA, 0, 0));
        t.fill(LA, 12, 0x9000_0000L, 12, 3, false, 0, 0); // 4 KiB entry, probed first from now on
        assertEquals(-1, t.frontLookup(LA, 0, 0));
        assertEquals(3, t.lookup(LA, 0, 0));
        // Same set (2 sets of 2 ways): two more pages evict the LRU one, which is LA's entry.
        t.fill(LA + 0x2000, 12, 0xa000_0000L, 12, 3, false, 0, 0);
        assertEquals(3, t.lookup(LA + 0x2000, 0, 0));
        t.fill(LA + 0x4000, 12, 0xb000_0000L, 12, 3, false, 0, 0);
        assertEquals(-1, t.frontLookup(LA, 0, 0));
        assertEquals(3, t.frontLookup(LA + 0x2000, 0, 0));
        t.invalidateAddress(LA + 0x2000, 0, 0, true);
        assertEquals(-1, t.frontLookup(LA + 0x2000, 0, 0));
        assertTrue(t.lookup(LA, 0, 0) == -1, "the 2 MiB entry covering both pages went too");
    }
}
