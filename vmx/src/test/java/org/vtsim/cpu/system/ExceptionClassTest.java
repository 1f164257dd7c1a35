package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Vectors;

class ExceptionClassTest {
    private static final Set<Integer> CONTRIBUTORY = Set.of(0, 10, 11, 12, 13);

    /** SDM Vol. 3A Table 6-5, restated as "which pairs give #DF", over all first/second vectors. */
    @Test
    void doubleFaultExactlyForTheTablePairs() {
        qt().withExamples(3000).forAll(integers().between(0, 31), integers().between(0, 31))
                .checkAssert((first, second) -> {
                    Event e = Vectors.hasErrorCode(first) ? Event.exception(first, 0, 0) : Event.exception(first, 0);
                    Event next = EventDelivery.afterFault(e, CpuFault.withError(second, 0));
                    boolean df = (CONTRIBUTORY.contains(first) && CONTRIBUTORY.contains(second))
                            || (first == 14 && (second == 14 || CONTRIBUTORY.contains(second)));
                    if (first == 8) {
                        assertEquals(null, next);
                    } else {
                        assertEquals(df ? Vectors.DF : second, next.vector());
                    }
                });
    }

    @Test
    void interruptsAndSoftwareInterruptsAreBenignFirstEvents() {
        qt().withExamples(500).forAll(integers().between(0, 255), integers().between(0, 31))
                .checkAssert((vector, second) -> {
                    assertEquals(second, EventDelivery.afterFault(Event.externalInterrupt(vector, 0),
                            CpuFault.withError(second, 0)).vector());
                    assertEquals(second, EventDelivery.afterFault(Event.softwareInterrupt(vector, 0, 2),
                            CpuFault.withError(second, 0)).vector());
                });
    }
}
