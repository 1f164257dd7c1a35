package org.vtsim.tools.study;

import java.util.List;

/** The plots' colours: fixed per mode, so a mode looks the same in every plot; a cycle for other series. */
final class Palette {
    private static final List<String> CYCLE = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
            "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#7f7f7f");

    private Palette() {
    }

    /** native grey, ept blue, shadow orange; other names take the cycle by position. */
    static String forSeries(String name, int index) {
        return switch (name) {
            case "native" -> "#7f7f7f";
            case "ept" -> "#1f77b4";
            case "shadow" -> "#ff7f0e";
            default -> CYCLE.get(index % CYCLE.size());
        };
    }

    static String cycle(int index) {
        return CYCLE.get(index % CYCLE.size());
    }
}
