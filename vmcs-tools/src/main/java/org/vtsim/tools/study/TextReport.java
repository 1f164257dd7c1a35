package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.List;

/** The study's tables as text for a terminal: one table per case, a column per mode. */
public final class TextReport {
    private TextReport() {
    }

    public static String format(Study study, List<Study.Result> results) {
        StringBuilder s = new StringBuilder();
        if (!study.hasNative()) {
            s.append("note: native is not among the modes, so there is no overhead vs native "
                    + "(add native to --mode)\n\n");
        }
        for (Study.Result r : results) {
            s.append("== ").append(r.kase().label());
            String args = r.rows().get(0).spec().args();
            s.append(args.isEmpty() ? "" : "  [" + args + "]");
            if (r.kase().point() == null || !r.kase().point().host()) {
                s.append(study.hostLargePages() ? "" : "  (host pages 4 KiB)");
            }
            s.append(" ==\n");
            table(s, r);
            for (String d : Cells.details(r)) {
                s.append("  ").append(d).append('\n');
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static void table(StringBuilder s, Study.Result r) {
        List<String> header = new ArrayList<>();
        header.add("");
        for (Study.Row row : r.rows()) {
            header.add(row.spec().mode().label());
        }
        List<Cells.Line> lines = Cells.lines(r);
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (Cells.Line l : lines) {
            width[0] = Math.max(width[0], l.label().length() + (l.sub() ? 2 : 0));
            for (int i = 0; i < l.cells().size(); i++) {
                width[i + 1] = Math.max(width[i + 1], l.cells().get(i).length());
            }
        }
        row(s, width, header.get(0), header.subList(1, header.size()));
        for (Cells.Line l : lines) {
            row(s, width, (l.sub() ? "  " : "") + l.label(), l.cells());
        }
    }

    private static void row(StringBuilder s, int[] width, String label, List<String> cells) {
        s.append("  ").append(pad(label, width[0], false));
        for (int i = 0; i < cells.size(); i++) {
            s.append("  ").append(pad(cells.get(i), width[i + 1], true));
        }
        while (s.charAt(s.length() - 1) == ' ') {
            s.setLength(s.length() - 1);
        }
        s.append('\n');
    }

    private static String pad(String v, int w, boolean right) {
        String fill = " ".repeat(Math.max(0, w - v.length()));
        return right ? fill + v : v + fill;
    }
}
