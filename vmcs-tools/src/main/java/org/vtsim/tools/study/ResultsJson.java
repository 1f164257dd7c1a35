package org.vtsim.tools.study;

import java.util.List;
import java.util.Map;
import org.vtsim.machine.Mode;
import org.vtsim.monitor.stats.JsonText;

/**
 * results.json (schema "vtsim-compare/1"): the study's modes and sweep, then one object per workload ×
 * sweep point × mode with the columns of {@link Columns} grouped: the fixed figures as members, and
 * {@code exits_by_reason}, {@code memory}, {@code translation} as objects holding only what the run
 * reported. No figure is {@code null}.
 */
public final class ResultsJson {
    public static final String SCHEMA = "vtsim-compare/1";

    private ResultsJson() {
    }

    public static String format(Study study, List<Study.Result> results) {
        StringBuilder s = new StringBuilder("{\n  \"schema\": ");
        JsonText.string(s, SCHEMA);
        s.append(",\n  \"modes\": [");
        String sep = "";
        for (Mode m : study.modes()) {
            s.append(sep);
            JsonText.string(s, m.label());
            sep = ", ";
        }
        s.append("],\n  \"native_baseline\": ").append(study.hasNative());
        s.append(",\n  \"sweep\": ");
        if (!study.swept()) {
            s.append("null");
        } else {
            s.append("{\"name\": ");
            JsonText.string(s, study.sweepName());
            s.append(", \"values\": [");
            sep = "";
            for (String v : study.sweepValues()) {
                s.append(sep);
                JsonText.string(s, v);
                sep = ", ";
            }
            s.append("]}");
        }
        s.append(",\n  \"runs\": [");
        List<String> names = Columns.names(results);
        sep = "\n";
        for (Study.Result r : results) {
            for (Study.Row row : r.rows()) {
                s.append(sep).append("    {");
                Map<String, Object> v = Columns.values(r, row, names);
                String inner = "";
                for (String n : names) {
                    if (n.indexOf('.') < 0) {
                        s.append(inner);
                        JsonText.string(s, n);
                        s.append(": ");
                        value(s, v.get(n));
                        inner = ", ";
                    }
                }
                s.append(",\n     \"exits_by_reason\": ");
                map(s, row.m().exitsByReason());
                s.append(",\n     \"memory\": ");
                map(s, row.m().memory());
                s.append(",\n     \"translation\": ");
                map(s, row.m().translation());
                s.append('}');
                sep = ",\n";
            }
        }
        s.append("\n  ]\n}\n");
        return s.toString();
    }

    private static void map(StringBuilder s, Map<String, Long> m) {
        s.append('{');
        String sep = "";
        for (Map.Entry<String, Long> e : m.entrySet()) {
            s.append(sep);
            JsonText.string(s, e.getKey());
            s.append(": ").append(e.getValue());
            sep = ", ";
        }
        s.append('}');
    }

    private static void value(StringBuilder s, Object o) {
        if (o == null) {
            s.append("null");
        } else if (o instanceof Double d) {
            s.append(d.isNaN() || d.isInfinite() ? "null" : Double.toString(d));
        } else if (o instanceof Long || o instanceof Boolean) {
            s.append(o);
        } else {
            JsonText.string(s, o.toString());
        }
    }
}
