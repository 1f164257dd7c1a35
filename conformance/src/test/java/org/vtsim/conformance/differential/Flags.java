package org.vtsim.conformance.differential;

/** RFLAGS bits the differential test compares (SDM Vol. 1 3.4.3) and the condition codes' inputs. */
final class Flags {
    static final long CF = 1L;
    static final long PF = 1L << 2;
    static final long AF = 1L << 4;
    static final long ZF = 1L << 6;
    static final long SF = 1L << 7;
    static final long DF = 1L << 10;
    static final long OF = 1L << 11;
    static final long ARITH = CF | PF | AF | ZF | SF | OF;
    /** What is compared: the six status flags and DF (nothing else can change in user mode here). */
    static final long COMPARED = ARITH | DF;
    /** The bits the harness always runs with: bit 1 (reserved, 1) and IF (user mode runs with IF=1). */
    static final long FIXED = 0x202L;

    private Flags() {
    }

    /** The flags condition code {@code cc} (Jcc/SETcc/CMOVcc low nibble) reads (SDM Vol. 1 Table B-1). */
    static long readBy(int cc) {
        return switch (cc >> 1) {
            case 0 -> OF;
            case 1 -> CF;
            case 2 -> ZF;
            case 3 -> CF | ZF;
            case 4 -> SF;
            case 5 -> PF;
            case 6 -> SF | OF;
            default -> ZF | SF | OF;
        };
    }

    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    static String names(long mask) {
        StringBuilder sb = new StringBuilder();
        String[] n = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF"};
        for (int i = 0; i < n.length; i++) {
            if ((mask & (1L << i)) != 0 && !n[i].isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(n[i]);
            }
        }
        return sb.toString();
    }
}
