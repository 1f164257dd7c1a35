package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunningStatsTest {

    @Test
    void welfordAgreesWithTwoPassMeanAndVariance() {
        // cycle counts: small and large magnitudes, with a large common offset where the one-pass
        // sum-of-squares formula would lose every digit
        qt().withExamples(300).forAll(lists().of(longs().between(0, 2_000_000_000L)).ofSizeBetween(1, 300),
                longs().between(0, 1L << 40)).checkAssert((xs, offset) -> {
                    RunningStats s = new RunningStats();
                    for (long x : xs) {
                        s.add(x + offset);
                    }
                    double mean = twoPassMean(xs, offset);
                    double var = twoPassVariance(xs, offset, mean);
                    assertEquals(xs.size(), s.count());
                    assertEquals(mean, s.mean(), Math.abs(mean) * 1e-12);
                    // rounding of the running mean is bounded by its ulp; the deviations carry it
                    double ulp = Math.ulp(mean + 1.0);
                    double sd = Math.sqrt(var);
                    assertEquals(var, s.variance(), var * 1e-8 + 10 * ulp * (1 + sd), "variance");
                    assertEquals(sd, s.stddev(), sd * 1e-8 + 10 * ulp, "stddev");
                    long min = xs.stream().mapToLong(Long::longValue).min().getAsLong() + offset;
                    long max = xs.stream().mapToLong(Long::longValue).max().getAsLong() + offset;
                    assertEquals(min, s.min());
                    assertEquals(max, s.max());
                    assertEquals(xs.stream().mapToLong(x -> x + offset).sum(), s.sum());
                    double rel = xs.size() < 2 || mean == 0 ? 0 : 100 * Math.sqrt(var / xs.size()) / mean;
                    assertEquals(rel, s.relStddevOfMeanPercent(), rel * 1e-8 + 1e-9 + 1000 * ulp / Math.max(1, mean));
                });
    }

    @Test
    void knownSample() {
        RunningStats s = new RunningStats();
        for (long x : new long[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            s.add(x);
        }
        assertEquals(5.0, s.mean(), 0);
        assertEquals(32.0 / 7, s.variance(), 1e-12); // sum of squared deviations 32, n - 1 = 7
        assertEquals(100 * Math.sqrt(32.0 / 7 / 8) / 5, s.relStddevOfMeanPercent(), 1e-12);
    }

    @Test
    void emptyAndSingle() {
        RunningStats s = new RunningStats();
        assertEquals(0, s.min());
        assertEquals(0, s.max());
        s.add(42);
        assertEquals(0, s.variance());
        assertEquals(0, s.relStddevOfMeanPercent());
        assertEquals(42, s.min());
        assertEquals(42, s.max());
    }

    private static double twoPassMean(List<Long> xs, long offset) {
        // exact sum in long arithmetic, one division
        long sum = 0;
        for (long x : xs) {
            sum += x + offset;
        }
        return (double) sum / xs.size();
    }

    private static double twoPassVariance(List<Long> xs, long offset, double mean) {
        if (xs.size() < 2) {
            return 0;
        }
        double localMean = mean - offset; // deviations computed on the un-offset values to stay exact
        double ss = 0;
        for (long x : xs) {
            double d = x - localMean;
            ss += d * d;
        }
        return ss / (xs.size() - 1);
    }
}
