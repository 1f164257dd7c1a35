package org.vtsim.cpu.decode;

import org.vtsim.cpu.CpuFault;

/**
 * Decodes one x86 instruction (SDM Vol. 2A ch. 2, opcode maps in Vol. 2D Appendix A) into an
 * {@link Insn}. Not thread-safe: holds scratch state between the fields it parses; the CPU owns
 * one instance.
 *
 * <p>An encoding longer than 15 bytes raises #GP(0) (SDM Vol. 2A 2.3.11). Encodings the model
 * lacks decode to {@link Op#UNIMPLEMENTED}; architecturally invalid ones to {@link Op#INVALID}.
 */
public final class Decoder {
    /** Whether F3 0F BC decodes as TZCNT (CPUID.(EAX=07H,ECX=0):EBX.BMI1). */
    private final boolean tzcnt;
    /** Whether F3 0F BD decodes as LZCNT (CPUID.80000001H:ECX.LZCNT). */
    private final boolean lzcnt;

    /** A decoder for a CPU with LZCNT and without BMI1, as the default CPUID model advertises. */
    public Decoder() {
        this(false, true);
    }

    public Decoder(boolean tzcnt, boolean lzcnt) {
        this.tzcnt = tzcnt;
        this.lzcnt = lzcnt;
    }

    /** Supplies instruction bytes; may throw a fetch fault (#PF) for bytes actually needed. */
    @FunctionalInterface
    public interface ByteSource {
        /** The byte at offset {@code i} (0-14) from the instruction start, 0-255. */
        int byteAt(int i);
    }

    private static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    private ByteSource src;
    private int pos;
    /** The longest encoding (SDM Vol. 2A 2.3.11). */
    public static final int MAX_LENGTH = 15;
    private final byte[] buf = new byte[MAX_LENGTH];

    // Scratch fields read by the Insn constructor.
    int sub;
    int osz;
    int asz;
    int rep;
    boolean lock;
    int seg;
    int segOverride;
    boolean hasMem;
    int reg;
    int rm;
    int base;
    int index;
    int scale;
    long disp;
    long imm;
    int imm2;
    int rex;
    boolean mode64;
    boolean p66;
    boolean crossed;
    private int mod;
    private int regField;
    private int rmField;
    /** Offset of the instruction start within its page, to note page crossings. */
    private int pageOffset;

    /**
     * Decodes one instruction.
     *
     * @param mode64 64-bit mode (IA-32e with CS.L = 1)
     * @param default32 CS.D = 1 (or 64-bit mode): default operand and address size 32
     * @param pageOffset offset of the first byte within its 4 KiB page
     */
    public Insn decode(ByteSource source, boolean mode64, boolean default32, int pageOffset) {
        this.src = source;
        this.pos = 0;
        this.pageOffset = pageOffset;
        this.mode64 = mode64;
        sub = 0;
        rep = 0;
        lock = false;
        segOverride = -1;
        hasMem = false;
        reg = 0;
        rm = 0;
        base = -1;
        index = -1;
        scale = 0;
        disp = 0;
        imm = 0;
        imm2 = 0;
        rex = 0;
        p66 = false;
        crossed = false;
        mod = 3;
        boolean p67 = false;
        int b;
        for (;;) {
            b = next();
            switch (b) {
                case 0x66 -> p66 = true;
                case 0x67 -> p67 = true;
                case 0xf0 -> lock = true;
                case 0xf2 -> rep = Insn.REP_NE;
                case 0xf3 -> rep = Insn.REP_E;
                case 0x26 -> segOverride = ES;
                case 0x2e -> segOverride = CS;
                case 0x36 -> segOverride = SS;
                case 0x3e -> segOverride = DS;
                case 0x64 -> segOverride = FS;
                case 0x65 -> segOverride = GS;
                default -> {
                    if (mode64 && (b & 0xf0) == 0x40) {
                        rex = b; // a later REX wins
                        continue;
                    }
                }
            }
            if (!isLegacyPrefix(b)) {
                break;
            }
            rex = 0; // a legacy prefix after REX makes the REX ignored (SDM Vol. 2A 2.2.1)
        }
        if (mode64) {
            osz = (rex & 8) != 0 ? 8 : p66 ? 2 : 4;
            asz = p67 ? 4 : 8;
        } else {
            osz = default32 != p66 ? 4 : 2;
            asz = default32 != p67 ? 4 : 2;
        }
        seg = segOverride >= 0 ? segOverride : DS;
        Op op;
        try {
            op = b == 0x0f ? twoByte() : oneByte(b);
        } catch (Unimplemented u) {
            return finish(u.invalid ? Op.INVALID : Op.UNIMPLEMENTED, u.what);
        }
        if (lock && !lockable(op)) {
            return finish(Op.INVALID, "lock " + op.name().toLowerCase());
        }
        return finish(op, null);
    }

