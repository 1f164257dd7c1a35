package org.vtsim.tools.study;

import java.util.List;
import java.util.Map;

/**
 * results.csv (RFC 4180, "\n" line ends): a header of {@link Columns#names}, then one line per workload ×
 * sweep point × mode in the study's order. An empty cell means no figure (a run that did not start, a
 * count that has no meaning in the mode, an overhead without a completed native run).
 */
public final class ResultsCsv {
    private ResultsCsv() {
    }

    public static String format(List<Study.Result> results) {
        List<String> names = Columns.names(results);
        StringBuilder s = new StringBuilder(String.join(",", names)).append('\n');
        for (Study.Result r : results) {
            for (Study.Row row : r.rows()) {
                Map<String, Object> v = Columns.values(r, row, names);
                String sep = "";
                for (String n : names) {
                    s.append(sep).append(cell(v.get(n)));
                    sep = ",";
                }
                s.append('\n');
            }
        }
        return s.toString();
    }

    static String cell(Object o) {
        if (o == null) {
            return "";
        }
        if (o instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? "" : Double.toString(d);
        }
        if (o instanceof Boolean b) {
            return b ? "true" : "false";
        }
        String t = o.toString();
        // RFC 4180 2.6/2.7: quote a field with a comma, quote or line break; double inner quotes.
        if (t.indexOf(',') < 0 && t.indexOf('"') < 0 && t.indexOf('\n') < 0 && t.indexOf('\r') < 0) {
            return t;
        }
        return '"' + t.replace("\"", "\"\"") + '"';
    }
}
