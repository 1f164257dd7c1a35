package org.vtsim.tools.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The value axis of the plots: "nice" steps that cover the data without wasting the plot. */
class AxisTest {
    @Test
    void coversTheLargestValueWithFewNiceTicks() {
        qt().withExamples(500).forAll(doubles().between(1e-6, 1e12)).checkAssert(v -> {
            Axis a = Axis.covering(v, 5);
            double mantissa = a.step() / Math.pow(10, Math.floor(Math.log10(a.step()) + 1e-12));
            boolean nice = Math.abs(mantissa - 1) < 1e-9 || Math.abs(mantissa - 2) < 1e-9
                    || Math.abs(mantissa - 5) < 1e-9;
            if (!nice) {
                throw new AssertionError("step " + a.step() + " for " + v);
            }
            if (a.max() < v * (1 - 1e-12)) {
                throw new AssertionError("axis to " + a.max() + " does not cover " + v);
            }
            int ticks = a.ticks().size();
            if (ticks < 3 || ticks > 12) {
                throw new AssertionError(ticks + " ticks for " + v);
            }
            if (a.max() - a.step() >= v) {
                throw new AssertionError("a whole empty step above " + v + ": " + a);
            }
        });
    }

    @Test
    void ticksAndLabels() {
        Axis a = Axis.covering(4.8, 5);
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0), a.ticks());
        assertEquals("0.5", a.label(0.5));
        assertEquals("20M", Axis.covering(3e7, 5).label(2e7));
        assertEquals("15k", a.label(15_000));
        assertEquals("1.5G", a.label(1.5e9));
    }

    @Test
    void barValuesInThreeDigits() {
        assertEquals("4.80", BarChart.brief(4.801));
        assertEquals("1.00", BarChart.brief(1.0));
        assertEquals("312", BarChart.brief(312.4));
        assertEquals("6.74M", BarChart.brief(6_739_958));
        assertEquals("1.00k", BarChart.brief(999.7));
    }
}
