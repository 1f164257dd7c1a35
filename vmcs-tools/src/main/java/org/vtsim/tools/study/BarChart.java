package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.List;

/**
 * Bar charts as SVG: grouped bars (one group per category, one bar per series — overhead per workload and
 * mode) and stacked bars (one stack per category and bar, one segment per series — exits per reason per
 * workload and mode). Missing values (NaN) are drawn as a grey "×" on the baseline with a tooltip, never
 * as a zero bar.
 */
public final class BarChart {
    private static final double BAR = 18;
    private static final double STACK = 34;
    private static final double GAP = 26;

    private BarChart() {
    }

    /**
     * @param values [category][series]; NaN where there is no figure
     * @param reference a value marked by a dashed line across the plot (e.g. 1.0 for overhead), or NaN
     * @param missing the tooltip of a missing value, per [category][series] (null: "no figure")
     */
    public static String grouped(String title, String valueTitle, List<String> categories, List<String> series,
            double[][] values, double reference, String[][] missing) {
        double groupWidth = Math.max(series.size() * BAR + GAP, 70);
        double largest = Double.isNaN(reference) ? 0 : reference;
        for (double[] row : values) {
            for (double v : row) {
                largest = Double.isNaN(v) ? largest : Math.max(largest, v);
            }
        }
        PlotFrame f = new PlotFrame(groupWidth * categories.size(), groupWidth, categories, largest * 1.05, series);
        groupWidth = f.plotWidth / categories.size(); // the frame may have widened the plot
        Svg svg = f.start(title, valueTitle);
        List<String> colours = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            colours.add(Palette.forSeries(series.get(s), s));
        }
        for (int c = 0; c < categories.size(); c++) {
            double x0 = f.left + c * groupWidth + (groupWidth - series.size() * BAR) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = values[c][s];
                double x = x0 + s * BAR;
                if (Double.isNaN(v)) {
                    String why = missing == null || missing[c][s] == null ? "no figure" : missing[c][s];
                    svg.text(x + BAR / 2, f.bottom() - 3, "×", "middle", 12, 0);
                    svg.rect(x, f.bottom() - 14, BAR - 2, 14, "none", categories.get(c) + ", " + series.get(s)
                            + ": " + why);
                } else {
                    double y = f.y(v);
                    svg.rect(x, y, BAR - 2, f.bottom() - y, colours.get(s), categories.get(c) + ", "
                            + series.get(s) + ": " + v);
                    svg.text(x + (BAR - 2) / 2, y - 3, brief(v), "middle", 8, 0);
                }
            }
            f.category(svg, f.left + c * groupWidth + groupWidth / 2, categories.get(c), 0);
        }
        if (!Double.isNaN(reference)) {
            double y = f.y(reference);
            svg.line(f.left, y, f.left + f.plotWidth, y, "#d62728", 1, true);
        }
        f.legend(svg, "mode", series, colours);
        return svg.finish();
    }

    /**
     * @param bars the bar names within each category (e.g. the modes), drawn under each bar
     * @param segments the stacked series (e.g. exit reasons), bottom first
     * @param values [category][bar][segment]; a bar whose segments are all NaN has no figure
     */
    public static String stacked(String title, String valueTitle, List<String> categories, List<String> bars,
            List<String> segments, double[][][] values) {
        double groupWidth = Math.max(bars.size() * STACK + GAP, 70);
        double largest = 0;
        for (double[][] cat : values) {
            for (double[] bar : cat) {
                double sum = 0;
                for (double v : bar) {
                    sum += Double.isNaN(v) ? 0 : v;
                }
                largest = Math.max(largest, sum);
            }
        }
        PlotFrame f = new PlotFrame(groupWidth * categories.size(), groupWidth, categories, largest * 1.05, segments);
        groupWidth = f.plotWidth / categories.size();
        Svg svg = f.start(title, valueTitle);
        List<String> colours = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            colours.add(Palette.cycle(s));
        }
        for (int c = 0; c < categories.size(); c++) {
            double x0 = f.left + c * groupWidth + (groupWidth - bars.size() * STACK) / 2;
            for (int b = 0; b < bars.size(); b++) {
                double x = x0 + b * STACK;
                double base = 0;
                boolean any = false;
                for (int s = 0; s < segments.size(); s++) {
                    double v = values[c][b][s];
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    any = true;
                    if (v > 0) {
                        double top = f.y(base + v);
                        svg.rect(x, top, STACK - 4, f.y(base) - top, colours.get(s), categories.get(c) + ", "
                                + bars.get(b) + ", " + segments.get(s) + ": " + (long) v);
                    }
                    base += v;
                }
                if (!any) {
                    svg.text(x + (STACK - 4) / 2, f.bottom() - 3, "×", "middle", 12, 0);
                }
                svg.text(x + (STACK - 4) / 2, f.bottom() + 12, bars.get(b), "middle", 9, 0);
            }
            f.category(svg, f.left + c * groupWidth + groupWidth / 2, categories.get(c), 12);
        }
        f.legend(svg, "exit reason", segments, colours);
        return svg.finish();
    }

    /** A bar's value in three significant digits: "4.80", "0.987", "312", "6.74M", "12.3k". */
    static String brief(double v) {
        double a = Math.abs(v);
        String[] suffix = {"", "k", "M", "G", "T"};
        int i = 0;
        while (a >= 999.5 && i < suffix.length - 1) {
            a /= 1000;
            v /= 1000;
            i++;
        }
        String t = a >= 99.5 ? String.format(java.util.Locale.ROOT, "%.0f", v)
                : String.format(java.util.Locale.ROOT, "%.3g", v);
        return t + suffix[i];
    }
}
