package org.vtsim.vmx.exit;

/**
 * Exit qualification for control-register accesses, SDM Vol. 3C 27.2.1 (Table 27-3).
 *
 * <pre>
 *   3:0   number of the control register (0 for CLTS and LMSW)
 *   5:4   access type: 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW
 *   6     LMSW operand type: 0 register, 1 memory (0 for the other types)
 *   7     reserved (0)
 *   11:8  MOV CR: the general-purpose register (0 RAX ... 15 R15); 0 for CLTS and LMSW
 *   15:12 reserved (0)
 *   31:16 LMSW: the LMSW source data; 0 for CLTS and MOV CR
 *   63:32 reserved (0)
 * </pre>
 */
public final class ControlRegisterAccessQualification {
    public static final int MOV_TO_CR = 0;
    public static final int MOV_FROM_CR = 1;
    public static final int CLTS = 2;
    public static final int LMSW = 3;
    public static final long LMSW_MEMORY_OPERAND = 1L << 6;
    public static final long RESERVED = ~0xffff0f7fL;

    private ControlRegisterAccessQualification() {
    }

    /** MOV to CR{@code cr} from register {@code gpr} (0–15). */
    public static long movToCr(int cr, int gpr) {
        return movCr(cr, MOV_TO_CR, gpr);
    }

    /** MOV from CR{@code cr} to register {@code gpr} (0–15). */
    public static long movFromCr(int cr, int gpr) {
        return movCr(cr, MOV_FROM_CR, gpr);
    }

    private static long movCr(int cr, int type, int gpr) {
        if ((cr & ~15) != 0 || (gpr & ~15) != 0) {
            throw new IllegalArgumentException("CR" + cr + " GPR " + gpr);
        }
        return cr | type << 4 | gpr << 8;
    }

    public static long clts() {
        return CLTS << 4;
    }

    /** LMSW with its 16-bit source data, from memory or from a register. */
    public static long lmsw(int sourceData, boolean memoryOperand) {
        return LMSW << 4 | (memoryOperand ? LMSW_MEMORY_OPERAND : 0) | (long) (sourceData & 0xffff) << 16;
    }

    public static int controlRegister(long q) {
        return (int) q & 15;
    }

    public static int accessType(long q) {
        return (int) (q >>> 4) & 3;
    }

    public static boolean lmswMemoryOperand(long q) {
        return (q & LMSW_MEMORY_OPERAND) != 0;
    }

    public static int gpr(long q) {
        return (int) (q >>> 8) & 15;
    }

    public static int lmswSourceData(long q) {
        return (int) (q >>> 16) & 0xffff;
    }

    /** E.g. "MOV to CR3 from RAX", "CLTS", "LMSW 0x1 from memory". */
    public static String describe(long q) {
        String s = switch (accessType(q)) {
            case MOV_TO_CR -> "MOV to CR" + controlRegister(q) + " from " + X86Names.gpr(gpr(q));
            case MOV_FROM_CR -> "MOV from CR" + controlRegister(q) + " to " + X86Names.gpr(gpr(q));
            case CLTS -> "CLTS";
            default -> "LMSW " + X86Names.hex(lmswSourceData(q))
                    + (lmswMemoryOperand(q) ? " from memory" : " from a register");
        };
        if ((q & RESERVED) != 0) {
            s += ", reserved bits set " + X86Names.hex(q & RESERVED);
        }
        return s;
    }
}
