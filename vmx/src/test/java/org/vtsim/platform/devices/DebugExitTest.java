package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.platform.PcPlatform;

class DebugExitTest {
    @Test
    void writingVAtPort0xf4EndsTheRunWithStatusVShiftedLeftOrOne() {
        PcPlatform p = PcPlatform.builder().build();
        assertFalse(p.stopRequested());
        assertTrue(p.exitStatus().isEmpty());
        p.ioWrite(0xf4, 4, 0x10);
        assertTrue(p.stopRequested());
        assertEquals(0x21, p.exitStatus().getAsInt());
    }

    @Test
    void anyPortOfTheFourByteRangeAndAnyWidthCounts() {
        PcPlatform p = PcPlatform.builder().build();
        p.ioWrite(0xf7, 1, 0);
        assertEquals(1, p.exitStatus().getAsInt());
        PcPlatform q = PcPlatform.builder().build();
        q.ioWrite(0xf8, 1, 3);
        assertFalse(q.stopRequested(), "0xf8 is outside iosize=4");
    }
}
