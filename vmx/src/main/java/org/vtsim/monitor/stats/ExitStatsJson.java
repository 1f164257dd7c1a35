package org.vtsim.monitor.stats;

import java.util.List;

/**
 * The JSON form of an {@link ExitStatsReport}; the schema ("vtsim-exit-stats/1") is documented in
 * docs/exit-stats.md. Rows are in key order (a reader sorts as it likes); numbers are exact integers
 * for counts and cycles, and shortest round-trip decimal text for the doubles.
 */
public final class ExitStatsJson {
    public static final String SCHEMA = "vtsim-exit-stats/1";

    private ExitStatsJson() {
    }

    /**
     * @param cpuFrequencyMhz the model CPU's frequency, recorded so cycles can be turned into time
     *     (0 if not known)
     */
    public static String format(ExitStatsReport report, double cpuFrequencyMhz) {
        StringBuilder s = new StringBuilder();
        ExitStatsReport.Totals t = report.totals();
        s.append("{\n  \"schema\": ");
        JsonText.string(s, SCHEMA);
        s.append(",\n  \"time_unit\": \"cycles\",\n  \"cpu_frequency_mhz\": ").append(JsonText.number(cpuFrequencyMhz));
        s.append(",\n  \"totals\": {\"exits\": ").append(t.exits())
                .append(", \"cycles_in_exits\": ").append(t.cyclesInExits())
                .append(", \"cycles_in_guest\": ").append(t.cyclesInGuest())
                .append(", \"guest_instructions\": ").append(t.guestInstructions())
                .append(", \"exits_per_million_instructions\": ")
                .append(JsonText.number(t.exitsPerMillionInstructions())).append("},\n");
        s.append("  \"reasons\": ");
        rows(s, report.reasons(), "    ");
        s.append(",\n  \"breakdowns\": {");
        String sep = "\n";
        for (Breakdown b : Breakdown.values()) {
            s.append(sep).append("    ");
            JsonText.string(s, b.id);
            s.append(": ");
            rows(s, report.breakdown(b), "      ");
            sep = ",\n";
        }
        s.append("\n  }\n}\n");
        return s.toString();
    }

    private static void rows(StringBuilder s, List<ExitStatsReport.Row> rows, String indent) {
        if (rows.isEmpty()) {
            s.append("[]");
            return;
        }
        s.append('[');
        String sep = "\n";
        for (ExitStatsReport.Row r : rows) {
            s.append(sep).append(indent).append("{\"key\": ");
            JsonText.string(s, r.key());
            s.append(", \"number\": ").append(r.number())
                    .append(", \"count\": ").append(r.count())
                    .append(", \"samples_pct\": ").append(JsonText.number(r.samplesPercent()))
                    .append(", \"time_pct\": ").append(JsonText.number(r.timePercent()))
                    .append(", \"total_cycles\": ").append(r.totalCycles())
                    .append(", \"min_cycles\": ").append(r.minCycles())
                    .append(", \"max_cycles\": ").append(r.maxCycles())
                    .append(", \"mean_cycles\": ").append(JsonText.number(r.meanCycles()))
                    .append(", \"stddev_cycles\": ").append(JsonText.number(r.stddevCycles()))
                    .append(", \"rel_stddev_pct\": ").append(JsonText.number(r.relStddevPercent())).append('}');
            sep = ",\n";
        }
        s.append('\n').append(indent, 0, indent.length() - 2).append(']');
    }
}
