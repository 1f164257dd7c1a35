package org.vtsim.vmx.exit;

import org.vtsim.vmx.ExitReason;

/**
 * The VM-exit instruction-information field, SDM Vol. 3C 27.2.5 (Tables 27-8 to 27-14). The tables share
 * one layout for the memory operand and differ in which extra fields they use:
 *
 * <pre>
 *   1:0   scaling: 0 none, 1 by 2, 2 by 4, 3 by 8 (undefined without an index register)
 *   6:3   Reg1: register operand (LLDT/LTR/SLDT/STR, VMREAD/VMWRITE; RDRAND/RDSEED destination)
 *   9:7   address size: 0 16-bit, 1 32-bit, 2 64-bit
 *   10    0 memory operand, 1 register operand (tables that allow both)
 *   11    LGDT/LIDT/SGDT/SIDT: operand size 0 16-bit, 1 32-bit (undefined in 64-bit mode)
 *   12:11 RDRAND/RDSEED: operand size 0 16-bit, 1 32-bit, 2 64-bit
 *   17:15 segment register: 0 ES, 1 CS, 2 SS, 3 DS, 4 FS, 5 GS
 *   21:18 index register (22: invalid, i.e. none)
 *   26:23 base register (27: invalid, i.e. none)
 *   29:28 instruction identity (descriptor-table tables)
 *   31:28 Reg2 (INVEPT/INVPCID/INVVPID register operand; VMREAD source / VMWRITE destination encoding)
 * </pre>
 *
 * The builders are static and return the field value, so the CPU fills the field without allocating.
 * Fields a table marks "undefined" are left 0.
 */
public final class InstructionInformation {
    public static final int ADDRESS_SIZE_16 = 0;
    public static final int ADDRESS_SIZE_32 = 1;
    public static final int ADDRESS_SIZE_64 = 2;
    public static final int SEGMENT_ES = 0;
    public static final int SEGMENT_CS = 1;
    public static final int SEGMENT_SS = 2;
    public static final int SEGMENT_DS = 3;
    public static final int SEGMENT_FS = 4;
    public static final int SEGMENT_GS = 5;
    /** Index or base register absent: the builders set the "invalid" bit. */
    public static final int NO_REGISTER = -1;

    public static final int REGISTER_OPERAND = 1 << 10;
    public static final int DESCRIPTOR_OPERAND_SIZE_32 = 1 << 11;
    public static final int INDEX_INVALID = 1 << 22;
    public static final int BASE_INVALID = 1 << 27;

    /** Table 27-10 instruction identity. */
    public static final int SGDT = 0;
    public static final int SIDT = 1;
    public static final int LGDT = 2;
    public static final int LIDT = 3;
    /** Table 27-11 instruction identity. */
    public static final int SLDT = 0;
    public static final int STR = 1;
    public static final int LLDT = 2;
    public static final int LTR = 3;
    /** Table 27-12 operand sizes. */
    public static final int OPERAND_SIZE_16 = 0;
    public static final int OPERAND_SIZE_32 = 1;
    public static final int OPERAND_SIZE_64 = 2;

    /** Which of the SDM's tables an exit reason's field follows. */
    public enum Layout {
        /** Table 27-8; only when IA32_VMX_BASIC bit 54 reports INS/OUTS information. */
        INS_OUTS,
        /** Table 27-9: INVEPT, INVPCID, INVVPID. */
        INVALIDATION,
        /** Table 27-10: LIDT, LGDT, SIDT, SGDT. */
        GDTR_IDTR,
        /** Table 27-11: LLDT, LTR, SLDT, STR. */
        LDTR_TR,
        /** Table 27-12: RDRAND, RDSEED (and TPAUSE, UMWAIT). */
        RDRAND_RDSEED,
        /** Table 27-13: VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS, XSAVES. */
        MEMORY_ONLY,
        /** Table 27-14: VMREAD, VMWRITE. */
        VMREAD_VMWRITE;

