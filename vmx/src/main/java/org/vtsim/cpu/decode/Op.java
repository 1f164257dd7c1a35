package org.vtsim.cpu.decode;

/**
 * The dense operation id of a decoded instruction: the interpreter dispatches with one
 * {@code switch} on it. Several encodings share an id when they share semantics; the variant
 * (ALU kind, shift kind, condition code, operand form) sits in {@link Insn#sub}.
 *
 * <p>{@link #UNIMPLEMENTED} is an encoding the model does not implement (raises #UD and is
 * counted); {@link #INVALID} is an encoding the architecture itself rejects with #UD (SDM Vol. 2
 * opcode maps, "invalid in 64-bit mode", LOCK on a non-lockable instruction).
 */
public enum Op {
    UNIMPLEMENTED, INVALID,
    // Data movement.
    MOV_RM_R, MOV_R_RM, MOV_RM_I, MOV_R_I, MOV_ACC_MOFFS, MOV_MOFFS_ACC, MOV_RM_SREG, MOV_SREG_RM,
    MOVZX_B, MOVZX_W, MOVSX_B, MOVSX_W, MOVSXD, LEA, XCHG_RM_R, XCHG_ACC_R, BSWAP, CBW, CWD, XLAT, MOVBE_R_M,
    MOVBE_M_R,
    // Arithmetic and logic; sub = ALU kind (0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP).
    ALU_RM_R, ALU_R_RM, ALU_RM_I, TEST_RM_R, TEST_RM_I, INC, DEC, NEG, NOT,
    MUL, IMUL1, DIV, IDIV, IMUL_R_RM, IMUL_R_RM_I,
    // Shifts; sub = kind (0 ROL, 1 ROR, 2 RCL, 3 RCR, 4 SHL, 5 SHR, 6 SAL, 7 SAR).
    SHIFT_1, SHIFT_CL, SHIFT_I, SHLD_I, SHLD_CL, SHRD_I, SHRD_CL,
    // Bits; sub = 0 BT, 1 BTS, 2 BTR, 3 BTC.
    BT_RM_R, BT_RM_I, BSF, BSR, TZCNT, LZCNT, POPCNT,
    // Strings (REP/REPE/REPNE in Insn.rep).
    MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS,
    // Control flow; sub = condition code (SDM Vol. 1 Appendix B) where one applies.
    CMOV, SETCC, JCC, JMP_REL, JMP_RM, CALL_REL, CALL_RM, RET, RET_I, JMP_FAR, JMP_FAR_M, CALL_FAR, CALL_FAR_M,
    RETF, RETF_I, JRCXZ, LOOP, LOOPE, LOOPNE, IRET, INT3, INT_N, INTO, INT1,
    // Stack.
    PUSH_R, POP_R, PUSH_I, PUSH_RM, POP_RM, PUSH_SREG, POP_SREG, PUSHA, POPA, ENTER, LEAVE, PUSHF, POPF,
    // Atomics.
    CMPXCHG, CMPXCHG8B, CMPXCHG16B, XADD,
    // Miscellaneous.
    NOP, PAUSE, FENCE, CLFLUSH, UD2, CLI, STI, CLD, STD, CLC, STC, CMC, LAHF, SAHF, HLT, CLAC, STAC,
    IN_I, IN_DX, OUT_I, OUT_DX,
    // System.
    MOV_R_CR, MOV_CR_R, MOV_R_DR, MOV_DR_R, LGDT, LIDT, SGDT, SIDT, LLDT, SLDT, LTR, STR, LMSW, SMSW, CLTS,
    INVLPG, INVPCID, SWAPGS, CPUID, RDMSR, WRMSR, RDTSC, RDTSCP, SYSCALL, SYSRET, WBINVD, INVD,
    RDPMC, MONITOR, MWAIT, XSETBV, RDRAND, RDSEED,
    // VMX (SDM Vol. 3C ch. 31); executed by the VMX unit through org.vtsim.cpu.VmxPort.
    VMCALL, VMLAUNCH, VMRESUME, VMXOFF, VMFUNC, VMREAD, VMWRITE, VMPTRLD, VMPTRST, VMCLEAR, VMXON, INVEPT, INVVPID;

    /** Whether the operation is a VMX instruction. */
    public boolean isVmx() {
        return ordinal() >= VMCALL.ordinal();
    }

    private static final Op[] VALUES = values();

    public static Op of(int ordinal) {
        return VALUES[ordinal];
    }
}
