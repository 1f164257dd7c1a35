package org.vtsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The bundled cost profiles: Skylake is the default; Nehalem differs exactly where its resource says. */
class BundledProfilesTest {
    @Test
    void skylakeIsTheDefault() {
        assertSame(CostProfile.skylake(), CostProfile.named("skylake"));
    }

    @Test
    void nehalemHasItsPublishedWorldSwitchAndSkylakeFiguresElsewhere() {
        CostProfile n = CostProfile.named("nehalem");
        assertEquals("nehalem", n.name());
        // SplitX (WIOV 2011), Table 1: ~2,000 cycles for a direct exit + entry on a Xeon X5570.
        assertEquals(2_000, n.cycles(Cost.VM_EXIT) + n.cycles(Cost.VM_ENTRY));
        for (Cost c : Cost.values()) {
            if (c != Cost.VM_EXIT && c != Cost.VM_ENTRY) {
                assertEquals(CostProfile.skylake().cycles(c), n.cycles(c), c.name());
            }
        }
    }

    @Test
    void anUnknownNameIsRefusedNamingTheBundledOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CostProfile.named("z80"));
        assertEquals(true, e.getMessage().contains("skylake") && e.getMessage().contains("nehalem"), e.getMessage());
    }
}
