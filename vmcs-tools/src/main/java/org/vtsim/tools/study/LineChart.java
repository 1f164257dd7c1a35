package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.List;

/**
 * A line plot as SVG: one line per series over categorical x values (a sweep's values, evenly spaced in
 * the order given), a marker per point; a missing point (NaN) breaks the line.
 */
public final class LineChart {
    private static final double SLOT = 90;

    private LineChart() {
    }

    /**
     * @param values [series][x]; NaN where there is no figure
     * @param reference a value marked by a dashed line (e.g. 1.0 for overhead), or NaN
     */
    public static String lines(String title, String xTitle, String valueTitle, List<String> xs, List<String> series,
            double[][] values, double reference) {
        double largest = Double.isNaN(reference) ? 0 : reference;
        for (double[] row : values) {
            for (double v : row) {
                largest = Double.isNaN(v) ? largest : Math.max(largest, v);
            }
        }
        PlotFrame f = new PlotFrame(SLOT * xs.size(), SLOT, xs, largest * 1.05, series);
        double slot = f.plotWidth / xs.size(); // the frame may have widened the plot
        Svg svg = f.start(title, valueTitle);
        List<String> colours = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            colours.add(Palette.forSeries(series.get(s), s));
        }
        for (int i = 0; i < xs.size(); i++) {
            double x = f.left + slot * i + slot / 2;
            svg.line(x, f.bottom(), x, f.bottom() + 4, "#333333", 1, false);
            f.category(svg, x, xs.get(i), 0);
        }
        svg.text(f.left + f.plotWidth / 2, f.height() - 10, xTitle, "middle", 12, 0);
        if (!Double.isNaN(reference)) {
            double y = f.y(reference);
            svg.line(f.left, y, f.left + f.plotWidth, y, "#d62728", 1, true);
        }
        for (int s = 0; s < series.size(); s++) {
            List<double[]> run = new ArrayList<>();
            for (int i = 0; i <= xs.size(); i++) {
                double v = i < xs.size() ? values[s][i] : Double.NaN;
                if (!Double.isNaN(v)) {
                    run.add(new double[] {f.left + slot * i + slot / 2, f.y(v)});
                } else {
                    segment(svg, run, colours.get(s));
                    run.clear();
                }
            }
            for (int i = 0; i < xs.size(); i++) {
                double v = values[s][i];
                if (!Double.isNaN(v)) {
                    svg.circle(f.left + slot * i + slot / 2, f.y(v), 3.5, colours.get(s),
                            series.get(s) + " at " + xs.get(i) + ": " + v);
                }
            }
        }
        f.legend(svg, "mode", series, colours);
        return svg.finish();
    }

    private static void segment(Svg svg, List<double[]> run, String colour) {
        if (run.size() < 2) {
            return;
        }
        double[] px = new double[run.size()];
        double[] py = new double[run.size()];
        for (int i = 0; i < run.size(); i++) {
            px[i] = run.get(i)[0];
            py[i] = run.get(i)[1];
        }
        svg.polyline(px, py, colour);
    }
}
