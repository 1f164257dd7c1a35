package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.platform.PcPlatform;

/**
 * NMI IPIs of the local APIC reach the processor's NMI input (SDM Vol. 3A 10.6.1: delivery mode 100B "Delivers
 * an NMI interrupt to the target processor or processors. The vector information is ignored"; Table 10-3 for
 * the valid shorthands).
 */
class ApicNmiIpiTest {
    static final long ICR_LOW = 0xfee00300L;
    static final long ICR_HIGH = 0xfee00310L;
    static final int NMI_MODE = 4 << 8;

    @Test
    void anNmiIpiToThisProcessorRaisesOneNmi() {
        PcPlatform p = PcPlatform.builder().build();
        assertFalse(p.takeNmi());
        p.mmioWrite(ICR_HIGH, 4, 0); // destination APIC ID 0: this processor
        p.mmioWrite(ICR_LOW, 4, NMI_MODE | 0x07); // vector 7 would be illegal for a fixed IPI: ignored here
        assertTrue(p.takeNmi());
        assertFalse(p.takeNmi(), "one edge, taken once");
        p.mmioWrite(0xfee00280L, 4, 0); // a write to ESR makes the pending errors readable (SDM 10.5.3)
        assertEquals(0, p.localApic().read(0x280, 4) & 0xff, "no send-illegal-vector error");
        p.mmioWrite(ICR_LOW, 4, NMI_MODE | 2 << 18); // all including self
        assertTrue(p.takeNmi());
        p.mmioWrite(ICR_LOW, 4, NMI_MODE | 3 << 18); // all excluding self: nobody else
        assertFalse(p.takeNmi());
    }

    @Test
    void theSelfShorthandWithNmiIsInvalidAndFailsLoudly() {
        PcPlatform p = PcPlatform.builder().build();
        assertThrows(UnsupportedFeature.class, () -> p.mmioWrite(ICR_LOW, 4, NMI_MODE | 1 << 18));
    }

    @Test
    void raiseNmiIsAnEdgeTheCpuTakesOnce() {
        PcPlatform p = PcPlatform.builder().build();
        p.raiseNmi();
        p.raiseNmi();
        assertTrue(p.takeNmi());
        assertFalse(p.takeNmi());
    }
}
