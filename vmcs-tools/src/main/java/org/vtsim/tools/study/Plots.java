package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vtsim.machine.Mode;

/**
 * The study's plots: cycles and overhead vs native per workload and mode (grouped bars), VM exits per
 * reason per workload and mode (stacked bars), and for a sweep, cycles and overhead against the swept
 * parameter per mode (lines). Only figures of completed runs are plotted as cycles and overhead (a run cut
 * short has no comparable total); a missing figure is marked, with the reason in its tooltip.
 */
public final class Plots {
    /** Exit reasons drawn as their own segment; the rest are stacked as "other". */
    public static final int REASONS = 8;

    private Plots() {
    }

    /** A plot: its file name in the output folder, its title, its SVG text. */
    public record Plot(String file, String title, String svg) {
    }

    public static List<Plot> all(Study study, List<Study.Result> results) {
        List<Plot> out = new ArrayList<>();
        // One swept workload: label the bars by the sweep value and name the workload in the titles.
        boolean byPoint = study.swept() && study.workloads().size() == 1;
        String of = byPoint ? " — " + study.workloads().get(0).label() : "";
        List<String> cases = new ArrayList<>();
        results.forEach(r -> cases.add(shorten(byPoint ? r.kase().point().toString() : r.kase().label())));
        List<String> modes = new ArrayList<>();
        study.modes().forEach(m -> modes.add(m.label()));
        String[][] why = new String[results.size()][modes.size()];
        double[][] cycles = new double[results.size()][modes.size()];
        double[][] overhead = new double[results.size()][modes.size()];
        for (int c = 0; c < results.size(); c++) {
            for (int m = 0; m < modes.size(); m++) {
                Study.Row row = results.get(c).rows().get(m);
                cycles[c][m] = row.m().completed() ? row.m().cycles() : Double.NaN;
                overhead[c][m] = row.overhead();
                why[c][m] = row.m().completed() ? "no completed native run" : row.m().outcomeLabel()
                        + (row.m().detail().isEmpty() ? "" : ": " + row.m().detail());
            }
        }
        if (study.hasNative()) {
            String t = "Overhead vs native (cycles / native cycles)" + of;
            out.add(new Plot("overhead.svg", t, BarChart.grouped(t, "overhead vs native", cases, modes, overhead,
                    1.0, why)));
        }
        String t = "Simulated cycles per workload and mode" + of;
        out.add(new Plot("cycles.svg", t, BarChart.grouped(t, "cycles", cases, modes, cycles, Double.NaN, why)));
        exits(study, results, cases, of).ifPresent(out::add);
        if (study.swept()) {
            out.addAll(sweeps(study, results));
        }
        return out;
    }

    private static java.util.Optional<Plot> exits(Study study, List<Study.Result> results, List<String> cases,
            String of) {
        List<Mode> vms = study.modes().stream().filter(Mode::virtualized).toList();
        if (vms.isEmpty()) {
            return java.util.Optional.empty();
        }
        Map<String, Long> totals = new TreeMap<>();
        for (Study.Result r : results) {
            for (Study.Row row : r.rows()) {
                row.m().exitsByReason().forEach((k, v) -> totals.merge(k, v, Long::sum));
            }
        }
        List<String> reasons = totals.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(REASONS).map(Map.Entry::getKey).toList();
        List<String> segments = new ArrayList<>(reasons);
        boolean other = totals.size() > reasons.size();
        if (other) {
            segments.add("other");
        }
        List<String> bars = vms.stream().map(Mode::label).toList();
        double[][][] v = new double[results.size()][vms.size()][segments.size()];
        for (int c = 0; c < results.size(); c++) {
            for (int b = 0; b < vms.size(); b++) {
                Measurement m = results.get(c).row(vms.get(b)).m();
                long rest = m.exits();
                for (int s = 0; s < reasons.size(); s++) {
                    long n = m.exitsByReason().getOrDefault(reasons.get(s), 0L);
                    v[c][b][s] = m.ran() ? n : Double.NaN;
                    rest -= n;
                }
                if (other) {
                    v[c][b][segments.size() - 1] = m.ran() ? Math.max(0, rest) : Double.NaN;
                }
            }
        }
        String t = "VM exits per reason, workload and mode" + of;
        return java.util.Optional.of(new Plot("exits.svg", t, BarChart.stacked(t, "VM exits", cases, bars, segments,
                v)));
    }

    private static List<Plot> sweeps(Study study, List<Study.Result> results) {
        List<Plot> out = new ArrayList<>();
        List<String> modes = study.modes().stream().map(Mode::label).toList();
        List<Mode> vms = study.modes().stream().filter(Mode::virtualized).toList();
        for (Workload w : study.workloads()) {
            List<Study.Result> mine = results.stream().filter(r -> r.kase().workload() == w).toList();
            double[][] cycles = new double[modes.size()][mine.size()];
            double[][] overhead = new double[vms.size()][mine.size()];
            for (int i = 0; i < mine.size(); i++) {
                for (int m = 0; m < modes.size(); m++) {
                    Study.Row row = mine.get(i).rows().get(m);
                    cycles[m][i] = row.m().completed() ? row.m().cycles() : Double.NaN;
                }
                for (int m = 0; m < vms.size(); m++) {
                    overhead[m][i] = mine.get(i).row(vms.get(m)).overhead();
                }
            }
            String slug = slug(w.label());
            String x = study.sweepName();
            String t = w.label() + ": cycles vs " + x;
            out.add(new Plot("sweep-" + slug + "-cycles.svg", t, LineChart.lines(t, x, "cycles", study.sweepValues(),
                    modes, cycles, Double.NaN)));
            if (study.hasNative() && !vms.isEmpty()) {
                t = w.label() + ": overhead vs native against " + x;
                out.add(new Plot("sweep-" + slug + "-overhead.svg", t, LineChart.lines(t, x, "overhead vs native",
                        study.sweepValues(), vms.stream().map(Mode::label).toList(), overhead, 1.0)));
            }
        }
        return out;
    }

    /** A category label of at most 40 characters (the tables keep the whole label). */
    static String shorten(String label) {
        return label.length() <= 40 ? label : label.substring(0, 39) + "…";
    }

    /** A file-name part: letters, digits, '-' and '.'; everything else becomes '_'. */
    static String slug(String s) {
        String t = s.replaceAll("[^A-Za-z0-9.-]+", "_");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }
}
