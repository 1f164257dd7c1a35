package org.vtsim.conformance.differential;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generation context of one sequence: the random source, the instructions emitted so far, and
 * what the generator knows statically about the machine while it emits them — which flags are
 * undefined (SDM "Flags Affected" of each instruction), how deep the stack is, whether code is
 * inside a skipped block. Families ({@link Family}) call the helpers here.
 */
final class Gen {
    final SplittableRandom rnd;
    final Set<Family> enabled;
    final HostFeatures features;
    final List<Insn> insns = new ArrayList<>();
    /** {@link #undefined} after each instruction (valid at block ends; used to cut failing cases short). */
    final List<Long> undefinedAfter = new ArrayList<>();
    int codeLength;
    /** Flags currently undefined per the SDM; they must be defined again before anyone reads them. */
    long undefined;
    /** Bytes pushed relative to {@link Layout#STACK_INIT}. */
    int stackDepth;
    /** Inside a block a forward jump may skip: the stack depth must not change there. */
    boolean inSkippableBlock;
    final int[] familyCounts = new int[Family.values().length];

    Gen(SplittableRandom rnd, Set<Family> enabled, HostFeatures features) {
        this.rnd = rnd;
        this.enabled = enabled.isEmpty() ? EnumSet.allOf(Family.class) : enabled;
        this.features = features;
    }

    long pc() {
        return Layout.CODE + codeLength;
    }

    long rsp() {
        return Layout.STACK_INIT - stackDepth;
    }

    /** Appends an instruction whose flag reads must already be defined (see {@link #need}). */
    void emit(byte[] bytes, String text, Family family, long reads, long writes, long undef) {
        if ((reads & undefined) != 0) {
            throw new IllegalStateException("generator bug: " + text + " reads undefined " + Flags.names(reads & undefined));
        }
        insns.add(new Insn(pc(), bytes, text, family, reads, writes, undef, 0));
        codeLength += bytes.length;
        undefined = (undefined & ~(writes | undef)) | undef;
        undefinedAfter.add(undefined);
        if (family != null) {
            familyCounts[family.ordinal()]++;
        }
    }

    /**
     * Re-encodes instruction {@code index} once a forward target is known; the length must not
     * change (only immediates and rel32 fields are patched).
     */
    void patch(int index, byte[] bytes, String text, long target) {
        Insn old = insns.get(index);
        if (old.bytes().length != bytes.length) {
            throw new IllegalStateException("patched length differs: " + old + " -> " + text);
        }
        insns.set(index, new Insn(old.address(), bytes, text, old.family(), old.reads(), old.writes(), old.undefined(), target));
    }

    /** Generates a block of 0..{@code max} instructions that a forward transfer skips; returns its end. */
    long skippedBlock(int min, int max, boolean alwaysSkipped) {
        long undefinedBefore = undefined;
        boolean outer = inSkippableBlock;
        inSkippableBlock = true;
        int n = min + rnd.nextInt(max - min + 1);
        for (int i = 0; i < n; i++) {
            emitRandomFamily();
        }
        inSkippableBlock = outer;
        if (alwaysSkipped) {
            undefined = undefinedBefore;
        } else {
            undefined |= undefinedBefore; // either path: defined only if defined on both
        }
        if (!undefinedAfter.isEmpty()) {
            undefinedAfter.set(undefinedAfter.size() - 1, undefined);
        }
        return pc();
    }

    /** Set-up instruction (no flags involved). */
    void setup(byte[] bytes, String text) {
        emit(bytes, text, null, 0, 0, 0);
    }

    /** Makes the given flags defined again (a CMP with an immediate defines all six). */
    void need(long flags) {
        if ((flags & undefined) != 0) {
            Reg r = Reg.of(rnd.nextInt(16), 8);
            int imm = (int) value(4);
            emit(Encoder.modrm(new int[0], true, new int[] {0x81}, null, 7, r, Encoder.imm(imm, 4), pc()),
                    "cmp " + r + "," + hex(imm), null, 0, Flags.ARITH, 0);
        }
    }

