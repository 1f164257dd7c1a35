package org.vtsim.cpu.exec;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.vtsim.cpu.decode.FastOp;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;

/**
 * Translates hot runs of plain instructions ({@link #translatable}) into JVM bytecode, so the JIT
 * compiles each run into one piece of host code: no dispatch between the {@link FastOp} forms, whose
 * register numbers, immediates and condition codes are folded in. A block is the longest run of plain
 * instructions from a hot one, ending at the first near branch (included) or the first instruction
 * that is not plain (left out), within one decoded page and at most {@link #MAX_INSTRUCTIONS} long.
 *
 * <p>The generated code calls {@link FastForms}, the same methods the interpreter's switches call (the
 * general switch itself for the plain instructions that are not fast forms), and around the
 * instructions that can fault, read RIP or charge cycles of their own it calls the {@link BlockContext},
 * so a block is indistinguishable from interpreting its instructions one by one: same registers,
 * flags, memory, counters and cycles at every point anything outside can look.
 *
 * <p>Code is shared: the class depends only on the instructions' forms and operands (never on their
 * addresses), so identical runs, in any machine of this JVM, use one class, found by its bytes. At most
 * {@link #MAX_CODES} classes are made; past that, new runs stay interpreted.
 */
public final class BlockTranslator {
    /** Longest block, in instructions. */
    public static final int MAX_INSTRUCTIONS = 64;
    /**
     * Most generated classes kept in one JVM. Each costs metaspace and, once hot, JIT code cache; the
     * bundled guests make 70-140, so the cap is there for large guests and long-lived JVMs, to keep the
     * code cache from filling (the JIT would then stop compiling anything).
     */
    public static final int MAX_CODES = 1 << 13;

    private static final String SELF = "org/vtsim/cpu/exec/";
    private static final String FORMS = SELF + "FastForms";
    private static final String CONTEXT = SELF + "BlockContext";
    private static final String IP = "L" + SELF + "Interpreter;";
    private static final String INSN = "Lorg/vtsim/cpu/decode/Insn;";
    private static final String RUN = "(" + IP + "[" + INSN + "L" + CONTEXT + ";)I";

    private static final ConcurrentHashMap<Key, TranslatedCode> CODES = new ConcurrentHashMap<>();

    private BlockTranslator() {
    }

    /**
     * The block starting at {@code offset} of a decoded page's entries, or {@link TranslatedBlock#NONE}
     * when fewer than two plain instructions start there (nothing to gain) or the class budget is spent.
     */
    public static TranslatedBlock translate(Insn[] entries, int offset) {
        List<Insn> run = new ArrayList<>();
        int o = offset;
        while (o < entries.length && run.size() < MAX_INSTRUCTIONS) {
            Insn i = entries[o];
            if (i == null || i.crossesPage || !translatable(i)) {
                break;
            }
            run.add(i);
            if (endsBlock(i)) {
                break;
            }
            o += i.len;
        }
        if (run.size() < 2) {
            return TranslatedBlock.NONE;
        }
        Insn[] insns = run.toArray(new Insn[0]);
        TranslatedCode code = codeFor(classBytes(insns));
        return code == null ? TranslatedBlock.NONE : new TranslatedBlock(code, insns);
    }