        /** The layout of {@code reason}'s instruction information, or {@code null} if it saves none. */
        public static Layout of(ExitReason reason) {
            return switch (reason) {
                case IO_INSTRUCTION -> INS_OUTS;
                case INVEPT, INVPCID, INVVPID -> INVALIDATION;
                case ACCESS_TO_GDTR_OR_IDTR -> GDTR_IDTR;
                case ACCESS_TO_LDTR_OR_TR -> LDTR_TR;
                case RDRAND, RDSEED, TPAUSE, UMWAIT -> RDRAND_RDSEED;
                case VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS, XSAVES -> MEMORY_ONLY;
                case VMREAD, VMWRITE -> VMREAD_VMWRITE;
                default -> null;
            };
        }
    }

    private InstructionInformation() {
    }

    // ---- builders ----

    /**
     * The memory-operand bits: scaling (0–3), address size (ADDRESS_SIZE_*), segment (SEGMENT_*), index and
     * base register numbers (0–15 or {@link #NO_REGISTER}). Bit 10 is 0 (memory).
     */
    public static int memoryOperand(int scaling, int addressSize, int segment, int indexReg, int baseReg) {
        if ((scaling & ~3) != 0 || addressSize < 0 || addressSize > 2 || segment < 0 || segment > 5
                || indexReg < NO_REGISTER || indexReg > 15 || baseReg < NO_REGISTER || baseReg > 15) {
            throw new IllegalArgumentException("scaling " + scaling + " address size " + addressSize + " segment "
                    + segment + " index " + indexReg + " base " + baseReg);
        }
        return scaling | addressSize << 7 | segment << 15
                | (indexReg == NO_REGISTER ? INDEX_INVALID : indexReg << 18)
                | (baseReg == NO_REGISTER ? BASE_INVALID : baseReg << 23);
    }

    /** A register operand (bit 10 set) in Reg1; index and base are marked invalid as there are none. */
    public static int registerOperand(int reg1) {
        return withReg1(REGISTER_OPERAND | INDEX_INVALID | BASE_INVALID, reg1);
    }

    public static int withReg1(int info, int reg1) {
        checkRegister(reg1);
        return info & ~(15 << 3) | reg1 << 3;
    }

    public static int withReg2(int info, int reg2) {
        checkRegister(reg2);
        return info & ~(15 << 28) | reg2 << 28;
    }

    /** Bits 29:28, the instruction identity of Tables 27-10 and 27-11. */
    public static int withIdentity(int info, int identity) {
        if ((identity & ~3) != 0) {
            throw new IllegalArgumentException("identity " + identity);
        }
        return info & ~(3 << 28) | identity << 28;
    }

    /** Bit 11 of Table 27-10: LGDT/LIDT/SGDT/SIDT with a 32-bit operand size (outside 64-bit mode). */
    public static int withDescriptorOperandSize32(int info, boolean operandSize32) {
        return operandSize32 ? info | DESCRIPTOR_OPERAND_SIZE_32 : info & ~DESCRIPTOR_OPERAND_SIZE_32;
    }

    /** Table 27-8: INS/OUTS (the segment is undefined for INS, which always uses ES; pass SEGMENT_ES). */
    public static int insOuts(int addressSize, int segment) {
        if (addressSize < 0 || addressSize > 2 || segment < 0 || segment > 5) {
            throw new IllegalArgumentException("address size " + addressSize + " segment " + segment);
        }
        return addressSize << 7 | segment << 15;
    }

    /** Table 27-12: RDRAND/RDSEED destination register and operand size (OPERAND_SIZE_*). */
    public static int rdrandRdseed(int destinationReg, int operandSize) {
        checkRegister(destinationReg);
        if (operandSize < 0 || operandSize > 2) {
            throw new IllegalArgumentException("operand size " + operandSize);
        }
        return destinationReg << 3 | operandSize << 11;
    }

    private static void checkRegister(int reg) {
        if ((reg & ~15) != 0) {
            throw new IllegalArgumentException("register " + reg);
        }
    }

    // ---- decoders ----

    public static int scaling(long info) {
        return (int) info & 3;
    }

    public static int reg1(long info) {
        return (int) (info >>> 3) & 15;
    }

    public static int addressSize(long info) {
        return (int) (info >>> 7) & 7;
    }

    public static boolean isRegisterOperand(long info) {
        return (info & REGISTER_OPERAND) != 0;
    }

    public static boolean descriptorOperandSize32(long info) {
        return (info & DESCRIPTOR_OPERAND_SIZE_32) != 0;
    }

    public static int rdrandOperandSize(long info) {
        return (int) (info >>> 11) & 3;
    }