    boolean chance(int percent) {
        return rnd.nextInt(100) < percent;
    }

    int pick(int... options) {
        return options[rnd.nextInt(options.length)];
    }

    int size() {
        return pick(1, 2, 4, 8);
    }

    int size16up() {
        return pick(2, 4, 8);
    }

    /** Interesting values first (SDM edge cases: 0, sign boundaries, all ones), then random bits. */
    long value(int size) {
        long v = switch (rnd.nextInt(12)) {
            case 0 -> 0;
            case 1 -> pick(1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64);
            case 2 -> -1;
            case 3 -> 1L << (8 * size - 1);
            case 4 -> (1L << (8 * size - 1)) - 1;
            case 5 -> -rnd.nextInt(1, 300);
            case 6 -> 1L << rnd.nextInt(64);
            case 7 -> rnd.nextLong() & 0xff;
            case 8 -> rnd.nextLong() & 0xffff_ffffL;
            default -> rnd.nextLong();
        };
        return size == 8 ? v : v & ((1L << (8 * size)) - 1);
    }

    /** Any register of a size, usable as a source (RSP included). */
    Reg anyReg(int size) {
        if (size == 1 && chance(15)) {
            return Reg.high(rnd.nextInt(4));
        }
        return Reg.of(rnd.nextInt(16), size);
    }

    /** A register the instruction may write: never RSP (SPL/SP/ESP), which must stay in the stack area. */
    Reg destReg(int size) {
        while (true) {
            Reg r = anyReg(size);
            if (r.high8() || r.num() != Reg.RSP) {
                return r;
            }
        }
    }

    /** A destination register not among {@code excluded} (a bit mask of register numbers). */
    Reg destReg(int size, int excluded) {
        while (true) {
            Reg r = destReg(size);
            if (((excluded >> r.num()) & 1) == 0) {
                return r;
            }
        }
    }

    /** Loads a 32-bit value, zero-extended (MOV r32, imm32: B8+rd). */
    void load32(int reg, long value) {
        Reg r = Reg.of(reg, 4);
        setup(Encoder.opReg(new int[0], false, new int[] {0xb8}, r, Encoder.imm(value, 4)), "mov " + r + "," + hex(value & 0xffff_ffffL));
    }

    /** Loads any 64-bit value (MOV r64, imm64 or the sign-extending imm32 form). */
    void load64(int reg, long value) {
        Reg r = Reg.of(reg, 8);
        if (value == (int) value) {
            setup(Encoder.modrm(new int[0], true, new int[] {0xc7}, null, 0, r, Encoder.imm(value, 4), pc()),
                    "mov " + r + "," + hex(value));
        } else {
            setup(Encoder.opReg(new int[0], true, new int[] {0xb8}, r, Encoder.imm(value, 8)), "movabs " + r + "," + hex(value));
        }
    }

    /** A memory operand inside the data area; see {@link #mem(int, int, int)}. */
    Mem mem(int size) {
        return mem(size, 0, 1);
    }