    /**
     * Instructions a block may hold besides the {@link FastOp} forms: those whose only effects are on
     * registers, flags, memory (through the segment and paging checks) and cycles, and which no VM-execution
     * control makes exit (SDM Vol. 3C 25.1). They run through the interpreter's general switch, called
     * from the block. Not here: anything on segments, control or system state, IF, ports, strings (their
     * iterations are interruptible), software interrupts, CPUID, PAUSE, RDTSC, RDRAND and the like.
     */
    private static final Set<Op> PLAIN = EnumSet.of(Op.MOV_RM_R, Op.MOV_R_RM, Op.MOV_RM_I, Op.MOV_R_I,
            Op.MOV_ACC_MOFFS, Op.MOV_MOFFS_ACC, Op.MOVZX_B, Op.MOVZX_W, Op.MOVSX_B, Op.MOVSX_W, Op.MOVSXD, Op.LEA,
            Op.XCHG_RM_R, Op.XCHG_ACC_R, Op.BSWAP, Op.CBW, Op.CWD, Op.XLAT, Op.MOVBE_R_M, Op.MOVBE_M_R,
            Op.ALU_RM_R, Op.ALU_R_RM, Op.ALU_RM_I, Op.TEST_RM_R, Op.TEST_RM_I, Op.INC, Op.DEC, Op.NEG, Op.NOT,
            Op.MUL, Op.IMUL1, Op.DIV, Op.IDIV, Op.IMUL_R_RM, Op.IMUL_R_RM_I,
            Op.SHIFT_1, Op.SHIFT_CL, Op.SHIFT_I, Op.SHLD_I, Op.SHLD_CL, Op.SHRD_I, Op.SHRD_CL,
            Op.BT_RM_R, Op.BT_RM_I, Op.BSF, Op.BSR, Op.TZCNT, Op.LZCNT, Op.POPCNT, Op.CMOV, Op.SETCC,
            Op.PUSH_R, Op.POP_R, Op.PUSH_I, Op.PUSH_RM, Op.POP_RM, Op.ENTER, Op.LEAVE,
            Op.CMPXCHG, Op.CMPXCHG8B, Op.CMPXCHG16B, Op.XADD, Op.NOP, Op.CLC, Op.STC, Op.CMC, Op.LAHF, Op.SAHF);
    /** Near branches of the general switch: they end a block, as Jcc and JMP do. */
    private static final Set<Op> PLAIN_BRANCHES = EnumSet.of(Op.JMP_RM, Op.CALL_REL, Op.CALL_RM, Op.RET, Op.RET_I,
            Op.JRCXZ, Op.LOOP, Op.LOOPE, Op.LOOPNE);

    /** Whether a block may hold {@code i}. */
    public static boolean translatable(Insn i) {
        return i.fast != FastOp.GENERAL || PLAIN.contains(i.op) || PLAIN_BRANCHES.contains(i.op);
    }

    /** Whether {@code i} ends a block (a near branch, taken or not). */
    public static boolean endsBlock(Insn i) {
        return i.fast == FastOp.JCC || i.fast == FastOp.JMP_REL || PLAIN_BRANCHES.contains(i.op);
    }

    /** Number of generated classes in this JVM. */
    public static int codes() {
        return CODES.size();
    }

    private static TranslatedCode codeFor(byte[] bytes) {
        Key key = new Key(bytes);
        TranslatedCode code = CODES.get(key);
        if (code != null || CODES.size() >= MAX_CODES) {
            return code;
        }
        code = define(bytes); // no computeIfAbsent: its lambda would bootstrap (see ClassFileWriter)
        TranslatedCode raced = CODES.putIfAbsent(key, code);
        return raced != null ? raced : code;
    }

    private static TranslatedCode define(byte[] bytes) {
        try {
            // Reflection rather than a method handle: the first handle invocation sets up the JVM's
            // method-handle machinery, tens of milliseconds a short run would pay.
            Class<?> c = MethodHandles.lookup().defineHiddenClass(bytes, true).lookupClass();
            return (TranslatedCode) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | IllegalArgumentException t) {
            throw new IllegalStateException("block translation produced an unloadable class", t);
        }
    }

