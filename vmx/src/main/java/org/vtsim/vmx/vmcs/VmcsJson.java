package org.vtsim.vmx.vmcs;

import java.math.BigInteger;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;

/**
 * A VMCS as a JSON document, the input of {@code vtsim vmcs dump} and {@code vtsim vmcs check}.
 *
 * <pre>
 * {
 *   "fields": {                      required: field name -&gt; value
 *     "GUEST_RIP": "0x1000",         names are {@link VmcsField} constant names
 *     "GUEST_CS_SELECTOR": 8         values: a hex string "0x…", a decimal string, or a JSON integer
 *   },
 *   "launched": false,               optional, launch state (default false: clear)
 *   "address": "0x10000",            optional, physical address of the VMCS region (default 0)
 *   "memory": {                      optional, 64-bit little-endian words of physical memory that
 *     "0x5000": "0x1"                the checks read (guest PDPTEs, SDM 26.3.1.6); all else is 0
 *   }
 * }
 * </pre>
 *
 * Fields left out are 0, as after VMCLEAR of a fresh region. A value must be non-negative and fit
 * the field's width (SDM 24.11.2; natural width is 64 bits). Anything else — malformed JSON, an
 * unknown name or member, a bad or too-wide number — is a {@link VmcsJsonException} naming the line
 * and column. The reader and writer are hand-written: no JSON library is a project dependency.
 */
public final class VmcsJson {
    private VmcsJson() {
    }

    /** A parsed document: the VMCS and the physical-memory words it came with. */
    public record Document(Vmcs vmcs, SortedMap<Long, Long> memory) {
        /** A physical memory holding {@link #memory()}'s words, zero elsewhere. */
        public PhysicalMemory memoryImage() {
            SparseMemory m = new SparseMemory();
            memory.forEach(m::write64);
            return m;
        }
    }

    /** Parses a document; throws {@link VmcsJsonException} with line and column on any problem. */
    public static Document parse(String json) {
        JsonValue root = JsonValue.parse(json);
        if (root.kind != JsonValue.Kind.OBJECT) {
            throw root.error("expected a JSON object {\"fields\": {...}}");
        }
        JsonValue fields = null;
        boolean launched = false;
        long address = 0;
        SortedMap<Long, Long> memory = new TreeMap<>();
        for (JsonValue.Member m : root.members()) {
            JsonValue v = m.value();
            switch (m.name()) {
                case "fields" -> fields = v;
                case "launched" -> {
                    if (v.kind != JsonValue.Kind.BOOLEAN) {
                        throw v.error("\"launched\" must be true or false");
                    }
                    launched = v.bool();
                }
                case "address" -> address = number(v, 64, "\"address\"");
                case "memory" -> {
                    if (v.kind != JsonValue.Kind.OBJECT) {
                        throw v.error("\"memory\" must be an object {\"0xADDRESS\": value}");
                    }
                    for (JsonValue.Member w : v.members()) {
                        long pa = parseNumber(w.name(), 64, "memory address")
                                .orElseThrow(msg -> new VmcsJsonException(w.line(), w.column(), msg));
                        memory.put(pa, number(w.value(), 64, "memory word at " + w.name()));
                    }
                }
                default -> throw new VmcsJsonException(m.line(), m.column(), "unknown member \"" + m.name()
                        + "\" (expected fields, launched, address, memory)");
            }
        }
        if (fields == null) {
            throw root.error("missing member \"fields\"");
        }
        if (fields.kind != JsonValue.Kind.OBJECT) {
            throw fields.error("\"fields\" must be an object {\"FIELD_NAME\": value}");
        }
        Vmcs vmcs = new Vmcs(address);
        for (JsonValue.Member m : fields.members()) {
            VmcsField f = field(m.name());
            if (f == null) {
                throw new VmcsJsonException(m.line(), m.column(), "unknown VMCS field \"" + m.name()
                        + "\" (names are as 'vtsim vmcs fields --all' lists them)");
            }
            vmcs.set(f, number(m.value(), f.width().bits, f.name()));
        }
        vmcs.setLaunched(launched);
        return new Document(vmcs, Collections.unmodifiableSortedMap(memory));
    }

