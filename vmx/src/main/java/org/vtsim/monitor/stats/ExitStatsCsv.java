package org.vtsim.monitor.stats;

import java.util.List;

/**
 * The CSV form (RFC 4180, "\n" line ends) of an {@link ExitStatsReport}: one header line, then one line per
 * row of every table, the table named in the first column ("reason" or a {@link Breakdown#id}), then the
 * run totals as lines of table "totals" with the value in the last column. Documented in docs/exit-stats.md.
 */
public final class ExitStatsCsv {
    public static final String HEADER = "table,key,number,count,samples_pct,time_pct,total_cycles,min_cycles,"
            + "max_cycles,mean_cycles,stddev_cycles,rel_stddev_pct,value";

    private ExitStatsCsv() {
    }

    public static String format(ExitStatsReport report) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        rows(s, "reason", report.reasons());
        for (Breakdown b : Breakdown.values()) {
            rows(s, b.id, report.breakdown(b));
        }
        ExitStatsReport.Totals t = report.totals();
        total(s, "exits", Long.toString(t.exits()));
        total(s, "cycles_in_exits", Long.toString(t.cyclesInExits()));
        total(s, "cycles_in_guest", Long.toString(t.cyclesInGuest()));
        total(s, "guest_instructions", Long.toString(t.guestInstructions()));
        total(s, "exits_per_million_instructions", JsonText.number(t.exitsPerMillionInstructions()));
        return s.toString();
    }

    private static void rows(StringBuilder s, String table, List<ExitStatsReport.Row> rows) {
        for (ExitStatsReport.Row r : rows) {
            s.append(table).append(',').append(field(r.key())).append(',').append(r.number()).append(',')
                    .append(r.count()).append(',').append(JsonText.number(r.samplesPercent())).append(',')
                    .append(JsonText.number(r.timePercent())).append(',').append(r.totalCycles()).append(',')
                    .append(r.minCycles()).append(',').append(r.maxCycles()).append(',')
                    .append(JsonText.number(r.meanCycles())).append(',').append(JsonText.number(r.stddevCycles()))
                    .append(',').append(JsonText.number(r.relStddevPercent())).append(",\n");
        }
    }

    private static void total(StringBuilder s, String key, String value) {
        s.append("totals,").append(key).append(",,,,,,,,,,,").append(value).append('\n');
    }

    /** RFC 4180 2.6/2.7: quote a field with a comma, quote or line break; double inner quotes. */
    static String field(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