    /** The class file of a block's code. */
    static byte[] classBytes(Insn[] insns) {
        ClassFileWriter cw = new ClassFileWriter(SELF + "Block", "java/lang/Object", SELF + "TranslatedCode");
        ClassFileWriter.Code c = cw.code();
        int start = 0;
        for (int k = 0; k < insns.length; k++) {
            Insn i = insns[k];
            if (announced(i)) {
                c.aload(3);
                c.iconst(k);
                c.iconst(start);
                c.iconst(i.len);
                c.invokevirtual(CONTEXT, "before", "(III)V");
            }
            call(c, i, k);
            if (checkedAfter(i) && k < insns.length - 1) {
                c.aload(3);
                c.iconst(insns.length - 1 - k);
                c.invokevirtual(CONTEXT, "after", "(I)Z");
                c.ireturnIfTrue(k + 1);
            }
            start += i.len;
        }
        if (!endsBlock(insns[insns.length - 1])) {
            c.aload(3);
            c.iconst(start);
            c.invokevirtual(CONTEXT, "fallThrough", "(I)V");
        }
        c.ireturn(insns.length);
        cw.method("run", RUN, c, 8, 4);
        return cw.toBytes();
    }

    /**
     * Instructions the core must see start: those that can fault (memory forms, branches, the general
     * ones), read RIP (RIP-relative LEA, branches) or add cycles of their own (multiplies and divides,
     * taken branches, locked accesses, translations).
     */
    private static boolean announced(Insn i) {
        return switch (i.fast) {
            case FastOp.GENERAL -> true;
            case FastOp.LOAD64, FastOp.LOAD32, FastOp.MOVZX_B_M32, FastOp.STORE64, FastOp.STORE32,
                    FastOp.JCC, FastOp.JMP_REL, FastOp.IMUL_RR64, FastOp.IMUL_RR32 -> true;
            case FastOp.LEA64, FastOp.LEA32 -> i.base == Insn.RIP;
            default -> false;
        };
    }

    /** Instructions after which time may have moved more than one instruction's cost, or a device was touched. */
    private static boolean checkedAfter(Insn i) {
        return switch (i.fast) {
            case FastOp.GENERAL -> true;
            case FastOp.LOAD64, FastOp.LOAD32, FastOp.MOVZX_B_M32, FastOp.STORE64, FastOp.STORE32,
                    FastOp.IMUL_RR64, FastOp.IMUL_RR32 -> true;
            default -> false;
        };
    }

