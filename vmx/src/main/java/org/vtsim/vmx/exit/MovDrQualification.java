package org.vtsim.vmx.exit;

/**
 * Exit qualification for MOV DR, SDM Vol. 3C 27.2.1 (Table 27-4).
 *
 * <pre>
 *   2:0   number of the debug register
 *   3     reserved (0)
 *   4     direction: 0 MOV to DR, 1 MOV from DR
 *   7:5   reserved (0)
 *   11:8  the general-purpose register (0 RAX ... 15 R15)
 *   63:12 reserved (0)
 * </pre>
 */
public final class MovDrQualification {
    public static final long DIRECTION_FROM_DR = 1L << 4;
    public static final long RESERVED = ~0xf17L;

    private MovDrQualification() {
    }

    public static long encode(int dr, boolean fromDr, int gpr) {
        if ((dr & ~7) != 0 || (gpr & ~15) != 0) {
            throw new IllegalArgumentException("DR" + dr + " GPR " + gpr);
        }
        return dr | (fromDr ? DIRECTION_FROM_DR : 0) | gpr << 8;
    }

    public static int debugRegister(long q) {
        return (int) q & 7;
    }

    public static boolean fromDr(long q) {
        return (q & DIRECTION_FROM_DR) != 0;
    }

    public static int gpr(long q) {
        return (int) (q >>> 8) & 15;
    }

    /** E.g. "MOV to DR7 from RAX". */
    public static String describe(long q) {
        String s = fromDr(q) ? "MOV from DR" + debugRegister(q) + " to " + X86Names.gpr(gpr(q))
                : "MOV to DR" + debugRegister(q) + " from " + X86Names.gpr(gpr(q));
        if ((q & RESERVED) != 0) {
            s += ", reserved bits set " + X86Names.hex(q & RESERVED);
        }
        return s;
    }
}
