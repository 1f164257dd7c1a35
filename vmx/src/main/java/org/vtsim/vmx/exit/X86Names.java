package org.vtsim.vmx.exit;

/**
 * The x86 names the exit-information decoders print: general-purpose registers by the 4-bit number
 * the SDM's qualification and instruction-information tables use (0 RAX ... 7 RDI, 8–15 R8–R15,
 * SDM Vol. 3C Table 27-3), segment registers by the 3-bit number of Table 27-8 (0 ES ... 5 GS), and
 * exception mnemonics by vector (SDM Vol. 3A Table 6-1).
 */
public final class X86Names {
    private static final String[] GPR64 = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
    private static final String[] GPR32 = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI",
        "R8D", "R9D", "R10D", "R11D", "R12D", "R13D", "R14D", "R15D"};
    private static final String[] GPR16 = {"AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI",
        "R8W", "R9W", "R10W", "R11W", "R12W", "R13W", "R14W", "R15W"};
    private static final String[] SEGMENTS = {"ES", "CS", "SS", "DS", "FS", "GS"};
    private static final String[] EXCEPTIONS = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
        "coprocessor segment overrun", "#TS", "#NP", "#SS", "#GP", "#PF", null, "#MF", "#AC", "#MC", "#XM", "#VE",
        "#CP"};

    private X86Names() {
    }

    /** The 64-bit name of general-purpose register {@code n} (0–15). */
    public static String gpr(int n) {
        return GPR64[n & 15];
    }

    /** The name of register {@code n} at a width of 16, 32 or 64 bits. */
    public static String gpr(int n, int bits) {
        return switch (bits) {
            case 16 -> GPR16[n & 15];
            case 32 -> GPR32[n & 15];
            case 64 -> GPR64[n & 15];
            default -> throw new IllegalArgumentException("register width " + bits);
        };
    }

    /** The segment register a 3-bit segment number names; numbers 6 and 7 are not used by the SDM. */
    public static String segment(int n) {
        return n >= 0 && n < SEGMENTS.length ? SEGMENTS[n] : "segment " + n + " (not used)";
    }

    /** The mnemonic of exception vector 0–31 ("#PF"), or "vector N" where the SDM reserves it. */
    public static String exception(int vector) {
        if (vector >= 0 && vector < EXCEPTIONS.length && EXCEPTIONS[vector] != null) {
            return EXCEPTIONS[vector];
        }
        return "vector " + vector;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
