package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linear value axis from 0 with "nice" ticks (steps of 1, 2 or 5 times a power of ten) covering the
 * largest value, and tick labels with k/M/G suffixes for large counts.
 */
record Axis(double max, double step) {
    /** An axis from 0 that covers {@code largest} with about {@code ticks} steps. */
    static Axis covering(double largest, int ticks) {
        double top = Double.isFinite(largest) && largest > 0 ? largest : 1;
        double raw = top / ticks;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step;
        if (raw <= mag) {
            step = mag;
        } else if (raw <= 2 * mag) {
            step = 2 * mag;
        } else if (raw <= 5 * mag) {
            step = 5 * mag;
        } else {
            step = 10 * mag;
        }
        return new Axis(Math.ceil(top / step - 1e-9) * step, step);
    }

    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        long n = Math.round(max / step);
        for (long i = 0; i <= n; i++) {
            out.add(i * step);
        }
        return out;
    }

    /** Position of {@code v} between {@code bottom} (v = 0) and {@code top} (v = max), in pixels. */
    double y(double v, double bottom, double top) {
        return bottom - (bottom - top) * (v / max);
    }

    /** A tick label: "0.5", "2", "1.5k", "20M", "3G". */
    String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e4) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String t = String.format(Locale.ROOT, "%.3f", v);
        t = t.replaceAll("0+$", "");
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }
}