    private static boolean isLegacyPrefix(int b) {
        return switch (b) {
            case 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 -> true;
            default -> false;
        };
    }

    /** SDM Vol. 2A, LOCK: only these, and only with a memory destination; otherwise #UD. */
    private boolean lockable(Op op) {
        if (!hasMem) {
            return false;
        }
        return switch (op) {
            case ALU_RM_R, ALU_RM_I -> sub != 7;
            case INC, DEC, NEG, NOT, XCHG_RM_R, CMPXCHG, CMPXCHG8B, CMPXCHG16B, XADD -> true;
            case BT_RM_R, BT_RM_I -> sub != 0;
            default -> false;
        };
    }

    private Insn finish(Op op, String what) {
        byte[] bytes = new byte[pos];
        System.arraycopy(buf, 0, bytes, 0, pos);
        return new Insn(this, op, pos, bytes, what);
    }

    private int next() {
        if (pos >= MAX_LENGTH) {
            throw CpuFault.gp(0);
        }
        int v = src.byteAt(pos) & 0xff;
        if (pageOffset + pos >= 4096) {
            crossed = true;
        }
        buf[pos++] = (byte) v;
        return v;
    }

    private long imm8() {
        return (byte) next();
    }

    private long imm16() {
        int lo = next();
        return (short) (lo | next() << 8);
    }

    private long imm32() {
        int v = next();
        v |= next() << 8;
        v |= next() << 16;
        v |= next() << 24;
        return v;
    }

    private long imm64() {
        long lo = imm32() & 0xffffffffL;
        return lo | imm32() << 32;
    }

    /** Iz: 16 or 32 bits, sign-extended to 64 for 64-bit operand size. */
    private long immZ() {
        return osz == 2 ? imm16() : imm32();
    }

    private static final class Unimplemented extends RuntimeException {
        final String what;
        final boolean invalid;

        Unimplemented(String what, boolean invalid) {
            super(what, null, false, false);
            this.what = what;
            this.invalid = invalid;
        }
    }

    private Unimplemented unimpl(String what) {
        return new Unimplemented(what, false);
    }

    private Unimplemented invalid(String what) {
        return new Unimplemented(what, true);
    }

    private Unimplemented unimplOpcode(int b, String name) {
        return unimpl(String.format("%02x %s", b, name));
    }

    private Unimplemented unimpl0f(int b, String name) {
        return unimpl(String.format("0f %02x %s", b, name));
    }

    /** A general register operand in the reg field; for byte operands AH-BH map to 16-19. */
    private int byteReg(int r) {
        return rex == 0 && r >= 4 && r < 8 ? r + 12 : r;
    }

    /** Reads ModRM (and SIB, displacement) and fills reg/rm/base/index/disp. */
    private void modrm() {
        int m = next();
        mod = m >>> 6;
        regField = (m >>> 3) & 7;
        rmField = m & 7;
        reg = regField | ((rex & 4) << 1);
        if (mod == 3) {
            rm = rmField | ((rex & 1) << 3);
            return;
        }
        hasMem = true;
        if (asz == 2) {
            throw unimpl("16-bit addressing");
        }
        int defSeg = DS;
        if (rmField == 4) {
            int sib = next();
            scale = sib >>> 6;
            int idx = ((sib >>> 3) & 7) | ((rex & 2) << 2);
            index = idx == 4 ? -1 : idx;
            int bs = sib & 7;
            if (bs == 5 && mod == 0) {
                base = -1;
                disp = imm32();
            } else {
                base = bs | ((rex & 1) << 3);
                if (bs == 4 || bs == 5) {
                    defSeg = SS;
                }
            }
        } else if (rmField == 5 && mod == 0) {
            base = mode64 ? Insn.RIP : -1;
            disp = imm32();
        } else {
            base = rmField | ((rex & 1) << 3);
            if (rmField == 5) {
                defSeg = SS;
            }
        }
        if (mod == 1) {
            disp = imm8();
        } else if (mod == 2) {
            disp = imm32();
        }
        seg = segOverride >= 0 ? segOverride : defSeg;
    }

