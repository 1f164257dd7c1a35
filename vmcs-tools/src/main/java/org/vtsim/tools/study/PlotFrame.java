package org.vtsim.tools.study;

import java.util.List;

/**
 * The frame every plot shares: title, value axis from 0 with grid lines and tick labels, the value-axis
 * title, the category labels under the plot area (turned when they do not fit), and a legend to the right.
 */
final class PlotFrame {
    static final double MIN_LEFT = 80;
    static final double TOP = 48;
    static final double HEIGHT = 300;
    static final double CHAR = 6.6; // average glyph width at 11 px, for fitting labels

    final double plotWidth;
    /** The left margin: room for the value axis, and for the first turned label. */
    final double left;
    final boolean turnLabels;
    final double bottomMargin;
    final Axis axis;
    final double legendWidth;
    /** At least the title's width (set by {@link #start}). */
    private double titleWidth;

    /**
     * @param plotWidth the width of the plot area
     * @param slot the width each category label may use without turning
     * @param labels the category labels (to decide whether they must be turned)
     * @param legend the legend's entries (to size it)
     */
    PlotFrame(double plotWidth, double slot, List<String> labels, double largest, List<String> legend) {
        this.plotWidth = Math.max(plotWidth, 300); // room for the title above a plot of one or two groups
        int longest = 0;
        for (String l : labels) {
            longest = Math.max(longest, l.length());
        }
        this.turnLabels = longest * CHAR > slot - 4;
        this.bottomMargin = turnLabels ? Math.min(260, 40 + longest * CHAR * 0.71) : 56;
        // A label turned by 45 degrees reaches 0.71 of its length to the left of its slot's centre.
        this.left = turnLabels ? Math.max(MIN_LEFT, longest * CHAR * 0.71 - slot / 2 + 24) : MIN_LEFT;
        this.axis = Axis.covering(largest, 5);
        int widest = 12;
        for (String l : legend) {
            widest = Math.max(widest, l.length());
        }
        this.legendWidth = 58 + widest * CHAR;
    }

    double width() {
        return Math.max(left + plotWidth + legendWidth, titleWidth);
    }

    double height() {
        return TOP + HEIGHT + bottomMargin;
    }

    double bottom() {
        return TOP + HEIGHT;
    }

    double y(double v) {
        return axis.y(v, bottom(), TOP);
    }

    /** A new drawing with the title, grid, value axis and its title. */
    Svg start(String title, String valueTitle) {
        titleWidth = title.length() * 8.4 + 40; // 15 px sans-serif: about 8.4 px a glyph
        Svg svg = new Svg(width(), height(), title);
        svg.text(width() / 2, 24, title, "middle", 15, 0);
        for (double t : axis.ticks()) {
            double y = y(t);
            svg.line(left, y, left + plotWidth, y, t == 0 ? "#333333" : "#dddddd", 1, false);
            svg.text(left - 6, y + 4, axis.label(t), "end", 11, 0);
        }
        svg.line(left, TOP, left, bottom(), "#333333", 1, false);
        svg.text(left - 58, TOP + HEIGHT / 2, valueTitle, "middle", 12, -90);
        return svg;
    }

    /** A category label centred at x under the plot area (turned if the frame says so). */
    void category(Svg svg, double x, String label, double dy) {
        if (turnLabels) {
            svg.text(x + 4, bottom() + 14 + dy, label, "end", 11, -45);
        } else {
            svg.text(x, bottom() + 16 + dy, label, "middle", 11, 0);
        }
    }

    /** The legend: a swatch and a name per entry, to the right of the plot area. */
    void legend(Svg svg, String heading, List<String> names, List<String> colours) {
        double x = left + plotWidth + 20;
        double y = TOP + 4;
        svg.text(x, y + 8, heading, "start", 12, 0);
        for (int i = 0; i < names.size(); i++) {
            double yy = y + 22 + i * 18;
            svg.rect(x, yy - 9, 12, 12, colours.get(i), "");
            svg.text(x + 18, yy + 1, names.get(i), "start", 11, 0);
        }
    }
}
