package org.vtsim.tools.study;

import java.util.Locale;

/**
 * A minimal SVG 1.1 writer for the study's plots: rectangles, lines, polylines, circles and text, with
 * coordinates printed at one decimal in the root locale, so the same figures always give the same bytes.
 */
final class Svg {
    static final String FONT = "font-family=\"sans-serif\"";

    private final StringBuilder s = new StringBuilder();

    Svg(double width, double height, String title) {
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(n(width))
                .append("\" height=\"").append(n(height)).append("\" viewBox=\"0 0 ").append(n(width)).append(' ')
                .append(n(height)).append("\">\n");
        s.append("<title>").append(esc(title)).append("</title>\n");
        s.append("<rect x=\"0\" y=\"0\" width=\"").append(n(width)).append("\" height=\"").append(n(height))
                .append("\" fill=\"white\"/>\n");
    }

    /** A filled rectangle with a tooltip (empty: none). */
    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        s.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
        return closeWithTooltip("rect", tooltip);
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed) {
        s.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(n(width)).append('"');
        if (dashed) {
            s.append(" stroke-dasharray=\"4 3\"");
        }
        s.append("/>\n");
        return this;
    }

    Svg polyline(double[] xs, double[] ys, String stroke) {
        s.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            s.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
        }
        s.append("\"/>\n");
        return this;
    }

    Svg circle(double x, double y, double r, String fill, String tooltip) {
        s.append("<circle cx=\"").append(n(x)).append("\" cy=\"").append(n(y)).append("\" r=\"").append(n(r))
                .append("\" fill=\"").append(fill).append('"');
        return closeWithTooltip("circle", tooltip);
    }

    /** Text; anchor is start, middle or end; rotate in degrees about (x, y) (0: none). */
    Svg text(double x, double y, String text, String anchor, double size, double rotate) {
        s.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" ").append(FONT)
                .append(" font-size=\"").append(n(size)).append("\" text-anchor=\"").append(anchor).append('"');
        if (rotate != 0) {
            s.append(" transform=\"rotate(").append(n(rotate)).append(' ').append(n(x)).append(' ').append(n(y))
                    .append(")\"");
        }
        s.append('>').append(esc(text)).append("</text>\n");
        return this;
    }

    private Svg closeWithTooltip(String element, String tooltip) {
        if (tooltip == null || tooltip.isEmpty()) {
            s.append("/>\n");
        } else {
            s.append("><title>").append(esc(tooltip)).append("</title></").append(element).append(">\n");
        }
        return this;
    }

    String finish() {
        return s + "</svg>\n";
    }

    /** A coordinate: one decimal, no trailing ".0", root locale. */
    static String n(double v) {
        String t = String.format(Locale.ROOT, "%.1f", v);
        t = t.endsWith(".0") ? t.substring(0, t.length() - 2) : t;
        return t.equals("-0") ? "0" : t;
    }

    /** XML character data / attribute text. */
    static String esc(String v) {
        StringBuilder out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