    /** ModRM whose operands are both byte-sized (Eb, Gb). */
    private void modrmB() {
        modrm();
        reg = byteReg(reg);
        if (!hasMem) {
            rm = byteReg(rm);
        }
    }

    /** ModRM with a byte-sized r/m only (Eb with Gv, SETcc). */
    private void modrmRmB() {
        modrm();
        if (!hasMem) {
            rm = byteReg(rm);
        }
    }

    private void needMem(String what) {
        if (!hasMem) {
            throw invalid(what + " with a register operand");
        }
    }

    private void not64(int b, String name) {
        if (mode64) {
            throw invalid(String.format("%02x %s in 64-bit mode", b, name));
        }
    }

    /** Operand size of instructions that default to 64 bits in 64-bit mode (SDM Vol. 2A 2.2.1.7). */
    private void default64() {
        if (mode64) {
            osz = p66 ? 2 : 8;
        }
    }

    /** Near branches: 64 bits in 64-bit mode regardless of 66 (Intel behaviour). */
    private void force64() {
        if (mode64) {
            osz = 8;
        }
    }

    private Op oneByte(int b) {
        if (b < 0x40 && (b & 7) < 6) {
            sub = b >>> 3;
            switch (b & 7) {
                case 0 -> { osz = 1; modrmB(); return Op.ALU_RM_R; }
                case 1 -> { modrm(); return Op.ALU_RM_R; }
                case 2 -> { osz = 1; modrmB(); return Op.ALU_R_RM; }
                case 3 -> { modrm(); return Op.ALU_R_RM; }
                case 4 -> { osz = 1; rm = 0; imm = imm8(); return Op.ALU_RM_I; }
                default -> { rm = 0; imm = immZ(); return Op.ALU_RM_I; }
            }
        }
        if (b >= 0x40 && b <= 0x4f) { // INC/DEC r (32-bit mode only; REX in 64-bit mode)
            rm = b & 7;
            return b < 0x48 ? Op.INC : Op.DEC;
        }
        if (b >= 0x50 && b <= 0x57) {
            default64();
            reg = (b & 7) | ((rex & 1) << 3);
            return Op.PUSH_R;
        }
        if (b >= 0x58 && b <= 0x5f) {
            default64();
            reg = (b & 7) | ((rex & 1) << 3);
            return Op.POP_R;
        }
        if (b >= 0x70 && b <= 0x7f) {
            force64();
            sub = b & 0xf;
            imm = imm8();
            return Op.JCC;
        }
        if (b >= 0x91 && b <= 0x97 || b == 0x90 && (rex & 1) != 0) {
            reg = (b & 7) | ((rex & 1) << 3);
            return Op.XCHG_ACC_R;
        }
        if (b >= 0xb0 && b <= 0xb7) {
            osz = 1;
            reg = byteReg((b & 7) | ((rex & 1) << 3));
            imm = imm8();
            return Op.MOV_R_I;
        }
        if (b >= 0xb8 && b <= 0xbf) {
            reg = (b & 7) | ((rex & 1) << 3);
            imm = osz == 8 ? imm64() : osz == 4 ? imm32() : imm16();
            return Op.MOV_R_I;
        }
        if (b >= 0xd8 && b <= 0xdf) {
            throw unimplOpcode(b, "x87");
        }
        switch (b) {
            case 0x06, 0x0e, 0x16, 0x1e -> {
                not64(b, "push sreg");
                reg = b >>> 3;
                return Op.PUSH_SREG;
            }
            case 0x07, 0x17, 0x1f -> {
                not64(b, "pop sreg");
                reg = b >>> 3;
                return Op.POP_SREG;
            }
            case 0x27, 0x2f, 0x37, 0x3f -> {
                not64(b, "bcd");
                throw unimplOpcode(b, "bcd-adjust");
            }
            case 0x60 -> { not64(b, "pusha"); return Op.PUSHA; }
            case 0x61 -> { not64(b, "popa"); return Op.POPA; }
            case 0x62 -> {
                if (mode64) {
                    throw unimplOpcode(b, "evex");
                }
                throw unimplOpcode(b, "bound");
            }
            case 0x63 -> {
                if (!mode64) {
                    throw unimplOpcode(b, "arpl");
                }
                modrm();
                return Op.MOVSXD;
            }
            case 0x68 -> { default64(); imm = immZ(); return Op.PUSH_I; }
            case 0x69 -> { modrm(); imm = immZ(); return Op.IMUL_R_RM_I; }
            case 0x6a -> { default64(); imm = imm8(); return Op.PUSH_I; }
            case 0x6b -> { modrm(); imm = imm8(); return Op.IMUL_R_RM_I; }
            case 0x6c -> { osz = 1; return Op.INS; }
            case 0x6d -> { osz = Math.min(osz, 4); return Op.INS; }
            case 0x6e -> { osz = 1; return Op.OUTS; }
            case 0x6f -> { osz = Math.min(osz, 4); return Op.OUTS; }
            case 0x80, 0x82 -> {
                if (b == 0x82) {
                    not64(b, "grp1");
                }
                osz = 1;
                modrmRmB();
                sub = regField;
                imm = imm8();
                return Op.ALU_RM_I;
            }
            case 0x81 -> { modrm(); sub = regField; imm = immZ(); return Op.ALU_RM_I; }
            case 0x83 -> { modrm(); sub = regField; imm = imm8(); return Op.ALU_RM_I; }
            case 0x84 -> { osz = 1; modrmB(); return Op.TEST_RM_R; }
            case 0x85 -> { modrm(); return Op.TEST_RM_R; }
            case 0x86 -> { osz = 1; modrmB(); return Op.XCHG_RM_R; }
            case 0x87 -> { modrm(); return Op.XCHG_RM_R; }
            case 0x88 -> { osz = 1; modrmB(); return Op.MOV_RM_R; }
            case 0x89 -> { modrm(); return Op.MOV_RM_R; }
            case 0x8a -> { osz = 1; modrmB(); return Op.MOV_R_RM; }
            case 0x8b -> { modrm(); return Op.MOV_R_RM; }
            case 0x8c -> {
                modrm();
                reg = regField;
                if (reg > 5) {
                    throw invalid("8c bad sreg");
                }
                if (hasMem) {
                    osz = 2;
                }
                return Op.MOV_RM_SREG;
            }
            case 0x8d -> {
                modrm();
                if (!hasMem) {
                    throw invalid("8d lea with a register operand");
                }
                return Op.LEA;
            }
            case 0x8e -> {
                modrm();
                reg = regField;
                if (reg > 5 || reg == CS) {
                    throw invalid("8e bad sreg");
                }
                osz = 2;
                return Op.MOV_SREG_RM;
            }
            case 0x8f -> {
                default64();
                modrm();
                if (regField != 0) {
                    throw unimplOpcode(b, "xop");
                }
                return Op.POP_RM;
            }
            case 0x90 -> { return rep == Insn.REP_E ? Op.PAUSE : Op.NOP; }
            case 0x98 -> { return Op.CBW; }
            case 0x99 -> { return Op.CWD; }
            case 0x9a -> {
                not64(b, "callf");
                imm = osz == 2 ? imm16() & 0xffff : imm32() & 0xffffffffL;
                imm2 = (int) imm16() & 0xffff;
                return Op.CALL_FAR;
            }
            case 0x9b -> throw unimplOpcode(b, "fwait");
            case 0x9c -> { default64(); return Op.PUSHF; }
            case 0x9d -> { default64(); return Op.POPF; }
            case 0x9e -> { return Op.SAHF; }
            case 0x9f -> { return Op.LAHF; }
            case 0xa0, 0xa1, 0xa2, 0xa3 -> {
                if ((b & 1) == 0) {
                    osz = 1;
                }
                hasMem = true;
                disp = asz == 8 ? imm64() : asz == 4 ? imm32() & 0xffffffffL : imm16() & 0xffff;
                return b < 0xa2 ? Op.MOV_ACC_MOFFS : Op.MOV_MOFFS_ACC;
            }
            case 0xa4, 0xa5 -> { stringSize(b); return Op.MOVS; }
            case 0xa6, 0xa7 -> { stringSize(b); return Op.CMPS; }
            case 0xa8 -> { osz = 1; rm = 0; imm = imm8(); return Op.TEST_RM_I; }
            case 0xa9 -> { rm = 0; imm = immZ(); return Op.TEST_RM_I; }
            case 0xaa, 0xab -> { stringSize(b); return Op.STOS; }
            case 0xac, 0xad -> { stringSize(b); return Op.LODS; }
            case 0xae, 0xaf -> { stringSize(b); return Op.SCAS; }
            case 0xc0 -> { osz = 1; modrmRmB(); sub = regField; imm = imm8() & 0xff; return Op.SHIFT_I; }
            case 0xc1 -> { modrm(); sub = regField; imm = imm8() & 0xff; return Op.SHIFT_I; }
            case 0xc2 -> { force64(); imm = imm16() & 0xffff; return Op.RET_I; }
            case 0xc3 -> { force64(); return Op.RET; }
            case 0xc4, 0xc5 -> {
                if (mode64) {
                    throw unimplOpcode(b, "vex");
                }
                throw unimplOpcode(b, b == 0xc4 ? "les" : "lds");
            }
            case 0xc6, 0xc7 -> {
                if (b == 0xc6) {
                    osz = 1;
                    modrmRmB();
                } else {
                    modrm();
                }
                if (regField != 0) {
                    throw unimplOpcode(b, "grp11 /" + regField);
                }
                imm = b == 0xc6 ? imm8() : immZ();
                return Op.MOV_RM_I;
            }
            case 0xc8 -> {
                default64();
                imm = imm16() & 0xffff;
                imm2 = next();
                return Op.ENTER;
            }
            case 0xc9 -> { default64(); return Op.LEAVE; }
            case 0xca -> { imm = imm16() & 0xffff; return Op.RETF_I; }
            case 0xcb -> { return Op.RETF; }
            case 0xcc -> { return Op.INT3; }
            case 0xcd -> { imm = next(); return Op.INT_N; }
            case 0xce -> { not64(b, "into"); return Op.INTO; }
            case 0xcf -> { return Op.IRET; }
            case 0xd0 -> { osz = 1; modrmRmB(); sub = regField; return Op.SHIFT_1; }
            case 0xd1 -> { modrm(); sub = regField; return Op.SHIFT_1; }
            case 0xd2 -> { osz = 1; modrmRmB(); sub = regField; return Op.SHIFT_CL; }
            case 0xd3 -> { modrm(); sub = regField; return Op.SHIFT_CL; }
            case 0xd4, 0xd5 -> {
                not64(b, "aam/aad");
                throw unimplOpcode(b, b == 0xd4 ? "aam" : "aad");
            }
            case 0xd6 -> throw invalid("d6 salc");
            case 0xd7 -> { osz = 1; hasMem = true; return Op.XLAT; }
            case 0xe0, 0xe1, 0xe2, 0xe3 -> {
                force64();
                imm = imm8();
                return switch (b) {
                    case 0xe0 -> Op.LOOPNE;
                    case 0xe1 -> Op.LOOPE;
                    case 0xe2 -> Op.LOOP;
                    default -> Op.JRCXZ;
                };
            }
            case 0xe4 -> { osz = 1; imm = next(); return Op.IN_I; }
            case 0xe5 -> { osz = Math.min(osz, 4); imm = next(); return Op.IN_I; }
            case 0xe6 -> { osz = 1; imm = next(); return Op.OUT_I; }
            case 0xe7 -> { osz = Math.min(osz, 4); imm = next(); return Op.OUT_I; }
            case 0xe8 -> { force64(); imm = mode64 ? imm32() : immZ(); return Op.CALL_REL; }
            case 0xe9 -> { force64(); imm = mode64 ? imm32() : immZ(); return Op.JMP_REL; }
            case 0xea -> {
                not64(b, "jmpf");
                imm = osz == 2 ? imm16() & 0xffff : imm32() & 0xffffffffL;
                imm2 = (int) imm16() & 0xffff;
                return Op.JMP_FAR;
            }
            case 0xeb -> { force64(); imm = imm8(); return Op.JMP_REL; }
            case 0xec -> { osz = 1; return Op.IN_DX; }
            case 0xed -> { osz = Math.min(osz, 4); return Op.IN_DX; }
            case 0xee -> { osz = 1; return Op.OUT_DX; }
            case 0xef -> { osz = Math.min(osz, 4); return Op.OUT_DX; }
            case 0xf1 -> { return Op.INT1; }
            case 0xf4 -> { return Op.HLT; }
            case 0xf5 -> { return Op.CMC; }
            case 0xf6, 0xf7 -> {
                if (b == 0xf6) {
                    osz = 1;
                    modrmRmB();
                } else {
                    modrm();
                }
                sub = regField;
                switch (regField) {
                    case 0, 1 -> {
                        imm = b == 0xf6 ? imm8() : immZ();
                        return Op.TEST_RM_I;
                    }
                    case 2 -> { return Op.NOT; }
                    case 3 -> { return Op.NEG; }
                    case 4 -> { return Op.MUL; }
                    case 5 -> { return Op.IMUL1; }
                    case 6 -> { return Op.DIV; }
                    default -> { return Op.IDIV; }
                }
            }
            case 0xf8 -> { return Op.CLC; }
            case 0xf9 -> { return Op.STC; }
            case 0xfa -> { return Op.CLI; }
            case 0xfb -> { return Op.STI; }
            case 0xfc -> { return Op.CLD; }
            case 0xfd -> { return Op.STD; }
            case 0xfe -> {
                osz = 1;
                modrmRmB();
                if (regField > 1) {
                    throw invalid("fe /" + regField);
                }
                return regField == 0 ? Op.INC : Op.DEC;
            }
            case 0xff -> {
                int save = osz;
                modrm();
                sub = regField;
                switch (regField) {
                    case 0 -> { return Op.INC; }
                    case 1 -> { return Op.DEC; }
                    case 2 -> { force64(); return Op.CALL_RM; }
                    case 3 -> { needMem("callf"); return Op.CALL_FAR_M; }
                    case 4 -> { force64(); return Op.JMP_RM; }
                    case 5 -> { needMem("jmpf"); return Op.JMP_FAR_M; }
                    case 6 -> { default64(); return Op.PUSH_RM; }
                    default -> {
                        osz = save;
                        throw invalid("ff /7");
                    }
                }
            }
            default -> throw unimplOpcode(b, "?");
        }
    }

