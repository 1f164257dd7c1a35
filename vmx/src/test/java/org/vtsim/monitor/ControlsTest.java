package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.VmxCapabilities;

/** Control words as (wanted | allowed-0) & allowed-1 (SDM Vol. 3C A.3.1), refusing a missing needed control. */
class ControlsTest {
    @Test
    void theResultIsAlwaysAllowedAndKeepsEveryAllowedWantedBit() {
        qt().withExamples(300).forAll(integers().all(), integers().all(), integers().all()).checkAssert((a0, a1, wanted) -> {
            int allowed1 = a1 | a0; // a capability never forces a bit it does not allow
            long cap = (a0 & 0xffffffffL) | (long) allowed1 << 32;
            int v = Controls.adjust("test", cap, wanted, 0);
            assertTrue(VmxCapabilities.allowed(cap, v));
            assertEquals(wanted & allowed1, v & wanted);
        });
    }

    @Test
    void aNeededControlTheMsrDoesNotAllowFailsLoudly() {
        long cap = 0x16L | 0x16L << 32; // pin-based defaults only
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Controls.adjust("pin-based", cap, 1 << 6, 1 << 6));
        assertTrue(e.getMessage().contains("pin-based") && e.getMessage().contains("0x40"), e.getMessage());
    }
}
