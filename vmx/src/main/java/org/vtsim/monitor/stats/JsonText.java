package org.vtsim.monitor.stats;

/**
 * The two pieces of JSON text (RFC 8259) the writers need: strings and finite numbers. Shared by the exit
 * statistics and the study's results ({@code vtsim compare}).
 */
public final class JsonText {
    private JsonText() {
    }

    /** A JSON string (RFC 8259 section 7). */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A double as a JSON number; JSON has no NaN or infinity, so those are refused. */
    public static String number(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("not a JSON number: " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