    /** The VMCS of a document (see {@link #parse}). */
    public static Vmcs read(String json) {
        return parse(json).vmcs();
    }

    /** The document of a VMCS: every non-zero field, in Appendix B order, values as hex strings. */
    public static String write(Vmcs vmcs) {
        return write(vmcs, Map.of());
    }

    /** As {@link #write(Vmcs)}, with the given physical-memory words. */
    public static String write(Vmcs vmcs, Map<Long, Long> memory) {
        StringBuilder sb = new StringBuilder("{\n  \"fields\": {");
        String sep = "\n";
        for (VmcsField f : VmcsField.values()) {
            long v = vmcs.get(f);
            if (v != 0) {
                sb.append(sep).append("    \"").append(f.name()).append("\": \"").append(hex(v)).append('"');
                sep = ",\n";
            }
        }
        sb.append(sep.equals("\n") ? "}" : "\n  }");
        sb.append(",\n  \"launched\": ").append(vmcs.launched());
        if (vmcs.address != 0) {
            sb.append(",\n  \"address\": \"").append(hex(vmcs.address)).append('"');
        }
        if (!memory.isEmpty()) {
            sb.append(",\n  \"memory\": {");
            String msep = "\n";
            for (Map.Entry<Long, Long> e : new TreeMap<>(memory).entrySet()) {
                sb.append(msep).append("    \"").append(hex(e.getKey())).append("\": \"").append(hex(e.getValue()))
                        .append('"');
                msep = ",\n";
            }
            sb.append("\n  }");
        }
        return sb.append("\n}\n").toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static VmcsField field(String name) {
        try {
            return VmcsField.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long number(JsonValue v, int bits, String what) {
        switch (v.kind) {
            case INTEGER:
                return fit(v.integer(), bits, what).orElseThrow(v::error);
            case STRING:
                return parseNumber(v.string(), bits, what).orElseThrow(v::error);
            default:
                throw v.error(what + ": expected a number (\"0x...\", \"123\" or 123)");
        }
    }

    /**
     * A hex ("0x…") or decimal string as an unsigned value of at most {@code bits} bits; the error
     * message otherwise. Shared with the command line, which takes values the same way.
     */
    public static Result parseNumber(String text, int bits, String what) {
        String t = text.trim();
        BigInteger n;
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                if (t.length() == 2 || t.charAt(2) == '-' || t.charAt(2) == '+') {
                    return Result.error(what + ": not a number: \"" + text + "\"");
                }
                n = new BigInteger(t.substring(2), 16);
            } else {
                if (t.isEmpty() || t.charAt(0) == '+') {
                    return Result.error(what + ": not a number: \"" + text + "\"");
                }
                n = new BigInteger(t, 10);
            }
        } catch (NumberFormatException e) {
            return Result.error(what + ": not a number: \"" + text + "\" (use 0x for hex)");
        }
        return fit(n, bits, what);
    }

    private static Result fit(BigInteger n, int bits, String what) {
        if (n.signum() < 0) {
            return Result.error(what + ": negative value " + n);
        }
        if (n.bitLength() > bits) {
            return Result.error(what + ": 0x" + n.toString(16) + " does not fit in " + bits + " bits");
        }
        return Result.ok(n.longValue());
    }

    /** A parsed number or the reason it is not one. */
    public record Result(long value, String error) {
        static Result ok(long v) {
            return new Result(v, null);
        }

        static Result error(String message) {
            return new Result(0, message);
        }

        public boolean isOk() {
            return error == null;
        }

        long orElseThrow(java.util.function.Function<String, ? extends RuntimeException> failure) {
            if (error != null) {
                throw failure.apply(error);
            }
            return value;
        }
    }
}