    /** The {@link FastForms} call of one instruction, its operands pushed as constants. */
    private static void call(ClassFileWriter.Code c, Insn i, int k) {
        c.aload(1);
        switch (i.fast) {
            case FastOp.MOV_RR64 -> rr(c, "movRr64", i.rm, i.reg);
            case FastOp.MOV_RR32 -> rr(c, "movRr32", i.rm, i.reg);
            case FastOp.MOV_RR64_REV -> rr(c, "movRr64", i.reg, i.rm);
            case FastOp.MOV_RR32_REV -> rr(c, "movRr32", i.reg, i.rm);
            case FastOp.MOVZX_B_R32 -> rr(c, "movzxBR32", i.reg, i.rm);
            case FastOp.IMUL_RR64 -> rr(c, "imulRr64", i.reg, i.rm);
            case FastOp.IMUL_RR32 -> rr(c, "imulRr32", i.reg, i.rm);
            case FastOp.TEST_RR64 -> rr(c, "testRr64", i.rm, i.reg);
            case FastOp.TEST_RR32 -> rr(c, "testRr32", i.rm, i.reg);
            case FastOp.ADD_RR64 -> rr(c, "addRr64", i.rm, i.reg);
            case FastOp.ADD_RR32 -> rr(c, "addRr32", i.rm, i.reg);
            case FastOp.SUB_RR64 -> rr(c, "subRr64", i.rm, i.reg);
            case FastOp.SUB_RR32 -> rr(c, "subRr32", i.rm, i.reg);
            case FastOp.AND_RR64 -> rr(c, "andRr64", i.rm, i.reg);
            case FastOp.AND_RR32 -> rr(c, "andRr32", i.rm, i.reg);
            case FastOp.OR_RR64 -> rr(c, "orRr64", i.rm, i.reg);
            case FastOp.OR_RR32 -> rr(c, "orRr32", i.rm, i.reg);
            case FastOp.XOR_RR64 -> rr(c, "xorRr64", i.rm, i.reg);
            case FastOp.XOR_RR32 -> rr(c, "xorRr32", i.rm, i.reg);
            case FastOp.CMP_RR64 -> rr(c, "cmpRr64", i.rm, i.reg);
            case FastOp.CMP_RR32 -> rr(c, "cmpRr32", i.rm, i.reg);
            case FastOp.MOV_RI64 -> ri(c, "movRi64", i.reg, i.imm);
            case FastOp.MOV_RI32 -> ri(c, "movRi32", i.reg, i.imm);
            case FastOp.ADD_RI64 -> ri(c, "addRi64", i.rm, i.imm);
            case FastOp.ADD_RI32 -> ri(c, "addRi32", i.rm, i.imm);
            case FastOp.SUB_RI64 -> ri(c, "subRi64", i.rm, i.imm);
            case FastOp.SUB_RI32 -> ri(c, "subRi32", i.rm, i.imm);
            case FastOp.AND_RI64 -> ri(c, "andRi64", i.rm, i.imm);
            case FastOp.AND_RI32 -> ri(c, "andRi32", i.rm, i.imm);
            case FastOp.OR_RI64 -> ri(c, "orRi64", i.rm, i.imm);
            case FastOp.OR_RI32 -> ri(c, "orRi32", i.rm, i.imm);
            case FastOp.XOR_RI64 -> ri(c, "xorRi64", i.rm, i.imm);
            case FastOp.XOR_RI32 -> ri(c, "xorRi32", i.rm, i.imm);
            case FastOp.CMP_RI64 -> ri(c, "cmpRi64", i.rm, i.imm);
            case FastOp.CMP_RI32 -> ri(c, "cmpRi32", i.rm, i.imm);
            case FastOp.LEA64 -> insn(c, "lea64", k);
            case FastOp.LEA32 -> insn(c, "lea32", k);
            case FastOp.LOAD64 -> insn(c, "load64", k);
            case FastOp.LOAD32 -> insn(c, "load32", k);
            case FastOp.MOVZX_B_M32 -> insn(c, "movzxBM32", k);
            case FastOp.STORE64 -> insn(c, "store64", k);
            case FastOp.STORE32 -> insn(c, "store32", k);
            case FastOp.SHIFT_I64, FastOp.SHIFT_I32 -> {
                c.iconst(i.sub);
                c.iconst(i.rm);
                c.iconst((int) i.imm);
                c.invokestatic(FORMS, i.fast == FastOp.SHIFT_I64 ? "shiftI64" : "shiftI32", "(" + IP + "III)V");
            }
            case FastOp.JCC -> {
                c.iconst(i.sub);
                c.lconst(i.imm);
                c.iconst(i.osz);
                c.invokestatic(FORMS, "jcc", "(" + IP + "IJI)V");
            }
            case FastOp.JMP_REL -> {
                c.lconst(i.imm);
                c.iconst(i.osz);
                c.invokestatic(FORMS, "jmpRel", "(" + IP + "JI)V");
            }
            default -> insn(c, "general", k);
        }
    }

    private static void rr(ClassFileWriter.Code c, String form, int a, int b) {
        c.iconst(a);
        c.iconst(b);
        c.invokestatic(FORMS, form, "(" + IP + "II)V");
    }

    private static void ri(ClassFileWriter.Code c, String form, int r, long imm) {
        c.iconst(r);
        c.lconst(imm);
        c.invokestatic(FORMS, form, "(" + IP + "IJ)V");
    }

    private static void insn(ClassFileWriter.Code c, String form, int k) {
        c.aload(2);
        c.iconst(k);
        c.op(0x32); // aaload
        c.invokestatic(FORMS, form, "(" + IP + INSN + ")V");
    }

    /** A class file as a map key. */
    private record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
