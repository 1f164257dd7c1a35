package org.vtsim.monitor.stats;

/**
 * Count, sum, min, max, mean and variance of a stream of cycle counts in constant space, by
 * Welford's online algorithm (B. P. Welford, Technometrics 4(3), 1962), which stays accurate where the
 * textbook sum-of-squares formula cancels catastrophically. The same update {@code perf} uses for the
 * "+-" column of {@code perf kvm stat} (tools/perf/util/stat.c).
 */
public final class RunningStats {
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;
    private double mean;
    private double m2;

    public void add(long x) {
        count++;
        sum += x;
        if (x < min) {
            min = x;
        }
        if (x > max) {
            max = x;
        }
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
    }

    public long count() {
        return count;
    }

    /** The sum of the samples (exact: cycles are integers). */
    public long sum() {
        return sum;
    }

    /** The smallest sample; 0 when empty. */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** The largest sample; 0 when empty. */
    public long max() {
        return count == 0 ? 0 : max;
    }

    public double mean() {
        return mean;
    }

    /** The sample variance (n − 1 in the denominator); 0 with fewer than two samples. */
    public double variance() {
        return count < 2 ? 0 : m2 / (count - 1);
    }

    /** The sample standard deviation. */
    public double stddev() {
        return Math.sqrt(variance());
    }

    /**
     * The relative standard deviation of the mean in percent, what {@code perf kvm stat report} prints
     * as "( +- x% )": 100 · sqrt(variance / n) / mean (perf's stddev_stats and rel_stddev_stats).
     */
    public double relStddevOfMeanPercent() {
        if (count < 2 || mean == 0) {
            return 0;
        }
        return 100 * Math.sqrt(variance() / count) / mean;
    }
}
