package org.vtsim.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class DeviceClockTest {
    @Test
    void cycleOfTickIsTheFirstCycleAtWhichThatManyTicksHaveElapsed() {
        qt().withExamples(2000)
                // Clock ratios up to 5e6 and 2^36 ticks: simulated times up to ~3e17 cycles.
                .forAll(longs().between(1000, 5_000_000_000L), longs().between(1_000_000, 5_000_000_000L),
                        longs().between(0, 1L << 36))
                .checkAssert((devHz, cpuHz, tick) -> {
                    DeviceClock c = new DeviceClock(devHz, cpuHz);
                    long cycle = c.cycleOfTick(tick);
                    assertTrue(c.ticksAt(cycle) >= tick);
                    assertTrue(cycle == 0 || c.ticksAt(cycle - 1) < tick);
                });
    }

    @Test
    void pitTicksAtTwoGigahertz() {
        DeviceClock pit = new DeviceClock(1_193_182, 2_000_000_000L);
        assertEquals(1_193_182, pit.ticksAt(2_000_000_000L));
        assertEquals(1_677L, pit.cycleOfTick(1)); // ceil(2e9 / 1193182)
    }
}
