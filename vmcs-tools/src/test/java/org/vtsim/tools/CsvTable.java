package org.vtsim.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A reader of RFC 4180 CSV text for the tests: rows as maps from header name to cell. */
final class CsvTable {
    final List<String> header;
    final List<Map<String, String>> rows = new ArrayList<>();

    CsvTable(String text) {
        List<List<String>> records = parse(text);
        header = records.get(0);
        for (List<String> r : records.subList(1, records.size())) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("row of " + r.size() + " cells under a header of " + header.size()
                        + ": " + r);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < r.size(); i++) {
                m.put(header.get(i), r.get(i));
            }
            rows.add(m);
        }
    }

    /** The row of {@code workload} in {@code mode}. */
    Map<String, String> row(String workload, String mode) {
        for (Map<String, String> r : rows) {
            if (r.get("workload").equals(workload) && r.get("mode").equals(mode)) {
                return r;
            }
        }
        throw new AssertionError("no row " + workload + " / " + mode + " in " + rows);
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                record.add(cell.toString());
                cell.setLength(0);
                out.add(record);
                record = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (quoted || cell.length() > 0 || !record.isEmpty()) {
            throw new IllegalArgumentException("CSV text does not end with a complete line");
        }
        return out;
    }
}