    private void stringSize(int b) {
        if ((b & 1) == 0) {
            osz = 1;
        }
        seg = segOverride >= 0 ? segOverride : DS;
    }

    private Op twoByte() {
        int b = next();
        if (b >= 0x40 && b <= 0x4f) {
            modrm();
            sub = b & 0xf;
            return Op.CMOV;
        }
        if (b >= 0x80 && b <= 0x8f) {
            force64();
            sub = b & 0xf;
            imm = mode64 ? imm32() : immZ();
            return Op.JCC;
        }
        if (b >= 0x90 && b <= 0x9f) {
            osz = 1;
            modrmRmB();
            sub = b & 0xf;
            return Op.SETCC;
        }
        if (b >= 0xc8 && b <= 0xcf) {
            reg = (b & 7) | ((rex & 1) << 3);
            return Op.BSWAP;
        }
        if (b >= 0x19 && b <= 0x1f || b == 0x18 || b == 0x0d) {
            // Hint/reserved-NOP space, PREFETCHh, PREFETCHW, ENDBR (F3 0F 1E FA): NOP Ev.
            modrm();
            return Op.NOP;
        }
        switch (b) {
            case 0x00 -> {
                modrm();
                osz = 2;
                switch (regField) {
                    case 0 -> { return Op.SLDT; }
                    case 1 -> { return Op.STR; }
                    case 2 -> { return Op.LLDT; }
                    case 3 -> { return Op.LTR; }
                    case 4 -> throw unimpl("0f 00 /4 verr");
                    case 5 -> throw unimpl("0f 00 /5 verw");
                    default -> throw invalid("0f 00 /" + regField);
                }
            }
            case 0x01 -> { return group7(); }
            case 0x02 -> throw unimpl0f(b, "lar");
            case 0x03 -> throw unimpl0f(b, "lsl");
            case 0x05 -> { return Op.SYSCALL; }
            case 0x06 -> { return Op.CLTS; }
            case 0x07 -> { return Op.SYSRET; }
            case 0x08 -> { return Op.INVD; }
            case 0x09 -> { return Op.WBINVD; }
            case 0x0b -> { return Op.UD2; }
            case 0x20, 0x21, 0x22, 0x23 -> {
                modrm(); // mod is ignored: always a register (SDM Vol. 2B MOV CR)
                hasMem = false;
                seg = DS;
                base = -1;
                index = -1;
                disp = 0;
                rm = rmField | ((rex & 1) << 3);
                osz = mode64 ? 8 : 4;
                return switch (b) {
                    case 0x20 -> Op.MOV_R_CR;
                    case 0x21 -> Op.MOV_R_DR;
                    case 0x22 -> Op.MOV_CR_R;
                    default -> Op.MOV_DR_R;
                };
            }
            case 0x30 -> { return Op.WRMSR; }
            case 0x31 -> { return Op.RDTSC; }
            case 0x32 -> { return Op.RDMSR; }
            case 0x33 -> { return Op.RDPMC; }
            case 0x34 -> throw unimpl0f(b, "sysenter");
            case 0x35 -> throw unimpl0f(b, "sysexit");
            case 0x38 -> { return threeByte38(); }
            case 0x3a -> throw unimpl(String.format("0f 3a %02x", next()));
            case 0xa0, 0xa8 -> { default64(); reg = b == 0xa0 ? FS : GS; return Op.PUSH_SREG; }
            case 0xa1, 0xa9 -> { default64(); reg = b == 0xa1 ? FS : GS; return Op.POP_SREG; }
            case 0xa2 -> { return Op.CPUID; }
            case 0xa3 -> { modrm(); sub = 0; return Op.BT_RM_R; }
            case 0xab -> { modrm(); sub = 1; return Op.BT_RM_R; }
            case 0xb3 -> { modrm(); sub = 2; return Op.BT_RM_R; }
            case 0xbb -> { modrm(); sub = 3; return Op.BT_RM_R; }
            case 0xa4 -> { modrm(); imm = next(); return Op.SHLD_I; }
            case 0xa5 -> { modrm(); return Op.SHLD_CL; }
            case 0xac -> { modrm(); imm = next(); return Op.SHRD_I; }
            case 0xad -> { modrm(); return Op.SHRD_CL; }
            case 0xae -> { return group15(); }
            case 0xaf -> { modrm(); return Op.IMUL_R_RM; }
            case 0xb0 -> { osz = 1; modrmB(); return Op.CMPXCHG; }
            case 0xb1 -> { modrm(); return Op.CMPXCHG; }
            case 0xb2 -> throw unimpl0f(b, "lss");
            case 0xb4 -> throw unimpl0f(b, "lfs");
            case 0xb5 -> throw unimpl0f(b, "lgs");
            case 0xb6 -> { modrmRmB(); return Op.MOVZX_B; }
            case 0xb7 -> { modrm(); return Op.MOVZX_W; }
            case 0xbe -> { modrmRmB(); return Op.MOVSX_B; }
            case 0xbf -> { modrm(); return Op.MOVSX_W; }
            case 0xb8 -> {
                if (rep != Insn.REP_E) {
                    throw unimpl0f(b, "jmpe");
                }
                modrm();
                rep = 0;
                return Op.POPCNT;
            }
            case 0xba -> {
                modrm();
                if (regField < 4) {
                    throw invalid("0f ba /" + regField);
                }
                sub = regField - 4;
                imm = next();
                return Op.BT_RM_I;
            }
            case 0xbc, 0xbd -> {
                modrm();
                // F3 0F BC/BD are TZCNT/LZCNT only where CPUID advertises BMI1/LZCNT; elsewhere
                // the F3 prefix is ignored and they execute as BSF/BSR (SDM Vol. 2B TZCNT, LZCNT).
                if (rep == Insn.REP_E && (b == 0xbc ? tzcnt : lzcnt)) {
                    rep = 0;
                    return b == 0xbc ? Op.TZCNT : Op.LZCNT;
                }
                if (rep == Insn.REP_E) {
                    rep = 0;
                }
                return b == 0xbc ? Op.BSF : Op.BSR;
            }
            case 0xc0 -> { osz = 1; modrmB(); return Op.XADD; }
            case 0xc1 -> { modrm(); return Op.XADD; }
            case 0x78, 0x79 -> {
                if (p66 || rep != 0) {
                    throw unimpl0f(b, p66 ? "extrq" : "insertq"); // SSE4a (66 / F2 prefixes)
                }
                // VMREAD r/m, r and VMWRITE r, r/m: 64-bit operands in 64-bit mode, 32 otherwise,
                // whatever REX.W or 66 say (SDM Vol. 3C 31.3 VMREAD, VMWRITE).
                modrm();
                osz = mode64 ? 8 : 4;
                return b == 0x78 ? Op.VMREAD : Op.VMWRITE;
            }
            case 0xc7 -> {
                modrm();
                if (regField == 1) {
                    needMem("cmpxchg8b");
                    return osz == 8 ? Op.CMPXCHG16B : Op.CMPXCHG8B;
                }
                if (hasMem && regField == 6) {
                    // VMPTRLD / 66 VMCLEAR / F3 VMXON m64 (SDM Vol. 3C 31.3).
                    osz = 8;
                    if (p66 && rep == 0) {
                        return Op.VMCLEAR;
                    }
                    if (rep == Insn.REP_E && !p66) {
                        rep = 0;
                        return Op.VMXON;
                    }
                    if (!p66 && rep == 0) {
                        return Op.VMPTRLD;
                    }
                    throw invalid("0f c7 /6 with prefixes");
                }
                if (hasMem && regField == 7 && !p66 && rep == 0) {
                    osz = 8;
                    return Op.VMPTRST;
                }
                if (!hasMem && (regField == 6 || regField == 7) && rep == 0) {
                    // RDRAND / RDSEED r16/r32/r64 (SDM Vol. 2B); F3 0F C7 /7 is RDPID.
                    return regField == 6 ? Op.RDRAND : Op.RDSEED;
                }
                throw unimpl("0f c7 /" + regField + (regField == 7 && !hasMem ? " rdpid" : ""));
            }
            default -> {
                boolean sse = b >= 0x10 && b <= 0x17 || b >= 0x28 && b <= 0x2f || b >= 0x50 && b <= 0x7f
                        || b >= 0xc2 && b <= 0xc6 || b >= 0xd0;
                throw unimpl0f(b, sse ? "sse" : "?");
            }
        }
    }

