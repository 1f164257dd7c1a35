package org.vtsim.tools.study;

import java.util.List;

/**
 * index.html of a study's output folder: the command, links to results.csv and results.json, the plots
 * (embedded by reference, so the folder can be moved as a whole), and the per-case tables with the same
 * cells as the text report. No timestamps: the same results give the same bytes.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String format(String command, Study study, List<Study.Result> results, List<Plots.Plot> plots) {
        StringBuilder s = new StringBuilder();
        s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>vtsim compare</title>\n");
        s.append("<style>\nbody{font-family:sans-serif;margin:2em;max-width:80em}\n"
                + "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
                + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
                + "td:first-child,th:first-child{text-align:left}\n"
                + "tr.sub td:first-child{padding-left:2em;color:#555}\n"
                + "td.bad{background:#fde0dc}\nimg{max-width:100%;border:1px solid #eee;margin:0.5em 0}\n"
                + "code{background:#f4f4f4;padding:0 3px}\n</style>\n</head>\n<body>\n");
        s.append("<h1>vtsim compare</h1>\n<p><code>").append(Svg.esc(command)).append("</code></p>\n");
        s.append("<p>Modes: ").append(Svg.esc(String.join(", ", study.modes().stream().map(m -> m.label()).toList())));
        if (study.swept()) {
            s.append("; sweep of <code>").append(Svg.esc(study.sweepName())).append("</code> over ")
                    .append(Svg.esc(String.join(", ", study.sweepValues())));
        }
        s.append(". Data: <a href=\"results.csv\">results.csv</a>, <a href=\"results.json\">results.json</a>.</p>\n");
        if (!study.hasNative()) {
            s.append("<p><strong>native is not among the modes</strong>, so there is no overhead vs native.</p>\n");
        }
        s.append("<h2>Plots</h2>\n");
        for (Plots.Plot p : plots) {
            s.append("<figure><a href=\"").append(Svg.esc(p.file())).append("\"><img src=\"").append(Svg.esc(p.file()))
                    .append("\" alt=\"").append(Svg.esc(p.title())).append("\"></a><figcaption>")
                    .append(Svg.esc(p.title())).append("</figcaption></figure>\n");
        }
        s.append("<h2>Tables</h2>\n");
        for (Study.Result r : results) {
            String args = r.rows().get(0).spec().args();
            s.append("<h3>").append(Svg.esc(r.kase().label())).append("</h3>\n");
            if (!args.isEmpty()) {
                s.append("<p>arguments: <code>").append(Svg.esc(args)).append("</code></p>\n");
            }
            s.append("<table>\n<tr><th></th>");
            for (Study.Row row : r.rows()) {
                s.append("<th>").append(Svg.esc(row.spec().mode().label())).append("</th>");
            }
            s.append("</tr>\n");
            for (Cells.Line l : Cells.lines(r)) {
                s.append(l.sub() ? "<tr class=\"sub\">" : "<tr>").append("<td>").append(Svg.esc(l.label()))
                        .append("</td>");
                for (int i = 0; i < l.cells().size(); i++) {
                    Measurement m = r.rows().get(i).m();
                    boolean bad = l.label().equals("outcome") && !(m.completed() && m.exitStatus() == 1);
                    s.append(bad ? "<td class=\"bad\"" : "<td");
                    if (bad && !m.detail().isEmpty()) {
                        s.append(" title=\"").append(Svg.esc(m.detail())).append('"');
                    }
                    s.append('>').append(Svg.esc(l.cells().get(i))).append("</td>");
                }
                s.append("</tr>\n");
            }
            s.append("</table>\n");
            List<String> details = Cells.details(r);
            if (!details.isEmpty()) {
                s.append("<ul>\n");
                for (String d : details) {
                    s.append("<li>").append(Svg.esc(d)).append("</li>\n");
                }
                s.append("</ul>\n");
            }
        }
        s.append("</body>\n</html>\n");
        return s.toString();
    }
}
