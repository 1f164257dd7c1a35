package org.vtsim.monitor.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of {@link ExitRecorder}'s statistics: one row per exit reason, one table per
 * {@link Breakdown}, and run totals. Times are model cycles. Rows are in key order; {@link #sorted}
 * orders them the way {@code perf kvm stat report --key} does.
 */
public final class ExitStatsReport {

    /**
     * One line of a table.
     *
     * @param key the exit-reason name or breakdown label ({@link ExitDetail#label})
     * @param number the exit-reason field, or the breakdown key without its table tag
     * @param samplesPercent share of the table's exits (a reason row: of all exits)
     * @param timePercent share of the table's exit-handling cycles
     * @param totalCycles cycles from these exits to their next entries, summed
     * @param relStddevPercent the relative standard deviation of the mean, as perf prints it
     */
    public record Row(String key, long number, long count, double samplesPercent, double timePercent,
            long totalCycles, long minCycles, long maxCycles, double meanCycles, double stddevCycles,
            double relStddevPercent) {
    }

    /**
     * @param exits completed exits
     * @param cyclesInExits cycles from exits to their next entries (the monitor's share of the run)
     * @param cyclesInGuest cycles from entries to their next exits (the guest's share)
     * @param guestInstructions guest instructions retired
     * @param exitsPerMillionInstructions exits · 10⁶ / guest instructions (0 with no instructions)
     */
    public record Totals(long exits, long cyclesInExits, long cyclesInGuest, long guestInstructions,
            double exitsPerMillionInstructions) {
    }

    /** The order of the rows, {@code perf kvm stat report --key=sample|time}. */
    public enum Sort {
        /** Most exits first (perf's default). */
        SAMPLES,
        /** Most exit-handling cycles first. */
        TIME;

        /** Parses "sample"/"samples" or "time" as perf's --key does. */
        public static Sort parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "sample", "samples" -> SAMPLES;
                case "time" -> TIME;
                default -> throw new IllegalArgumentException("sort key '" + s + "': sample or time");
            };
        }

        Comparator<Row> comparator() {
            Comparator<Row> primary = this == SAMPLES ? Comparator.comparingLong(Row::count)
                    : Comparator.comparingLong(Row::totalCycles);
            return primary.reversed().thenComparing(Row::key);
        }
    }

    private final List<Row> reasons;
    private final Map<Breakdown, List<Row>> breakdowns;
    private final Totals totals;

    public ExitStatsReport(List<Row> reasons, Map<Breakdown, List<Row>> breakdowns, Totals totals) {
        this.reasons = List.copyOf(reasons);
        EnumMap<Breakdown, List<Row>> m = new EnumMap<>(Breakdown.class);
        for (Breakdown b : Breakdown.values()) {
            m.put(b, List.copyOf(breakdowns.getOrDefault(b, List.of())));
        }
        this.breakdowns = Collections.unmodifiableMap(m);
        this.totals = totals;
    }

    /** One row per exit reason seen, in exit-reason order. */
    public List<Row> reasons() {
        return reasons;
    }

    /** The rows of one breakdown table, in key order (empty if no exit had such a detail). */
    public List<Row> breakdown(Breakdown b) {
        return breakdowns.get(b);
    }

    public Totals totals() {
        return totals;
    }

    /** {@code rows} ordered by {@code sort}, ties by key. */
    public static List<Row> sorted(List<Row> rows, Sort sort) {
        List<Row> out = new ArrayList<>(rows);
        out.sort(sort.comparator());
        return out;
    }
}
