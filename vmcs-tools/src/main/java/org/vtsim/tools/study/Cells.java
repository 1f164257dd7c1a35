package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The per-case table of a study as rows of text cells, shared by the text report and the HTML report so
 * both show the same figures: one column per mode, one row per figure.
 */
public final class Cells {
    /** Exit reasons shown by name per case; the rest are summed in one row. */
    public static final int TOP_REASONS = 5;
    /** What a cell shows when there is no figure. */
    public static final String NONE = "–";

    private Cells() {
    }

    /** A table row: its label, one cell per mode, and whether it is a sub-row (indented). */
    public record Line(String label, List<String> cells, boolean sub) {
    }

    public static List<Line> lines(Study.Result r) {
        List<Study.Row> rows = r.rows();
        List<Line> out = new ArrayList<>();
        out.add(line("outcome", rows, row -> row.m().outcomeLabel()));
        out.add(line("instructions", rows, row -> row.m().ran() ? count(row.m().instructions()) : NONE));
        out.add(line("cycles", rows, row -> row.m().ran() ? count(row.m().cycles()) : NONE));
        out.add(line("overhead vs native", rows, row -> ratio(row.overhead())));
        out.add(line("VM exits", rows, row -> row.m().ran() && row.spec().mode().virtualized()
                ? count(row.m().exits()) : NONE));
        List<String> reasons = topReasons(rows);
        for (String reason : reasons) {
            out.add(new Line(reason, cellsOf(rows, row -> exitsOf(row, reason)), true));
        }
        TreeSet<String> rest = new TreeSet<>();
        rows.forEach(row -> rest.addAll(row.m().exitsByReason().keySet()));
        rest.removeAll(reasons);
        if (!rest.isEmpty()) {
            out.add(new Line("other reasons (" + rest.size() + ")", cellsOf(rows, row -> {
                if (!row.m().ran() || !row.spec().mode().virtualized()) {
                    return NONE;
                }
                long n = 0;
                for (String k : rest) {
                    n += row.m().exitsByReason().getOrDefault(k, 0L);
                }
                return count(n);
            }), true));
        }
        out.add(line("TLB misses", rows, row -> row.m().ran() ? count(row.m().tlbMisses()) : NONE));
        out.add(line("walk refs per miss", rows, row -> decimal(row.m().walkReferencesPerMiss(), 2)));
        out.add(line("guest page faults", rows, row -> row.m().ran() && row.m().guestPageFaults() >= 0
                ? count(row.m().guestPageFaults()) : NONE));
        for (String k : memoryCounterNames(rows)) {
            out.add(line(k, rows, row -> row.m().memory().containsKey(k) ? count(row.m().memory().get(k)) : NONE));
        }
        out.add(line("same output as native", rows, row -> row.sameOutputAsNative() == null ? NONE
                : row.sameOutputAsNative() ? "yes" : "NO"));
        return out;
    }

    /** The memory counters any row has, by name, without the guest page faults (a row of their own). */
    static List<String> memoryCounterNames(List<Study.Row> rows) {
        TreeSet<String> names = new TreeSet<>();
        rows.forEach(row -> names.addAll(row.m().memory().keySet()));
        names.remove(Measurement.GUEST_PAGE_FAULTS);
        return new ArrayList<>(names);
    }

    /** The {@link #TOP_REASONS} reasons with the most exits in any of the rows; ties by name. */
    static List<String> topReasons(List<Study.Row> rows) {
        Map<String, Long> most = new TreeMap<>();
        for (Study.Row row : rows) {
            row.m().exitsByReason().forEach((k, v) -> most.merge(k, v, Math::max));
        }
        List<Map.Entry<String, Long>> e = new ArrayList<>(most.entrySet());
        e.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < e.size() && i < TOP_REASONS; i++) {
            out.add(e.get(i).getKey());
        }
        return out;
    }

    private static String exitsOf(Study.Row row, String reason) {
        if (!row.m().ran() || !row.spec().mode().virtualized()) {
            return NONE;
        }
        return count(row.m().exitsByReason().getOrDefault(reason, 0L));
    }

    /** The lines of the runs that did not end by the guest's successful exit: "ept: unsupported: …". */
    public static List<String> details(Study.Result r) {
        List<String> out = new ArrayList<>();
        for (Study.Row row : r.rows()) {
            Measurement m = row.m();
            if (!m.detail().isEmpty()) {
                String label = m.outcomeLabel();
                out.add(row.spec().mode().label() + ": " + (m.detail().startsWith(label) ? "" : label + ": ")
                        + m.detail());
            } else if (m.completed() && m.exitStatus() != 1) {
                out.add(row.spec().mode().label() + ": the guest exited with code " + (m.exitStatus() >>> 1)
                        + " (a failure status)");
            }
        }
        return out;
    }

    private static Line line(String label, List<Study.Row> rows, java.util.function.Function<Study.Row, String> f) {
        return new Line(label, cellsOf(rows, f), false);
    }

    private static List<String> cellsOf(List<Study.Row> rows, java.util.function.Function<Study.Row, String> f) {
        List<String> cells = new ArrayList<>();
        for (Study.Row row : rows) {
            cells.add(f.apply(row));
        }
        return cells;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String ratio(double d) {
        return Double.isNaN(d) ? NONE : String.format(Locale.ROOT, "%.3f", d);
    }

    static String decimal(double d, int places) {
        return Double.isNaN(d) ? NONE : String.format(Locale.ROOT, "%." + places + "f", d);
    }
}