    /**
     * A memory operand of {@code size} bytes aligned to {@code align}, inside the scratch area,
     * with the base/index set-up emitted now. {@code excluded} (a register-number bit mask) are
     * registers the set-up may not clobber.
     */
    Mem mem(int size, int excluded, int align) {
        excluded |= 1 << Reg.RSP;
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            // [rsp+disp]: the stack area around the current RSP.
            long target = alignedIn(Layout.STACK_LOW, Layout.STACK_HIGH, size, align);
            return new Mem(Reg.RSP, Mem.NONE, 1, target - rsp(), size, false, chance(20));
        }
        long target = alignedIn(Layout.DATA, Layout.DATA_END, size, align);
        if (kind == 1) {
            return Mem.rip(target, size);
        }
        if (kind == 2) {
            return new Mem(Mem.NONE, Mem.NONE, 1, target, size, false, true);
        }
        int base = freeReg(excluded);
        long disp = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(-128, 128);
            case 2 -> rnd.nextInt(-0x1000, 0x1000);
            default -> rnd.nextInt(-0x1000_0000, 0x1000_0000);
        };
        boolean addr32 = kind == 3;
        if (kind >= 7) {
            int index = freeReg(excluded | (1 << base));
            int scale = pick(1, 2, 4, 8);
            long iv = rnd.nextInt(-64, 65);
            load64(index, iv);
            boolean noBase = kind == 7;
            if (noBase) {
                return new Mem(Mem.NONE, index, scale, target - iv * scale, size, false, true);
            }
            load32(base, target - disp - iv * scale);
            return new Mem(base, index, scale, disp, size, false, chance(10));
        }
        load32(base, target - disp);
        return new Mem(base, Mem.NONE, 1, disp, size, addr32, chance(10));
    }

    private int freeReg(int excluded) {
        while (true) {
            int r = rnd.nextInt(16);
            if (((excluded >> r) & 1) == 0) {
                return r;
            }
        }
    }

    private long alignedIn(long lo, long hi, int size, int align) {
        long n = (hi - lo - size) / align;
        return lo + rnd.nextLong(n + 1) * align;
    }

    /** Saved generator position, to undo a family that turned out unencodable. */
    record Mark(int insns, int codeLength, long undefined, int stackDepth, int[] counts) {
    }

    Mark mark() {
        return new Mark(insns.size(), codeLength, undefined, stackDepth, familyCounts.clone());
    }

    void reset(Mark m) {
        insns.subList(m.insns(), insns.size()).clear();
        undefinedAfter.subList(m.insns(), undefinedAfter.size()).clear();
        codeLength = m.codeLength();
        undefined = m.undefined();
        stackDepth = m.stackDepth();
        System.arraycopy(m.counts(), 0, familyCounts, 0, familyCounts.length);
    }

    /** Families a skippable block may contain: nothing that moves RSP, no nested skips. */
    private static final Set<Family> NOT_IN_BLOCK = EnumSet.of(Family.PUSH_POP, Family.PUSHF_POPF, Family.JCC,
            Family.CALL_RET);

    /** Emits one instruction (plus set-up) of a random enabled family, retrying unencodable picks. */
    void emitRandomFamily() {
        Family[] all = enabled.toArray(new Family[0]);
        for (int attempt = 0; attempt < 50; attempt++) {
            Family f = all[rnd.nextInt(all.length)];
            if (f == Family.DIV_FAULT || (inSkippableBlock && NOT_IN_BLOCK.contains(f))) {
                continue;
            }
            Mark m = mark();
            try {
                f.emitter.accept(this);
                return;
            } catch (Encoder.Unencodable e) {
                reset(m);
            }
        }
    }

    /** A memory operand whose target lies in [lo, hi) of the data area (never RSP-based). */
    Mem memIn(int size, int excluded, int align, long lo, long hi) {
        excluded |= 1 << Reg.RSP;
        long target = alignedIn(lo, hi, size, align);
        if (chance(20)) {
            return Mem.rip(target, size);
        }
        int base = freeReg(excluded);
        long disp = chance(50) ? rnd.nextInt(-128, 128) : rnd.nextInt(-0x10000, 0x10000);
        load32(base, target - disp);
        return Mem.base(base, disp, size);
    }

    /** A register or (with the given probability) a memory operand of a size. */
    Operand destRm(int size, int memPercent) {
        return chance(memPercent) ? mem(size) : destReg(size);
    }

    static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }

    /** The REX.W bit for an operand size. */
    static boolean w(int size) {
        return size == 8;
    }

    /** The mnemonic suffix-free operand pair "a,b". */
    static String ops(Object... o) {
        StringBuilder sb = new StringBuilder();
        for (Object x : o) {
            sb.append(sb.length() == 0 ? "" : ",").append(x instanceof Long l ? hex(l) : x.toString());
        }
        return sb.toString();
    }
}
