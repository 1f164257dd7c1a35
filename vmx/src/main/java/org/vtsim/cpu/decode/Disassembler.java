package org.vtsim.cpu.decode;

/**
 * Intel-syntax text for a decoded instruction, following {@code objdump -d -M intel} closely
 * enough that tests can compare the two after collapsing whitespace. Diagnostics only: never on
 * the execution path.
 */
final class Disassembler {
    private static final String[] R64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10",
        "r11", "r12", "r13", "r14", "r15"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d",
        "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w",
        "r11w", "r12w", "r13w", "r14w", "r15w"};
    private static final String[] R8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b",
        "r11b", "r12b", "r13b", "r14b", "r15b", "ah", "ch", "dh", "bh"};
    private static final String[] SREG = {"es", "cs", "ss", "ds", "fs", "gs"};
    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};
    private static final String[] BT = {"bt", "bts", "btr", "btc"};
    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le",
        "g"};

    private Disassembler() {
    }

    static String reg(int r, int size) {
        return switch (size) {
            case 1 -> R8[r];
            case 2 -> R16[r];
            case 4 -> R32[r];
            default -> R64[r];
        };
    }

    private static String ptr(int size) {
        return switch (size) {
            case 1 -> "BYTE PTR ";
            case 2 -> "WORD PTR ";
            case 4 -> "DWORD PTR ";
            case 8 -> "QWORD PTR ";
            case 10 -> "TBYTE PTR ";
            case 16 -> "XMMWORD PTR ";
            default -> "";
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static long mask(long v, int size) {
        return size == 8 ? v : v & ((1L << (size * 8)) - 1);
    }

    /** The memory operand without a size keyword. */
    private static String addr(Insn i, long address) {
        String[] names = i.asz == 8 ? R64 : R32;
        String seg = i.segOverride >= 0 ? SREG[i.segOverride] + ":" : "";
        if (i.base == -1 && i.index == -1) {
            return (seg.isEmpty() ? "ds:" : seg) + hex(mask(i.disp, i.asz));
        }
        StringBuilder sb = new StringBuilder(seg).append('[');
        if (i.base == Insn.RIP) {
            sb.append(i.asz == 8 ? "rip" : "eip");
        } else if (i.base >= 0) {
            sb.append(names[i.base]);
        }
        if (i.index >= 0) {
            if (i.base >= 0) {
                sb.append('+');
            }
            sb.append(names[i.index]).append('*').append(1 << i.scale);
        }
        if (i.disp != 0 || i.base == -1 || i.base == Insn.RIP) {
            long d = i.asz == 4 ? (int) i.disp : i.disp;
            if (i.base == -1) {
                sb.append('+').append(hex(d & 0xffffffffL));
            } else {
                sb.append(d < 0 ? "-" : "+").append(hex(Math.abs(d)));
            }
        }
        return sb.append(']').toString();
    }

    private static String rm(Insn i, int size, long address) {
        return i.hasMem ? ptr(size) + addr(i, address) : reg(i.rm, size);
    }

    private static String imm(long v, int size) {
        return hex(mask(v, size));
    }

    static String format(Insn i, long address) {
        int s = i.osz;
        String r = i.hasMem || i.op == Op.LEA ? null : null;
        long next = address + i.len;
        String prefix = (i.lock ? "lock " : "");
        String body = switch (i.op) {
            case UNIMPLEMENTED -> "(unimplemented " + i.what + ")";
            case INVALID -> "(bad " + i.what + ")";
            case MOV_RM_R -> "mov " + rm(i, s, address) + "," + reg(i.reg, s);
            case MOV_R_RM -> "mov " + reg(i.reg, s) + "," + rm(i, s, address);
            case MOV_RM_I -> "mov " + rm(i, s, address) + "," + imm(i.imm, s);
            case MOV_R_I -> (s == 8 && (i.imm >> 31 != 0 && i.imm >> 31 != -1 || i.len > 7) ? "movabs " : "mov ")
                    + reg(i.reg, s) + "," + imm(i.imm, s);
            case MOV_ACC_MOFFS -> "movabs " + reg(0, s) + "," + addr(i, address);
            case MOV_MOFFS_ACC -> "movabs " + addr(i, address) + "," + reg(0, s);
            case MOV_RM_SREG -> "mov " + rm(i, s, address) + "," + SREG[i.reg];
            case MOV_SREG_RM -> "mov " + SREG[i.reg] + "," + rm(i, i.hasMem ? 2 : 4, address);
            case MOVZX_B -> "movzx " + reg(i.reg, s) + "," + rm(i, 1, address);
            case MOVZX_W -> "movzx " + reg(i.reg, s) + "," + rm(i, 2, address);
            case MOVSX_B -> "movsx " + reg(i.reg, s) + "," + rm(i, 1, address);
            case MOVSX_W -> "movsx " + reg(i.reg, s) + "," + rm(i, 2, address);
            case MOVSXD -> "movsxd " + reg(i.reg, s) + "," + rm(i, 4, address);
            case MOVBE_R_M -> "movbe " + reg(i.reg, s) + "," + rm(i, s, address);
            case MOVBE_M_R -> "movbe " + rm(i, s, address) + "," + reg(i.reg, s);
            case LEA -> "lea " + reg(i.reg, s) + "," + addr(i, address);
            case XCHG_RM_R -> "xchg " + rm(i, s, address) + "," + reg(i.reg, s);
            case XCHG_ACC_R -> "xchg " + reg(i.reg, s) + "," + reg(0, s);
            case BSWAP -> "bswap " + reg(i.reg, s);
            case CBW -> s == 2 ? "cbw" : s == 4 ? "cwde" : "cdqe";
            case CWD -> s == 2 ? "cwd" : s == 4 ? "cdq" : "cqo";
            case XLAT -> "xlat BYTE PTR " + (i.segOverride >= 0 ? SREG[i.segOverride] : "ds") + ":["
                    + (i.asz == 8 ? "rbx" : "ebx") + "]";
            case ALU_RM_R -> ALU[i.sub] + " " + rm(i, s, address) + "," + reg(i.reg, s);
            case ALU_R_RM -> ALU[i.sub] + " " + reg(i.reg, s) + "," + rm(i, s, address);
            case ALU_RM_I -> ALU[i.sub] + " " + rm(i, s, address) + "," + imm(i.imm, s);
            case TEST_RM_R -> "test " + rm(i, s, address) + "," + reg(i.reg, s);
            case TEST_RM_I -> "test " + rm(i, s, address) + "," + imm(i.imm, s);
            case INC -> "inc " + rm(i, s, address);
            case DEC -> "dec " + rm(i, s, address);
            case NEG -> "neg " + rm(i, s, address);
            case NOT -> "not " + rm(i, s, address);
            case MUL -> "mul " + rm(i, s, address);
            case IMUL1 -> "imul " + rm(i, s, address);
            case DIV -> "div " + rm(i, s, address);
            case IDIV -> "idiv " + rm(i, s, address);
            case IMUL_R_RM -> "imul " + reg(i.reg, s) + "," + rm(i, s, address);
            case IMUL_R_RM_I -> "imul " + reg(i.reg, s) + "," + rm(i, s, address) + "," + imm(i.imm, s);
            case SHIFT_1 -> SHIFT[i.sub] + " " + rm(i, s, address) + ",1";
            case SHIFT_CL -> SHIFT[i.sub] + " " + rm(i, s, address) + ",cl";
            case SHIFT_I -> SHIFT[i.sub] + " " + rm(i, s, address) + "," + hex(i.imm & 0xff);
            case SHLD_I -> "shld " + rm(i, s, address) + "," + reg(i.reg, s) + "," + hex(i.imm & 0xff);
            case SHLD_CL -> "shld " + rm(i, s, address) + "," + reg(i.reg, s) + ",cl";
            case SHRD_I -> "shrd " + rm(i, s, address) + "," + reg(i.reg, s) + "," + hex(i.imm & 0xff);
            case SHRD_CL -> "shrd " + rm(i, s, address) + "," + reg(i.reg, s) + ",cl";
            case BT_RM_R -> BT[i.sub] + " " + rm(i, s, address) + "," + reg(i.reg, s);
            case BT_RM_I -> BT[i.sub] + " " + rm(i, s, address) + "," + hex(i.imm & 0xff);
            case BSF -> "bsf " + reg(i.reg, s) + "," + rm(i, s, address);
            case BSR -> "bsr " + reg(i.reg, s) + "," + rm(i, s, address);
            case TZCNT -> "tzcnt " + reg(i.reg, s) + "," + rm(i, s, address);
            case LZCNT -> "lzcnt " + reg(i.reg, s) + "," + rm(i, s, address);
            case POPCNT -> "popcnt " + reg(i.reg, s) + "," + rm(i, s, address);
            case MOVS -> rep(i, false) + "movs " + ptr(s) + "es:[" + idx(i, 7) + "]," + ptr(s) + srcSeg(i) + ":["
                    + idx(i, 6) + "]";
            case CMPS -> rep(i, true) + "cmps " + ptr(s) + srcSeg(i) + ":[" + idx(i, 6) + "]," + ptr(s) + "es:["
                    + idx(i, 7) + "]";
            case STOS -> rep(i, false) + "stos " + ptr(s) + "es:[" + idx(i, 7) + "]," + reg(0, s);
            case LODS -> rep(i, false) + "lods " + reg(0, s) + "," + ptr(s) + srcSeg(i) + ":[" + idx(i, 6) + "]";
            case SCAS -> rep(i, true) + "scas " + reg(0, s) + "," + ptr(s) + "es:[" + idx(i, 7) + "]";
            case INS -> rep(i, false) + "ins " + ptr(s) + "es:[" + idx(i, 7) + "],dx";
            case OUTS -> rep(i, false) + "outs dx," + ptr(s) + srcSeg(i) + ":[" + idx(i, 6) + "]";
            case CMOV -> "cmov" + CC[i.sub] + " " + reg(i.reg, s) + "," + rm(i, s, address);
            case SETCC -> "set" + CC[i.sub] + " " + rm(i, 1, address);
            case JCC -> "j" + CC[i.sub] + " " + hex(target(i, next));
            case JMP_REL -> "jmp " + hex(target(i, next));
            case CALL_REL -> "call " + hex(target(i, next));
            case JMP_RM -> "jmp " + rm(i, s, address);
            case CALL_RM -> "call " + rm(i, s, address);
            case JRCXZ -> (i.asz == 8 ? "jrcxz " : i.asz == 4 ? "jecxz " : "jcxz ") + hex(target(i, next));
            case LOOP -> "loop " + hex(target(i, next));
            case LOOPE -> "loope " + hex(target(i, next));
            case LOOPNE -> "loopne " + hex(target(i, next));
            case RET -> "ret";
            case RET_I -> "ret " + hex(i.imm);
            case RETF -> "retf";
            case RETF_I -> "retf " + hex(i.imm);
            case JMP_FAR -> "jmp " + hex(i.imm2) + "," + hex(i.imm);
            case CALL_FAR -> "call " + hex(i.imm2) + "," + hex(i.imm);
            case JMP_FAR_M -> "jmp FWORD PTR " + addr(i, address);
            case CALL_FAR_M -> "call FWORD PTR " + addr(i, address);
            case IRET -> s == 2 ? "iret" : s == 4 ? "iret" : "iretq";
            case INT3 -> "int3";
            case INT_N -> "int " + hex(i.imm);
            case INTO -> "into";
            case INT1 -> "int1";
            case PUSH_R -> "push " + reg(i.reg, s);
            case POP_R -> "pop " + reg(i.reg, s);
            case PUSH_I -> "push " + imm(i.imm, s);
            case PUSH_RM -> "push " + rm(i, s, address);
            case POP_RM -> "pop " + rm(i, s, address);
            case PUSH_SREG -> "push " + SREG[i.reg];
            case POP_SREG -> "pop " + SREG[i.reg];
            case PUSHA -> s == 2 ? "pusha" : "pusha";
            case POPA -> "popa";
            case ENTER -> "enter " + hex(i.imm) + "," + hex(i.imm2);
            case LEAVE -> "leave";
            case PUSHF -> "pushf";
            case POPF -> "popf";
            case CMPXCHG -> "cmpxchg " + rm(i, s, address) + "," + reg(i.reg, s);
            case CMPXCHG8B -> "cmpxchg8b QWORD PTR " + addr(i, address);
            case CMPXCHG16B -> "cmpxchg16b OWORD PTR " + addr(i, address);
            case XADD -> "xadd " + rm(i, s, address) + "," + reg(i.reg, s);
            case NOP -> i.len == 1 ? "nop" : i.hasMem || i.len > 2 ? "nop " + rm(i, s, address) : "nop";
            case PAUSE -> "pause";
            case FENCE -> i.sub == 5 ? "lfence" : i.sub == 6 ? "mfence" : "sfence";
            case CLFLUSH -> (i.prefix66 ? "clflushopt " : "clflush ") + "BYTE PTR " + addr(i, address);
            case UD2 -> "ud2";
            case CLI -> "cli";
            case STI -> "sti";
            case CLD -> "cld";
            case STD -> "std";
            case CLC -> "clc";
            case STC -> "stc";
            case CMC -> "cmc";
            case LAHF -> "lahf";
            case SAHF -> "sahf";
            case HLT -> "hlt";
            case CLAC -> "clac";
            case STAC -> "stac";
            case IN_I -> "in " + reg(0, s) + "," + hex(i.imm);
            case IN_DX -> "in " + reg(0, s) + ",dx";
            case OUT_I -> "out " + hex(i.imm) + "," + reg(0, s);
            case OUT_DX -> "out dx," + reg(0, s);
            case MOV_R_CR -> "mov " + reg(i.rm, s) + ",cr" + i.reg;
            case MOV_CR_R -> "mov cr" + i.reg + "," + reg(i.rm, s);
            case MOV_R_DR -> "mov " + reg(i.rm, s) + ",db" + i.reg;
            case MOV_DR_R -> "mov db" + i.reg + "," + reg(i.rm, s);
            case LGDT -> "lgdt " + addr(i, address);
            case LIDT -> "lidt " + addr(i, address);
            case SGDT -> "sgdt " + addr(i, address);
            case SIDT -> "sidt " + addr(i, address);
            case LLDT -> "lldt " + rm(i, 2, address);
            case SLDT -> "sldt " + rm(i, i.hasMem ? 2 : s, address);
            case LTR -> "ltr " + rm(i, 2, address);
            case STR -> "str " + rm(i, i.hasMem ? 2 : s, address);
            case LMSW -> "lmsw " + rm(i, 2, address);
            case SMSW -> "smsw " + rm(i, i.hasMem ? 2 : s, address);
            case CLTS -> "clts";
            case INVLPG -> "invlpg BYTE PTR " + addr(i, address);
            case INVPCID -> "invpcid " + reg(i.reg, s) + ",XMMWORD PTR " + addr(i, address);
            case SWAPGS -> "swapgs";
            case CPUID -> "cpuid";
            case RDMSR -> "rdmsr";
            case WRMSR -> "wrmsr";
            case RDTSC -> "rdtsc";
            case RDTSCP -> "rdtscp";
            case SYSCALL -> "syscall";
            case SYSRET -> i.osz == 8 ? "sysretq" : "sysret";
            case WBINVD -> "wbinvd";
            case INVD -> "invd";
            case RDPMC -> "rdpmc";
            case MONITOR -> i.asz == 8 ? "monitor rax,ecx,edx" : i.asz == 4 ? "monitor eax,ecx,edx" : "monitor ax,ecx,edx";
            case MWAIT -> "mwait eax,ecx";
            case XSETBV -> "xsetbv";
            case RDRAND -> "rdrand " + reg(i.rm, s);
            case RDSEED -> "rdseed " + reg(i.rm, s);
            case VMCALL -> "vmcall";
            case VMLAUNCH -> "vmlaunch";
            case VMRESUME -> "vmresume";
            case VMXOFF -> "vmxoff";
            case VMFUNC -> "vmfunc";
            case VMREAD -> "vmread " + rm(i, s, address) + "," + reg(i.reg, s);
            case VMWRITE -> "vmwrite " + reg(i.reg, s) + "," + rm(i, s, address);
            case VMPTRLD -> "vmptrld QWORD PTR " + addr(i, address);
            case VMPTRST -> "vmptrst QWORD PTR " + addr(i, address);
            case VMCLEAR -> "vmclear QWORD PTR " + addr(i, address);
            case VMXON -> "vmxon QWORD PTR " + addr(i, address);
            case INVEPT -> "invept " + reg(i.reg, s) + ",OWORD PTR " + addr(i, address);
            case INVVPID -> "invvpid " + reg(i.reg, s) + ",OWORD PTR " + addr(i, address);
        };
        if (i.hasMem && i.base == Insn.RIP) {
            body += "        # " + hex(mask(address + i.len + i.disp, i.asz));
        }
        return prefix + body;
    }

    private static String rep(Insn i, boolean compares) {
        if (i.rep == Insn.REP_E) {
            return compares ? "repz " : "rep ";
        }
        if (i.rep == Insn.REP_NE) {
            return compares ? "repnz " : "repnz ";
        }
        return "";
    }

    private static String idx(Insn i, int r) {
        return i.asz == 8 ? R64[r] : R32[r];
    }

    private static String srcSeg(Insn i) {
        return i.segOverride >= 0 ? SREG[i.segOverride] : "ds";
    }

    private static long target(Insn i, long next) {
        long t = next + i.imm;
        return i.mode64 ? t : i.osz == 2 ? t & 0xffff : t & 0xffffffffL;
    }
}