    private Op threeByte38() {
        int b = next();
        if ((b == 0xf0 || b == 0xf1) && rep == 0) {
            modrm();
            needMem("movbe");
            if (b == 0xf0) {
                return Op.MOVBE_R_M;
            }
            return Op.MOVBE_M_R;
        }
        if ((b == 0x80 || b == 0x81) && p66) {
            // INVEPT / INVVPID r64, m128 (r32 outside 64-bit mode; SDM Vol. 3C 31.3).
            modrm();
            needMem(b == 0x80 ? "invept" : "invvpid");
            osz = mode64 ? 8 : 4;
            return b == 0x80 ? Op.INVEPT : Op.INVVPID;
        }
        if (b == 0x82 && p66) {
            modrm();
            needMem("invpcid");
            osz = mode64 ? 8 : 4;
            return Op.INVPCID;
        }
        throw unimpl(String.format("0f 38 %02x%s", b, b == 0xf0 || b == 0xf1 ? " crc32" : ""));
    }

    private Op group7() {
        modrm();
        if (hasMem) {
            switch (regField) {
                case 0 -> { return Op.SGDT; }
                case 1 -> { return Op.SIDT; }
                case 2 -> { return Op.LGDT; }
                case 3 -> { return Op.LIDT; }
                case 4 -> { osz = 2; return Op.SMSW; }
                case 6 -> { osz = 2; return Op.LMSW; }
                case 7 -> { return Op.INVLPG; }
                default -> throw invalid("0f 01 /5 memory");
            }
        }
        switch (regField) {
            case 4 -> { return Op.SMSW; }
            case 6 -> { osz = 2; return Op.LMSW; }
            case 7 -> {
                if (rmField == 0) {
                    if (!mode64) {
                        throw invalid("swapgs outside 64-bit mode");
                    }
                    return Op.SWAPGS;
                }
                if (rmField == 1) {
                    return Op.RDTSCP;
                }
                throw unimpl(String.format("0f 01 %02x", 0xf8 | rmField));
            }
            case 1 -> {
                if (rmField == 2) {
                    return Op.CLAC;
                }
                if (rmField == 3) {
                    return Op.STAC;
                }
                if (rmField == 0) {
                    return Op.MONITOR;
                }
                if (rmField == 1) {
                    return Op.MWAIT;
                }
                throw unimpl(String.format("0f 01 %02x", 0xc8 | rmField));
            }
            case 0 -> {
                switch (rmField) {
                    case 1 -> { return Op.VMCALL; }
                    case 2 -> { return Op.VMLAUNCH; }
                    case 3 -> { return Op.VMRESUME; }
                    case 4 -> { return Op.VMXOFF; }
                    default -> throw unimpl(String.format("0f 01 %02x", 0xc0 | rmField));
                }
            }
            case 2 -> {
                if (rmField == 4) {
                    return Op.VMFUNC;
                }
                if (rmField == 1) {
                    return Op.XSETBV;
                }
                throw unimpl(String.format("0f 01 %02x %s", 0xd0 | rmField,
                        rmField == 0 ? "xgetbv" : "?"));
            }
            default -> throw unimpl(String.format("0f 01 %02x", 0xc0 | regField << 3 | rmField));
        }
    }

    private Op group15() {
        modrm();
        if (hasMem) {
            if (regField == 7 && rep == 0) {
                return Op.CLFLUSH; // 66 0F AE /7 is CLFLUSHOPT: same effect for the model
            }
            String[] names = {"fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "xsave", "xrstor", "xsaveopt", "clflush"};
            throw unimpl("0f ae /" + regField + " " + names[regField]);
        }
        if (regField >= 5 && rep == 0 && !p66) {
            sub = regField;
            return Op.FENCE;
        }
        throw unimpl("0f ae /" + regField + (rep == Insn.REP_E ? " rd/wr fs/gs base" : " reg"));
    }
}
