package org.vtsim.cpu.decode;

/**
 * A second, denser dispatch id for the handful of forms that make up most of what compiled C
 * executes (register-register ALU operations, MOV, Jcc, LEA, shifts by an immediate, plain loads
 * and stores) with the operand size and the register/memory form fixed at decode time, so the
 * interpreter's first switch is small enough for the JIT to inline the work of each case. Every
 * other instruction is {@link #GENERAL} and takes the full {@link Op} switch; a fast case must do
 * exactly what the general case of its {@link Op} does (results, flags, cycles).
 *
 * <p>Only 32- and 64-bit operand sizes are specialised: their register numbers are always 0-15
 * (no AH/CH/DH/BH forms, SDM Vol. 2A 3.7.2.1).
 */
public final class FastOp {
    public static final int GENERAL = 0;
    public static final int MOV_RR64 = 1; // MOV r/m, r with a register r/m (gpr[rm] = gpr[reg])
    public static final int MOV_RR32 = 2;
    public static final int MOV_RR64_REV = 3; // MOV r, r/m with a register r/m (gpr[reg] = gpr[rm])
    public static final int MOV_RR32_REV = 4;
    public static final int LOAD64 = 5; // MOV r, m
    public static final int LOAD32 = 6;
    public static final int STORE64 = 7; // MOV m, r
    public static final int STORE32 = 8;
    public static final int MOV_RI64 = 9; // MOV r, imm (either encoding, register destination)
    public static final int MOV_RI32 = 10;
    public static final int LEA64 = 11;
    public static final int LEA32 = 12;
    public static final int JCC = 13;
    public static final int MOVZX_B_R32 = 14; // MOVZX r32, r8 with r8 one of the low bytes
    public static final int MOVZX_B_M32 = 15;
    public static final int SHIFT_I64 = 16; // shift/rotate r by imm8
    public static final int SHIFT_I32 = 17;
    public static final int IMUL_RR64 = 18;
    public static final int IMUL_RR32 = 19;
    public static final int TEST_RR64 = 20;
    public static final int TEST_RR32 = 21;
    // ALU r/m, r (register r/m) and ALU r/m, imm (register r/m), by kind and size.
    public static final int ADD_RR64 = 22;
    public static final int ADD_RR32 = 23;
    public static final int SUB_RR64 = 24;
    public static final int SUB_RR32 = 25;
    public static final int AND_RR64 = 26;
    public static final int AND_RR32 = 27;
    public static final int OR_RR64 = 28;
    public static final int OR_RR32 = 29;
    public static final int XOR_RR64 = 30;
    public static final int XOR_RR32 = 31;
    public static final int CMP_RR64 = 32;
    public static final int CMP_RR32 = 33;
    public static final int ADD_RI64 = 34;
    public static final int ADD_RI32 = 35;
    public static final int SUB_RI64 = 36;
    public static final int SUB_RI32 = 37;
    public static final int AND_RI64 = 38;
    public static final int AND_RI32 = 39;
    public static final int OR_RI64 = 40;
    public static final int OR_RI32 = 41;
    public static final int XOR_RI64 = 42;
    public static final int XOR_RI32 = 43;
    public static final int CMP_RI64 = 44;
    public static final int CMP_RI32 = 45;
    public static final int JMP_REL = 46;

    private FastOp() {
    }

    /** The fast id of a decoded instruction, or {@link #GENERAL}. */
    static int classify(Op op, int sub, int osz, boolean hasMem, int rm, boolean lock, int rep) {
        if (lock || rep != Insn.REP_NONE) {
            return GENERAL;
        }
        if (op == Op.JCC) {
            return JCC;
        }
        if (op == Op.JMP_REL) {
            return JMP_REL;
        }
        if (osz != 8 && osz != 4) {
            return GENERAL;
        }
        boolean q = osz == 8;
        return switch (op) {
            case MOV_RM_R -> hasMem ? (q ? STORE64 : STORE32) : (q ? MOV_RR64 : MOV_RR32);
            case MOV_R_RM -> hasMem ? (q ? LOAD64 : LOAD32) : (q ? MOV_RR64_REV : MOV_RR32_REV);
            case MOV_R_I -> q ? MOV_RI64 : MOV_RI32;
            case LEA -> hasMem ? (q ? LEA64 : LEA32) : GENERAL;
            case MOVZX_B -> q ? GENERAL : hasMem ? MOVZX_B_M32 : rm < 16 ? MOVZX_B_R32 : GENERAL;
            case SHIFT_I -> hasMem ? GENERAL : q ? SHIFT_I64 : SHIFT_I32;
            case IMUL_R_RM -> hasMem ? GENERAL : q ? IMUL_RR64 : IMUL_RR32;
            case TEST_RM_R -> hasMem ? GENERAL : q ? TEST_RR64 : TEST_RR32;
            case ALU_RM_R -> hasMem ? GENERAL : alu(sub, q, ADD_RR64);
            case ALU_RM_I -> hasMem ? GENERAL : alu(sub, q, ADD_RI64);
            default -> GENERAL;
        };
    }

    /** ADD/SUB/AND/OR/XOR/CMP (ALU kinds 0, 5, 4, 1, 6, 7) in the block starting at {@code add64}. */
    private static int alu(int kind, boolean q, int add64) {
        int k = switch (kind) {
            case 0 -> 0;
            case 5 -> 2;
            case 4 -> 4;
            case 1 -> 6;
            case 6 -> 8;
            case 7 -> 10;
            default -> -1; // ADC, SBB
        };
        return k < 0 ? GENERAL : add64 + k + (q ? 0 : 1);
    }
}
