package org.vtsim.vmx.vmcs;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed JSON value with the line and column where it starts, so readers of VMCS documents can
 * point at the offending text (RFC 8259 grammar; numbers are integers only, which is all a VMCS
 * document holds). No library: the tools stay on the project's three allowed dependencies.
 */
final class JsonValue {
    enum Kind { OBJECT, ARRAY, STRING, INTEGER, BOOLEAN, NULL }

    /** One member of an object, with the position of its name. */
    record Member(String name, int line, int column, JsonValue value) {
    }

    final Kind kind;
    final int line;
    final int column;
    private final Object value;

    private JsonValue(Kind kind, int line, int column, Object value) {
        this.kind = kind;
        this.line = line;
        this.column = column;
        this.value = value;
    }

    @SuppressWarnings("unchecked")
    List<Member> members() {
        return kind == Kind.OBJECT ? (List<Member>) value : List.of();
    }

    String string() {
        return (String) value;
    }

    BigInteger integer() {
        return (BigInteger) value;
    }

    boolean bool() {
        return (Boolean) value;
    }

    VmcsJsonException error(String problem) {
        return new VmcsJsonException(line, column, problem);
    }

    /** Parses one JSON text (a single value, surrounding whitespace allowed). */
    static JsonValue parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        JsonValue v = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected text after the JSON value");
        }
        return v;
    }

    private static final class Parser {
        private final String s;
        private int pos;
        private int line = 1;
        private int lineStart;

        Parser(String s) {
            this.s = s;
        }

        private int column() {
            return pos - lineStart + 1;
        }

        VmcsJsonException error(String problem) {
            return new VmcsJsonException(line, column(), problem);
        }

        void skipWhitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\n') {
                    line++;
                    lineStart = pos + 1;
                } else if (c != ' ' && c != '\t' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        JsonValue value() {
            if (pos >= s.length()) {
                throw error("unexpected end of input, expected a value");
            }
            int l = line;
            int c = column();
            char ch = s.charAt(pos);
            switch (ch) {
                case '{':
                    return object(l, c);
                case '[':
                    return array(l, c);
                case '"':
                    return new JsonValue(Kind.STRING, l, c, string());
                case 't':
                    literal("true");
                    return new JsonValue(Kind.BOOLEAN, l, c, Boolean.TRUE);
                case 'f':
                    literal("false");
                    return new JsonValue(Kind.BOOLEAN, l, c, Boolean.FALSE);
                case 'n':
                    literal("null");
                    return new JsonValue(Kind.NULL, l, c, null);
                default:
                    if (ch == '-' || (ch >= '0' && ch <= '9')) {
                        return new JsonValue(Kind.INTEGER, l, c, number());
                    }
                    throw error("unexpected character '" + printable(ch) + "', expected a value");
            }
        }

        private JsonValue object(int l, int c) {
            pos++;
            List<Member> members = new ArrayList<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return new JsonValue(Kind.OBJECT, l, c, Collections.unmodifiableList(members));
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name in double quotes");
                }
                int ml = line;
                int mc = column();
                String name = string();
                for (Member m : members) {
                    if (m.name().equals(name)) {
                        throw new VmcsJsonException(ml, mc, "duplicate member \"" + name + "\"");
                    }
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                members.add(new Member(name, ml, mc, value()));
                skipWhitespace();
                char next = peek();
                pos++;
                if (next == '}') {
                    return new JsonValue(Kind.OBJECT, l, c, Collections.unmodifiableList(members));
                }
                if (next != ',') {
                    pos--;
                    throw error("expected ',' or '}' in object");
                }
            }
        }

        private JsonValue array(int l, int c) {
            pos++;
            List<JsonValue> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return new JsonValue(Kind.ARRAY, l, c, items);
            }
            while (true) {
                skipWhitespace();
                items.add(value());
                skipWhitespace();
                char next = peek();
                pos++;
                if (next == ']') {
                    return new JsonValue(Kind.ARRAY, l, c, Collections.unmodifiableList(items));
                }
                if (next != ',') {
                    pos--;
                    throw error("expected ',' or ']' in array");
                }
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            return s.charAt(pos);
        }

        private void expect(char ch) {
            if (peek() != ch) {
                throw error("expected '" + ch + "'");
            }
            pos++;
        }

        private void literal(String word) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected text, expected " + word);
            }
            pos += word.length();
        }

        private String string() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                char ch = peek();
                if (ch == '"') {
                    pos++;
                    return sb.toString();
                }
                if (ch < 0x20) {
                    throw error("control character in string (unterminated string?)");
                }
                if (ch == '\\') {
                    pos++;
                    char e = peek();
                    switch (e) {
                        case '"', '\\', '/' -> sb.append(e);
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 5 > s.length()) {
                                throw error("unexpected end of input in \\u escape");
                            }
                            try {
                                sb.append((char) Integer.parseInt(s.substring(pos + 1, pos + 5), 16));
                            } catch (NumberFormatException x) {
                                throw error("bad \\u escape");
                            }
                            pos += 4;
                        }
                        default -> throw error("bad escape '\\" + printable(e) + "'");
                    }
                    pos++;
                } else {
                    sb.append(ch);
                    pos++;
                }
            }
        }

        private BigInteger number() {
            int start = pos;
            if (s.charAt(pos) == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (pos == digits) {
                throw error("expected digits after '-'");
            }
            if (pos - digits > 1 && s.charAt(digits) == '0') {
                pos = digits;
                throw error("leading zero in number (write hex values as strings: \"0x...\")");
            }
            if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                throw error("only integer numbers are allowed here");
            }
            if (pos < s.length() && Character.isLetter(s.charAt(pos))) {
                throw error("unexpected character '" + printable(s.charAt(pos))
                        + "' in number (write hex values as strings: \"0x...\")");
            }
            return new BigInteger(s.substring(start, pos));
        }

        private static String printable(char c) {
            return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        }
    }
}
