package org.vtsim.ept.ept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The EPTP layout and each VM-entry check on it (SDM Vol. 3C 24.6.11, 26.2.1.1). */
class EptpTest {
    private static final EptCapabilities FULL = EptCapabilities.full(46);
    private static final long ROOT = 0x1234_5000L;

    @Test
    void fieldsRoundTrip() {
        long e = Eptp.of(ROOT, EptMemoryType.WB, 5, true);
        assertEquals(ROOT | 6 | 4 << 3 | 1 << 6, e);
        assertEquals(ROOT, Eptp.root(e));
        assertEquals(5, Eptp.levels(e));
        assertEquals(EptMemoryType.WB, Eptp.memoryType(e));
        assertTrue(Eptp.accessedDirty(e));
        assertEquals(ROOT | 6 | 3 << 3, Eptp.of(ROOT));
    }

    @Test
    void validValues() {
        assertTrue(Eptp.valid(Eptp.of(ROOT, EptMemoryType.WB, 4, false), FULL));
        assertTrue(Eptp.valid(Eptp.of(ROOT, EptMemoryType.UC, 5, true), FULL));
    }

    @Test
    void memoryTypeMustBeUcOrWbAndSupported() {
        for (int t : new int[] {1, 2, 3, 4, 5, 7}) {
            assertEquals(Set.of(EptpProblem.MEMORY_TYPE), Eptp.check(Eptp.of(ROOT, t, 4, false), FULL), "type " + t);
        }
        EptCapabilities noUc = EptCapabilities.fromMsr(FULL.toMsrBits() & ~EptCapabilities.CAP_UC, 46);
        assertEquals(Set.of(EptpProblem.MEMORY_TYPE), Eptp.check(Eptp.of(ROOT, EptMemoryType.UC, 4, false), noUc));
    }

    @Test
    void pageWalkLengthMustBeSupported() {
        for (int levels : new int[] {1, 2, 3, 6, 7, 8}) {
            assertEquals(Set.of(EptpProblem.PAGE_WALK_LENGTH), Eptp.check(Eptp.of(ROOT, 6, levels, false), FULL));
        }
        EptCapabilities fourOnly = FULL.withPageWalks(true, false);
        assertEquals(Set.of(EptpProblem.PAGE_WALK_LENGTH), Eptp.check(Eptp.of(ROOT, 6, 5, false), fourOnly));
        assertTrue(Eptp.valid(Eptp.of(ROOT, 6, 4, false), fourOnly));
    }

    @Test
    void accessedDirtyNeedsTheCapability() {
        assertEquals(Set.of(EptpProblem.ACCESSED_DIRTY_UNSUPPORTED),
                Eptp.check(Eptp.of(ROOT, 6, 4, true), FULL.withAccessedDirty(false)));
    }

    @Test
    void reservedBits() {
        long ok = Eptp.of(ROOT);
        assertEquals(Set.of(EptpProblem.SUPERVISOR_SHADOW_STACK_UNSUPPORTED), Eptp.check(ok | 1L << 7, FULL));
        for (int b = 8; b <= 11; b++) {
            assertEquals(Set.of(EptpProblem.RESERVED_LOW), Eptp.check(ok | 1L << b, FULL));
        }
        assertEquals(Set.of(EptpProblem.RESERVED_HIGH), Eptp.check(ok | 1L << 46, FULL));
        assertEquals(Set.of(EptpProblem.RESERVED_HIGH), Eptp.check(ok | 1L << 63, FULL));
        assertTrue(Eptp.valid(ok | 1L << 45, FULL));
        assertFalse(Eptp.valid(ok | 1L << 36, EptCapabilities.full(36)));
    }

    @Test
    void everyProblemIsReported() {
        long bad = ROOT | 3 | 1L << 9 | 1L << 50; // type 3, 1-level walk, bit 9, bit 50
        assertEquals(Set.of(EptpProblem.MEMORY_TYPE, EptpProblem.PAGE_WALK_LENGTH, EptpProblem.RESERVED_LOW,
                EptpProblem.RESERVED_HIGH), Eptp.check(bad, FULL));
    }

    @Test
    void aContextNeedsAValidEptp() {
        assertThrows(IllegalArgumentException.class, () -> EptContext.of(Eptp.of(ROOT) | 1L << 8, FULL));
    }

    @Test
    void capabilityMsrRoundTrip() {
        assertEquals(FULL, EptCapabilities.fromMsr(FULL.toMsrBits(), 46));
        // The bit positions of IA32_VMX_EPT_VPID_CAP (SDM A.10).
        assertEquals(1L | 1L << 6 | 1L << 7 | 1L << 8 | 1L << 14 | 1L << 16 | 1L << 17 | 1L << 21 | 1L << 22,
                FULL.toMsrBits());
    }
}
