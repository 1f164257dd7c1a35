package org.vtsim.monitor.stats;

import java.util.List;
import java.util.Locale;

/**
 * Prints an {@link ExitStatsReport} in the layout of {@code perf kvm stat report} (tools/perf/builtin-kvm.c,
 * print_result): the same columns, widths and "( +- x% )" relative standard deviation of the mean, with
 * two differences that the header states: times are model cycles ("cy") rather than microseconds, and
 * the key column widens past perf's 20 characters for the longest name so the columns stay aligned.
 *
 * <pre>
 * Analyze events for all VMs, all VCPUs (times in model cycles):
 *
 *              VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time
 *
 *                CPUID       1000    90.91%    80.00%      1200cy      1200cy   1200.00cy ( +-   0.00% )
 * ...
 * Total Samples:1100, Total events handled time:1500000cy.
 * </pre>
 */
public final class PerfKvmTable {
    private static final int PERF_KEY_WIDTH = 20;

    private PerfKvmTable() {
    }

    /** The exit-reason table, the breakdown tables that have rows, and the run totals. */
    public static String format(ExitStatsReport report, ExitStatsReport.Sort sort) {
        StringBuilder s = new StringBuilder();
        s.append(table("VM-EXIT", "Analyze events for all VMs, all VCPUs (times in model cycles):",
                report.reasons(), sort));
        for (Breakdown b : Breakdown.values()) {
            List<ExitStatsReport.Row> rows = report.breakdown(b);
            if (!rows.isEmpty()) {
                s.append(table(b.heading, "Breakdown of " + b.reasons + " exits by " + b.heading
                        + " (times in model cycles):", rows, sort));
            }
        }
        ExitStatsReport.Totals t = report.totals();
        long all = t.cyclesInExits() + t.cyclesInGuest();
        s.append(String.format(Locale.ROOT, "Guest instructions:%d, exits per million instructions:%.2f.\n",
                t.guestInstructions(), t.exitsPerMillionInstructions()));
        s.append(String.format(Locale.ROOT, "Cycles in guest:%d (%.2f%%), in exits:%d (%.2f%%).\n",
                t.cyclesInGuest(), all == 0 ? 0.0 : 100.0 * t.cyclesInGuest() / all, t.cyclesInExits(),
                all == 0 ? 0.0 : 100.0 * t.cyclesInExits() / all));
        return s.toString();
    }

    /** One table: a title line, the header, the rows in {@code sort} order and perf's "Total" line. */
    public static String table(String heading, String title, List<ExitStatsReport.Row> rows,
            ExitStatsReport.Sort sort) {
        int w = Math.max(PERF_KEY_WIDTH, heading.length());
        long samples = 0;
        long cycles = 0;
        for (ExitStatsReport.Row r : rows) {
            w = Math.max(w, r.key().length());
            samples += r.count();
            cycles += r.totalCycles();
        }
        StringBuilder s = new StringBuilder();
        s.append('\n').append(title).append("\n\n");
        s.append(String.format(Locale.ROOT, "%" + w + "s %10s %9s %9s %11s %11s %16s \n\n", heading, "Samples",
                "Samples%", "Time%", "Min Time", "Max Time", "Avg time"));
        for (ExitStatsReport.Row r : ExitStatsReport.sorted(rows, sort)) {
            s.append(String.format(Locale.ROOT, "%" + w + "s %10d %8.2f%% %8.2f%% %9dcy %9dcy %9.2fcy ( +-%7.2f%% )\n",
                    r.key(), r.count(), r.samplesPercent(), r.timePercent(), r.minCycles(), r.maxCycles(),
                    r.meanCycles(), r.relStddevPercent()));
        }
        s.append(String.format(Locale.ROOT, "\nTotal Samples:%d, Total events handled time:%dcy.\n\n", samples,
                cycles));
        return s.toString();
    }
}
