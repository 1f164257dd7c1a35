package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;
import static org.vtsim.conformance.differential.Gen.w;

/** ADD/ADC/SUB/SBB/CMP, INC/DEC/NEG, AND/OR/XOR/TEST/NOT (SDM Vol. 2A/2B, "Flags Affected"). */
final class Arithmetic {
    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

    private Arithmetic() {
    }

    /** The eight classic ALU operations in all encodings; {@code ops} picks which. */
    private static void aluOp(Gen g, int op, Family family) {
        boolean logic = op == 1 || op == 4 || op == 6;
        // AND/OR/XOR: OF=CF=0, SF ZF PF from the result, AF undefined.
        long undef = logic ? Flags.AF : 0;
        long writes = Flags.ARITH & ~undef;
        long reads = (op == 2 || op == 3) ? Flags.CF : 0;
        g.need(reads);
        int size = g.size();
        int[] p = Encoder.osize(size);
        int b8 = size == 1 ? 0 : 1;
        String m = ALU[op] + " ";
        switch (g.rnd.nextInt(6)) {
            case 0 -> { // r/m, r
                Operand dst = g.destRm(size, 40);
                Reg src = g.anyReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {op * 8 + b8}, src, 0, dst, Encoder.NO_IMM, g.pc()),
                        m + ops(dst, src), family, reads, writes, undef);
            }
            case 1 -> { // r, r/m
                Operand src = g.chance(50) ? g.mem(size) : g.anyReg(size);
                Reg dst = g.destReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {op * 8 + 2 + b8}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                        m + ops(dst, src), family, reads, writes, undef);
            }
            case 2 -> { // AL/AX/EAX/RAX, imm
                int isz = Math.min(size, 4);
                long imm = g.value(isz);
                byte[] b = concat(Encoder.osize(size), size == 8 ? new int[] {0x48} : new int[0], op * 8 + 4 + b8,
                        Encoder.imm(imm, isz));
                g.emit(b, m + ops(Reg.of(0, size), imm), family, reads, writes, undef);
            }
            case 3 -> { // r/m, imm8 sign-extended (83)
                if (size == 1) {
                    aluImm(g, op, family, size, p, m, reads, writes, undef);
                    return;
                }
                Operand dst = g.destRm(size, 40);
                long imm = (byte) g.value(1);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x83}, null, op, dst, Encoder.imm(imm, 1), g.pc()),
                        m + ops(dst, imm), family, reads, writes, undef);
            }
            default -> aluImm(g, op, family, size, p, m, reads, writes, undef);
        }
    }

    private static void aluImm(Gen g, int op, Family family, int size, int[] p, String m, long reads, long writes,
            long undef) {
        Operand dst = g.destRm(size, 40);
        int isz = Math.min(size, 4);
        long imm = g.value(isz);
        g.emit(Encoder.modrm(p, w(size), new int[] {size == 1 ? 0x80 : 0x81}, null, op, dst, Encoder.imm(imm, isz), g.pc()),
                m + ops(dst, imm), family, reads, writes, undef);
    }

    static byte[] concat(int[] pre, int[] rex, int opcode, byte[] imm) {
        byte[] b = new byte[pre.length + rex.length + 1 + imm.length];
        int i = 0;
        for (int x : pre) {
            b[i++] = (byte) x;
        }
        for (int x : rex) {
            b[i++] = (byte) x;
        }
        b[i++] = (byte) opcode;
        System.arraycopy(imm, 0, b, i, imm.length);
        return b;
    }

    static void alu(Gen g) {
        aluOp(g, g.pick(0, 2, 3, 5, 7), Family.ADD_SUB);
    }

    static void incDecNeg(Gen g) {
        int size = g.size();
        Operand dst = g.destRm(size, 40);
        int kind = g.rnd.nextInt(3);
        // INC/DEC leave CF unchanged; NEG defines all six (CF = source != 0).
        long writes = kind == 2 ? Flags.ARITH : Flags.ARITH & ~Flags.CF;
        int[] opcode = kind == 2 ? new int[] {size == 1 ? 0xf6 : 0xf7} : new int[] {size == 1 ? 0xfe : 0xff};
        int digit = kind == 2 ? 3 : kind;
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), opcode, null, digit, dst, Encoder.NO_IMM, g.pc()),
                new String[] {"inc ", "dec ", "neg "}[kind] + dst, Family.INC_DEC_NEG, 0, writes, 0);
    }

    static void logic(Gen g) {
        int kind = g.rnd.nextInt(6);
        if (kind < 3) {
            aluOp(g, new int[] {1, 4, 6}[kind], Family.LOGIC);
            return;
        }
        int size = g.size();
        int[] p = Encoder.osize(size);
        int b8 = size == 1 ? 0 : 1;
        if (kind == 3) { // NOT: no flags
            Operand dst = g.destRm(size, 40);
            g.emit(Encoder.modrm(p, w(size), new int[] {0xf6 + b8}, null, 2, dst, Encoder.NO_IMM, g.pc()),
                    "not " + dst, Family.LOGIC, 0, 0, 0);
            return;
        }
        long writes = Flags.ARITH & ~Flags.AF;
        if (kind == 4) { // TEST r/m, r (84/85)
            Operand a = g.chance(40) ? g.mem(size) : g.anyReg(size);
            Reg b = g.anyReg(size);
            g.emit(Encoder.modrm(p, w(size), new int[] {0x84 + b8}, b, 0, a, Encoder.NO_IMM, g.pc()),
                    "test " + ops(a, b), Family.LOGIC, 0, writes, Flags.AF);
        } else { // TEST r/m, imm (F6/F7 /0) or A8/A9
            int isz = Math.min(size, 4);
            long imm = g.value(isz);
            if (g.chance(30)) {
                g.emit(concat(p, size == 8 ? new int[] {0x48} : new int[0], 0xa8 + b8, Encoder.imm(imm, isz)),
                        "test " + ops(Reg.of(0, size), imm), Family.LOGIC, 0, writes, Flags.AF);
            } else {
                Operand a = g.chance(40) ? g.mem(size) : g.anyReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0xf6 + b8}, null, 0, a, Encoder.imm(imm, isz), g.pc()),
                        "test " + ops(a, imm), Family.LOGIC, 0, writes, Flags.AF);
            }
        }
    }
}