    public static int segment(long info) {
        return (int) (info >>> 15) & 7;
    }

    /** The index register, or {@link #NO_REGISTER} when bit 22 marks it invalid. */
    public static int indexReg(long info) {
        return (info & INDEX_INVALID) != 0 ? NO_REGISTER : (int) (info >>> 18) & 15;
    }

    /** The base register, or {@link #NO_REGISTER} when bit 27 marks it invalid. */
    public static int baseReg(long info) {
        return (info & BASE_INVALID) != 0 ? NO_REGISTER : (int) (info >>> 23) & 15;
    }

    public static int reg2(long info) {
        return (int) (info >>> 28) & 15;
    }

    public static int identity(long info) {
        return (int) (info >>> 28) & 3;
    }

    /** Address size in bits for code 0–2 (16, 32, 64). */
    public static int addressBits(int addressSize) {
        return switch (addressSize) {
            case ADDRESS_SIZE_16 -> 16;
            case ADDRESS_SIZE_32 -> 32;
            case ADDRESS_SIZE_64 -> 64;
            default -> throw new IllegalArgumentException("address size code " + addressSize + " (not used)");
        };
    }

    /**
     * The memory operand as text, e.g. "DS:[RBX + RCX*4 + disp]" (the displacement is in the exit
     * qualification, SDM 27.2.1).
     */
    public static String describeMemoryOperand(long info) {
        int code = addressSize(info);
        int bits = code <= 2 ? addressBits(code) : 64;
        StringBuilder s = new StringBuilder(X86Names.segment(segment(info))).append(":[");
        String sep = "";
        if (baseReg(info) != NO_REGISTER) {
            s.append(X86Names.gpr(baseReg(info), bits));
            sep = " + ";
        }
        if (indexReg(info) != NO_REGISTER) {
            s.append(sep).append(X86Names.gpr(indexReg(info), bits));
            if (scaling(info) != 0) {
                s.append('*').append(1 << scaling(info));
            }
            sep = " + ";
        }
        s.append(sep).append("disp], ").append(code <= 2 ? bits + "-bit address" : "address size code " + code);
        return s.toString();
    }

    /** E.g. for VMREAD: "VMREAD destination RAX, field encoding in RCX". */
    public static String describe(ExitReason reason, long info) {
        Layout layout = Layout.of(reason);
        if (layout == null) {
            throw new IllegalArgumentException(reason + " saves no VM-exit instruction information");
        }
        String name = reason.sdmName;
        return switch (layout) {
            case INS_OUTS -> "INS/OUTS, " + addressBitsText(info) + ", segment " + X86Names.segment(segment(info))
                    + " (undefined for INS)";
            case INVALIDATION -> name + " descriptor " + describeMemoryOperand(info) + ", type in "
                    + X86Names.gpr(reg2(info));
            case GDTR_IDTR -> new String[] {"SGDT", "SIDT", "LGDT", "LIDT"}[identity(info)] + " "
                    + describeMemoryOperand(info) + (descriptorOperandSize32(info)
                            ? ", 32-bit operand size" : ", 16-bit operand size (or 64-bit mode)");
            case LDTR_TR -> new String[] {"SLDT", "STR", "LLDT", "LTR"}[identity(info)] + " "
                    + (isRegisterOperand(info) ? X86Names.gpr(reg1(info)) : describeMemoryOperand(info));
            case RDRAND_RDSEED -> name + " to " + (rdrandOperandSize(info) <= 2
                    ? X86Names.gpr(reg1(info), 16 << rdrandOperandSize(info))
                    : X86Names.gpr(reg1(info)) + " (operand size code 3, not used)");
            case MEMORY_ONLY -> name + " " + describeMemoryOperand(info);
            case VMREAD_VMWRITE -> {
                String operand = isRegisterOperand(info) ? X86Names.gpr(reg1(info)) : describeMemoryOperand(info);
                yield reason == ExitReason.VMREAD
                        ? "VMREAD destination " + operand + ", field encoding in " + X86Names.gpr(reg2(info))
                        : "VMWRITE source " + operand + ", field encoding in " + X86Names.gpr(reg2(info));
            }
        };
    }

    private static String addressBitsText(long info) {
        int code = addressSize(info);
        return code <= 2 ? addressBits(code) + "-bit address" : "address size code " + code;
    }
}
