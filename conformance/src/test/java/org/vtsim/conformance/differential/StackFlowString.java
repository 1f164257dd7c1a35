package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;
import static org.vtsim.conformance.differential.Gen.w;

/**
 * String instructions with REP/REPE/REPNE, CMOVcc, SETcc, forward Jcc/JMP/LOOP/JRCXZ, PUSH/POP,
 * LOCK-prefixed read-modify-write instructions, LAHF/SAHF, CLC/STC/CMC/CLD/STD, PUSHF/POPF.
 */
final class StackFlowString {
    private StackFlowString() {
    }

    private static final String[] STR = {"movs", "cmps", "stos", "lods", "scas"};
    private static final int[] STR_OP = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    private static final String[] SUFFIX = {"", "b", "w", "", "d", "", "", "", "q"};

    static void string(Gen g) {
        string(g, false);
    }

    static void stringAddr32(Gen g) {
        string(g, true);
    }

    private static void string(Gen g, boolean a32) {
        int kind = g.rnd.nextInt(5);
        int size = g.size();
        boolean compare = kind == 1 || kind == 4;
        int rep = g.rnd.nextInt(compare ? 3 : 2); // 0 none, 1 F3 (REP/REPE), 2 F2 (REPNE)
        int count = rep == 0 ? 1 : g.rnd.nextInt(13);
        if (g.chance(30)) {
            boolean std = g.chance(50);
            g.emit(Encoder.raw(std ? 0xfd : 0xfc), std ? "std" : "cld", null, 0, Flags.DF, 0);
        }
        // Pointers with room for the whole count in either direction (DF may be either). With
        // the 0x67 prefix only ESI/EDI/ECX count: give the upper halves garbage to show that.
        long garbage = a32 ? g.rnd.nextLong() & 0xffff_ffff_0000_0000L : 0;
        long lo = Layout.DATA + 0x80;
        long hi = Layout.DATA_END - 0x80 - size;
        if (kind != 2 && kind != 4) {
            g.load64(Reg.RSI, garbage | (lo + g.rnd.nextLong(hi - lo)));
        }
        if (kind != 3) {
            g.load64(Reg.RDI, garbage | (lo + g.rnd.nextLong(hi - lo)));
        }
        if (rep != 0) {
            g.load64(Reg.RCX, garbage | count);
        }
        if (compare && g.chance(50)) { // make SCAS/CMPS find equal elements sometimes
            g.setup(Encoder.raw(0x31, 0xc0), "xor eax,eax");
            g.undefined &= ~Flags.ARITH; // the xor defines every status flag
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        if (rep != 0) {
            b.write(rep == 1 ? 0xf3 : 0xf2);
        }
        if (a32) {
            b.write(0x67);
        }
        if (size == 2) {
            b.write(0x66);
        }
        if (size == 8) {
            b.write(0x48);
        }
        b.write(STR_OP[kind] + (size == 1 ? 0 : 1));
        String prefix = rep == 0 ? "" : rep == 2 ? "repnz " : compare ? "repz " : "rep ";
        long writes = compare && (rep == 0 || count > 0) ? Flags.ARITH : 0;
        g.emit(b.toByteArray(), prefix + STR[kind] + SUFFIX[size] + (a32 ? " (addr32)" : ""),
                a32 ? Family.STRING_ADDR32 : Family.STRING, Flags.DF, writes, 0);
    }

    static void cmov(Gen g) {
        int cc = g.rnd.nextInt(16);
        g.need(Flags.readBy(cc));
        int size = g.size16up();
        Operand src = g.chance(40) ? g.mem(size) : g.anyReg(size);
        Reg dst = g.destReg(size);
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, 0x40 + cc}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                "cmov" + Flags.CC[cc] + " " + ops(dst, src), Family.CMOV, Flags.readBy(cc), 0, 0);
    }

    static void setcc(Gen g) {
        int cc = g.rnd.nextInt(16);
        g.need(Flags.readBy(cc));
        Operand dst = g.destRm(1, 30);
        g.emit(Encoder.modrm(new int[0], false, new int[] {0x0f, 0x90 + cc}, null, 0, dst, Encoder.NO_IMM, g.pc()),
                "set" + Flags.CC[cc] + " " + dst, Family.SETCC, Flags.readBy(cc), 0, 0);
    }

    /** A forward branch over a block of 1-3 instructions (taken or not), patched once the block is known. */
    static void jcc(Gen g) {
        int kind = g.rnd.nextInt(8);
        int cc = g.rnd.nextInt(16);
        long reads = switch (kind) {
            case 0, 1, 2 -> Flags.readBy(cc);
            case 4 -> Flags.ZF; // LOOPE
            case 5 -> Flags.ZF; // LOOPNE
            default -> 0;
        };
        g.need(reads);
        byte[] bytes;
        String m;
        switch (kind) {
            case 0, 1 -> {
                bytes = Encoder.raw(0x70 + cc, 0);
                m = "j" + Flags.CC[cc];
            }
            case 2 -> {
                bytes = Encoder.raw(0x0f, 0x80 + cc, 0, 0, 0, 0);
                m = "j" + Flags.CC[cc];
            }
            case 3 -> {
                bytes = Encoder.raw(0xeb, 0);
                m = "jmp";
            }
            case 4 -> {
                bytes = Encoder.raw(0xe1, 0);
                m = "loope";
            }
            case 5 -> {
                bytes = Encoder.raw(0xe0, 0);
                m = "loopne";
            }
            case 6 -> {
                bytes = Encoder.raw(0xe2, 0);
                m = "loop";
            }
            default -> {
                boolean ecx = g.chance(50);
                bytes = ecx ? Encoder.raw(0x67, 0xe3, 0) : Encoder.raw(0xe3, 0);
                m = ecx ? "jecxz" : "jrcxz";
            }
        }
        int at = g.insns.size();
        long jumpEnd = g.pc() + bytes.length;
        g.emit(bytes, m, Family.JCC, reads, 0, 0);
        long end = g.skippedBlock(1, 3, kind == 3);
        long rel = end - jumpEnd;
        boolean rel32 = bytes.length == 6;
        if (!rel32 && rel > 127) {
            throw new Encoder.Unencodable("skipped block too long for rel8");
        }
        byte[] patched = bytes.clone();
        if (rel32) {
            System.arraycopy(Encoder.imm(rel, 4), 0, patched, 2, 4);
        } else {
            patched[patched.length - 1] = (byte) rel;
        }
        g.patch(at, patched, m + " 0x" + Long.toHexString(end), end);
    }

    static void pushPop(Gen g) {
        boolean push = g.stackDepth < 0x300 && (g.stackDepth < -0x300 || g.chance(50));
        int kind = g.rnd.nextInt(4);
        if (push) {
            switch (kind) {
                case 0 -> { // PUSH r64 (any, RSP included: the old value is pushed)
                    Reg r = Reg.of(g.rnd.nextInt(16), 8);
                    g.emit(Encoder.opReg(new int[0], false, new int[] {0x50}, r, Encoder.NO_IMM), "push " + r, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth += 8;
                }
                case 1 -> { // PUSH r16
                    Reg r = Reg.of(g.rnd.nextInt(16), 2);
                    g.emit(Encoder.opReg(new int[] {0x66}, false, new int[] {0x50}, r, Encoder.NO_IMM), "push " + r, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth += 2;
                }
                case 2 -> { // PUSH imm8/imm32, sign-extended to 64 bits
                    boolean b8 = g.chance(50);
                    long imm = b8 ? (byte) g.value(1) : (int) g.value(4);
                    g.emit(b8 ? Encoder.raw(0x6a, (int) imm) : Arithmetic.concat(new int[0], new int[0], 0x68, Encoder.imm(imm, 4)),
                            "push " + Gen.hex(imm), Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth += 8;
                }
                default -> { // PUSH r/m64
                    Mem m = g.mem(8);
                    g.emit(Encoder.modrm(new int[0], false, new int[] {0xff}, null, 6, m, Encoder.NO_IMM, g.pc()),
                            "push " + m, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth += 8;
                }
            }
        } else {
            switch (kind) {
                case 0, 2 -> {
                    Reg r = g.destReg(8);
                    g.emit(Encoder.opReg(new int[0], false, new int[] {0x58}, r, Encoder.NO_IMM), "pop " + r, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth -= 8;
                }
                case 1 -> {
                    Reg r = g.destReg(2);
                    g.emit(Encoder.opReg(new int[] {0x66}, false, new int[] {0x58}, r, Encoder.NO_IMM), "pop " + r, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth -= 2;
                }
                default -> { // POP r/m64: with an RSP base the address uses RSP after the pop (SDM POP)
                    Mem m = g.mem(8);
                    if (m.base() == Reg.RSP) {
                        m = new Mem(Reg.RSP, Mem.NONE, 1, m.disp() - 8, 8, false, m.wideDisp());
                    }
                    g.emit(Encoder.modrm(new int[0], false, new int[] {0x8f}, null, 0, m, Encoder.NO_IMM, g.pc()),
                            "pop " + m, Family.PUSH_POP, 0, 0, 0);
                    g.stackDepth -= 8;
                }
            }
        }
    }

    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor"};

    /** LOCK-prefixed RMW on naturally aligned memory (never split across cache lines). */
    static void locked(Gen g) {
        int kind = g.rnd.nextInt(9);
        int size = g.size();
        int b8 = size == 1 ? 0 : 1;
        int[] p = Encoder.prefixes(0xf0, size);
        switch (kind) {
            case 0, 1 -> { // LOCK ALU m, r / m, imm
                int op = g.rnd.nextInt(7);
                boolean logic = op == 1 || op == 4 || op == 6;
                long reads = (op == 2 || op == 3) ? Flags.CF : 0;
                long undef = logic ? Flags.AF : 0;
                g.need(reads);
                Mem m = g.mem(size, 0, size);
                if (kind == 0) {
                    Reg r = g.anyReg(size);
                    g.emit(Encoder.modrm(p, w(size), new int[] {op * 8 + b8}, r, 0, m, Encoder.NO_IMM, g.pc()),
                            "lock " + ALU[op] + " " + ops(m, r), Family.LOCKED, reads, Flags.ARITH & ~undef, undef);
                } else {
                    int isz = Math.min(size, 4);
                    long imm = g.value(isz);
                    g.emit(Encoder.modrm(p, w(size), new int[] {size == 1 ? 0x80 : 0x81}, null, op, m, Encoder.imm(imm, isz), g.pc()),
                            "lock " + ALU[op] + " " + ops(m, imm), Family.LOCKED, reads, Flags.ARITH & ~undef, undef);
                }
            }
            case 2 -> { // LOCK INC/DEC/NOT/NEG m
                int k = g.rnd.nextInt(4);
                Mem m = g.mem(size, 0, size);
                int[] opc = {k < 2 ? 0xfe + b8 : 0xf6 + b8};
                int digit = new int[] {0, 1, 2, 3}[k];
                long writes = k < 2 ? Flags.ARITH & ~Flags.CF : k == 2 ? 0 : Flags.ARITH;
                g.emit(Encoder.modrm(p, w(size), opc, null, digit, m, Encoder.NO_IMM, g.pc()),
                        "lock " + new String[] {"inc ", "dec ", "not ", "neg "}[k] + m, Family.LOCKED, 0, writes, 0);
            }
            case 3 -> { // XCHG m, r (LOCK is implied; the prefix is allowed)
                Mem m = g.mem(size, 0, size);
                Reg r = g.destReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x86 + b8}, r, 0, m, Encoder.NO_IMM, g.pc()),
                        "lock xchg " + ops(m, r), Family.LOCKED, 0, 0, 0);
            }
            case 4 -> { // LOCK XADD m, r: flags as ADD
                Mem m = g.mem(size, 0, size);
                Reg r = g.destReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x0f, 0xc0 + b8}, r, 0, m, Encoder.NO_IMM, g.pc()),
                        "lock xadd " + ops(m, r), Family.LOCKED, 0, Flags.ARITH, 0);
            }
            case 5 -> { // LOCK CMPXCHG m, r: flags as CMP of the accumulator with m
                Mem m = g.mem(size, 1 << Reg.RAX, size);
                if (g.chance(50)) { // equal case: load the accumulator from the operand first
                    Reg acc = Reg.of(Reg.RAX, size);
                    g.setup(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x8a + b8}, acc, 0, m, Encoder.NO_IMM, g.pc()),
                            "mov " + ops(acc, m));
                }
                Reg r = g.destReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x0f, 0xb0 + b8}, r, 0, m, Encoder.NO_IMM, g.pc()),
                        "lock cmpxchg " + ops(m, r), Family.LOCKED, 0, Flags.ARITH, 0);
            }
            case 6 -> { // LOCK CMPXCHG8B / CMPXCHG16B: only ZF changes
                boolean b16 = g.chance(50);
                int width = b16 ? 8 : 4;
                Mem m = g.mem(b16 ? 16 : 8, (1 << Reg.RAX) | (1 << Reg.RDX), b16 ? 16 : 8);
                if (g.chance(50)) {
                    Reg a = Reg.of(Reg.RAX, width);
                    Reg d = Reg.of(Reg.RDX, width);
                    Mem lo = m.withSize(width);
                    Mem hi = new Mem(m.base(), m.index(), m.scale(), m.disp() + width, width, m.addr32(), m.wideDisp());
                    g.setup(Encoder.modrm(new int[0], b16, new int[] {0x8b}, a, 0, lo, Encoder.NO_IMM, g.pc()), "mov " + ops(a, lo));
                    g.setup(Encoder.modrm(new int[0], b16, new int[] {0x8b}, d, 0, hi, Encoder.NO_IMM, g.pc()), "mov " + ops(d, hi));
                }
                g.emit(Encoder.modrm(new int[] {0xf0}, b16, new int[] {0x0f, 0xc7}, null, 1, m, Encoder.NO_IMM, g.pc()),
                        "lock " + (b16 ? "cmpxchg16b " : "cmpxchg8b ") + m, Family.LOCKED, 0, Flags.ZF, 0);
            }
            default -> ShiftsAndBits.bitTest(g, true);
        }
    }

    static void cmpxchgXadd(Gen g) {
        int size = g.size();
        boolean xadd = g.chance(50);
        boolean mem = g.chance(50) || (size == 4 && !xadd);
        cmpxchgXadd(g, size, xadd, mem, Family.CMPXCHG_XADD);
    }

    static void cmpxchgR32(Gen g) {
        cmpxchgXadd(g, 4, false, false, Family.CMPXCHG_R32);
    }

    private static void cmpxchgXadd(Gen g, int size, boolean xadd, boolean mem, Family family) {
        int b8 = size == 1 ? 0 : 1;
        Operand dst = mem ? g.mem(size, 1 << Reg.RAX, 1) : g.destReg(size);
        if (!xadd && g.chance(50)) { // equal case: copy the operand into the accumulator first
            Reg acc = Reg.of(Reg.RAX, size);
            g.setup(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x8a + b8}, acc, 0, dst, Encoder.NO_IMM, g.pc()),
                    "mov " + ops(acc, dst));
        }
        Reg r = g.destReg(size);
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, (xadd ? 0xc0 : 0xb0) + b8}, r, 0, dst,
                        Encoder.NO_IMM, g.pc()),
                (xadd ? "xadd " : "cmpxchg ") + ops(dst, r), family, 0, Flags.ARITH, 0);
    }

    static void lahfSahf(Gen g) {
        long five = Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
        if (g.chance(50)) {
            g.need(five);
            g.emit(Encoder.raw(0x9f), "lahf", Family.LAHF_SAHF, five, 0, 0);
        } else {
            if (g.chance(50)) {
                int v = g.rnd.nextInt(256);
                g.setup(Encoder.raw(0xb4, v), "mov ah," + Gen.hex(v));
            }
            g.emit(Encoder.raw(0x9e), "sahf", Family.LAHF_SAHF, 0, five, 0);
        }
    }

    static void flagOps(Gen g) {
        switch (g.rnd.nextInt(5)) {
            case 0 -> g.emit(Encoder.raw(0xf8), "clc", Family.FLAG_OPS, 0, Flags.CF, 0);
            case 1 -> g.emit(Encoder.raw(0xf9), "stc", Family.FLAG_OPS, 0, Flags.CF, 0);
            case 2 -> {
                g.need(Flags.CF);
                g.emit(Encoder.raw(0xf5), "cmc", Family.FLAG_OPS, Flags.CF, Flags.CF, 0);
            }
            case 3 -> g.emit(Encoder.raw(0xfc), "cld", Family.FLAG_OPS, 0, Flags.DF, 0);
            default -> g.emit(Encoder.raw(0xfd), "std", Family.FLAG_OPS, 0, Flags.DF, 0);
        }
    }

    /**
     * PUSHF pushes the arithmetic flags, DF, IF and bit 1; POPF is fed a controlled value (only
     * status flags and DF vary) so TF/AC/NT never get set in the user-mode harness.
     */
    static void pushfPopf(Gen g) {
        boolean w16 = g.chance(25);
        int step = w16 ? 2 : 8;
        boolean push = g.stackDepth < 0x300 && g.chance(50);
        if (push) {
            g.need(Flags.ARITH);
            g.emit(w16 ? Encoder.raw(0x66, 0x9c) : Encoder.raw(0x9c), w16 ? "pushfw" : "pushf", Family.PUSHF_POPF, Flags.ARITH | Flags.DF, 0, 0);
            g.stackDepth += step;
        } else if (g.stackDepth < 0x300) {
            long v = (g.rnd.nextLong() & (Flags.ARITH | (g.chance(30) ? Flags.DF : 0))) | Flags.FIXED;
            if (w16) {
                g.setup(Encoder.raw(0x66, 0x68, (int) v & 0xff, (int) (v >> 8) & 0xff), "pushw " + Gen.hex(v));
            } else {
                g.setup(Arithmetic.concat(new int[0], new int[0], 0x68, Encoder.imm(v, 4)), "push " + Gen.hex(v));
            }
            g.emit(w16 ? Encoder.raw(0x66, 0x9d) : Encoder.raw(0x9d), w16 ? "popfw" : "popf", Family.PUSHF_POPF, 0, Flags.ARITH | Flags.DF, 0);
        }
    }
}
