package org.vtsim.vmx.exit;

/**
 * Exit qualification for debug exceptions (#DB exits and the pending debug exceptions of an MTF or
 * SMI exit), SDM Vol. 3C 27.2.1 (Table 27-1). The bits follow DR6's layout, but positive: a set bit
 * means the condition was met.
 *
 * <pre>
 *   3:0   B3–B0: breakpoint condition n met (may be set even if not enabled in DR7)
 *   10:4  reserved (0)
 *   11    BLD: bus lock detected
 *   12    reserved (0)
 *   13    BD: debug-register access detected
 *   14    BS: single instruction (single-step)
 *   15    reserved (0)
 *   16    RTM: debug exception or breakpoint inside an RTM region
 *   63:17 reserved (0)
 * </pre>
 */
public final class DebugExceptionQualification {
    public static final long B0 = 1L;
    public static final long B1 = 1L << 1;
    public static final long B2 = 1L << 2;
    public static final long B3 = 1L << 3;
    public static final long BLD = 1L << 11;
    public static final long BD = 1L << 13;
    public static final long BS = 1L << 14;
    public static final long RTM = 1L << 16;
    public static final long DEFINED = B0 | B1 | B2 | B3 | BLD | BD | BS | RTM;

    private DebugExceptionQualification() {
    }

    /** The qualification from the B0–B3 mask (bits 3:0) and the named flags. */
    public static long encode(int breakpointsMet, boolean bld, boolean bd, boolean bs, boolean rtm) {
        if ((breakpointsMet & ~15) != 0) {
            throw new IllegalArgumentException("breakpoint mask " + breakpointsMet);
        }
        return breakpointsMet | (bld ? BLD : 0) | (bd ? BD : 0) | (bs ? BS : 0) | (rtm ? RTM : 0);
    }

    public static int breakpointsMet(long q) {
        return (int) q & 15;
    }

    /** E.g. "B0 B2 BS" or "none". */
    public static String describe(long q) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            if ((q & 1L << i) != 0) {
                s.append(" B").append(i);
            }
        }
        if ((q & BLD) != 0) {
            s.append(" BLD (bus lock)");
        }
        if ((q & BD) != 0) {
            s.append(" BD (debug-register access)");
        }
        if ((q & BS) != 0) {
            s.append(" BS (single step)");
        }
        if ((q & RTM) != 0) {
            s.append(" RTM");
        }
        if ((q & ~DEFINED) != 0) {
            s.append(" reserved bits set ").append(X86Names.hex(q & ~DEFINED));
        }
        return s.length() == 0 ? "none" : s.substring(1);
    }
}
