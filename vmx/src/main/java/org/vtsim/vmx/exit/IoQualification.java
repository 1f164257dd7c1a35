package org.vtsim.vmx.exit;

/**
 * Exit qualification for I/O instructions, SDM Vol. 3C 27.2.1 (Table 27-5).
 *
 * <pre>
 *   2:0   size of access minus 1 (0 1 byte, 1 2 bytes, 3 4 bytes)
 *   3     direction: 0 OUT, 1 IN
 *   4     string instruction (INS/OUTS)
 *   5     REP prefixed
 *   6     operand encoding: 0 DX, 1 immediate
 *   15:7  reserved (0)
 *   31:16 port number
 *   63:32 reserved (0)
 * </pre>
 */
public final class IoQualification {
    public static final long DIRECTION_IN = 1L << 3;
    public static final long STRING = 1L << 4;
    public static final long REP = 1L << 5;
    public static final long OPERAND_IMMEDIATE = 1L << 6;
    public static final int PORT_SHIFT = 16;
    public static final long RESERVED = ~0xffff007fL;

    private IoQualification() {
    }

    /**
     * @param size 1, 2 or 4 bytes
     * @param in IN/INS rather than OUT/OUTS
     * @param immediate the port came from an imm8 rather than DX
     */
    public static long encode(int size, boolean in, boolean string, boolean rep, boolean immediate, int port) {
        if (size != 1 && size != 2 && size != 4) {
            throw new IllegalArgumentException("I/O access size " + size);
        }
        if ((port & ~0xffff) != 0) {
            throw new IllegalArgumentException("port " + port);
        }
        return (size - 1) | (in ? DIRECTION_IN : 0) | (string ? STRING : 0) | (rep ? REP : 0)
                | (immediate ? OPERAND_IMMEDIATE : 0) | (long) port << PORT_SHIFT;
    }

    /** The access size in bytes (1, 2 or 4; bits 2:0 plus one). */
    public static int size(long q) {
        return ((int) q & 7) + 1;
    }

    public static boolean in(long q) {
        return (q & DIRECTION_IN) != 0;
    }

    public static boolean string(long q) {
        return (q & STRING) != 0;
    }

    public static boolean rep(long q) {
        return (q & REP) != 0;
    }

    public static boolean immediate(long q) {
        return (q & OPERAND_IMMEDIATE) != 0;
    }

    public static int port(long q) {
        return (int) (q >>> PORT_SHIFT) & 0xffff;
    }

    /** E.g. "OUT dx, 1 byte, port 0x3f8" or "REP INS dx, 2 bytes, port 0x1f0". */
    public static String describe(long q) {
        StringBuilder s = new StringBuilder();
        if (rep(q)) {
            s.append("REP ");
        }
        s.append(in(q) ? "IN" : "OUT").append(string(q) ? "S" : "").append(immediate(q) ? " imm8" : " dx");
        int size = size(q);
        s.append(", ").append(size).append(size == 1 ? " byte" : " bytes");
        if (size == 3 || size > 4) {
            s.append(" (size field ").append(size - 1).append(" not used)");
        }
        s.append(", port ").append(X86Names.hex(port(q)));
        if ((q & RESERVED) != 0) {
            s.append(", reserved bits set ").append(X86Names.hex(q & RESERVED));
        }
        return s.toString();
    }
}
