package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;
import static org.vtsim.conformance.differential.Gen.w;

import java.math.BigInteger;

/**
 * MUL, IMUL (one-, two- and three-operand), DIV, IDIV in all widths (SDM Vol. 2A/2B). Division
 * operands are built from a chosen quotient, divisor and remainder so that no #DE is raised.
 */
final class MulDiv {
    private MulDiv() {
    }

    /** MUL/IMUL: CF and OF defined; SF ZF AF PF undefined. */
    private static final long MUL_UNDEF = Flags.SF | Flags.ZF | Flags.AF | Flags.PF;

    static void mul(Gen g) {
        int kind = g.rnd.nextInt(4);
        long writes = Flags.CF | Flags.OF;
        if (kind <= 1) { // MUL/IMUL r/m: rDX:rAX = rAX * r/m (AX = AL * r/m8)
            int size = g.size();
            Operand src = g.chance(40) ? g.mem(size) : g.anyReg(size);
            g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {size == 1 ? 0xf6 : 0xf7}, null, 4 + kind, src,
                            Encoder.NO_IMM, g.pc()),
                    (kind == 0 ? "mul " : "imul ") + src, Family.MUL_IMUL, 0, writes, MUL_UNDEF);
            return;
        }
        int size = g.size16up();
        Operand src = g.chance(40) ? g.mem(size) : g.anyReg(size);
        Reg dst = g.destReg(size);
        if (kind == 2) { // IMUL r, r/m
            g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, 0xaf}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                    "imul " + ops(dst, src), Family.MUL_IMUL, 0, writes, MUL_UNDEF);
        } else { // IMUL r, r/m, imm8 (6B) or imm16/32 (69)
            boolean byte8 = g.chance(50);
            int isz = byte8 ? 1 : Math.min(size, 4);
            long imm = g.value(isz);
            long shown = byte8 ? (byte) imm : isz == 2 ? (short) imm : (int) imm;
            g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {byte8 ? 0x6b : 0x69}, dst, 0, src,
                            Encoder.imm(imm, isz), g.pc()),
                    "imul " + ops(dst, src, shown), Family.MUL_IMUL, 0, writes, MUL_UNDEF);
        }
    }

    static void div(Gen g) {
        int size = g.size();
        int bits = size * 8;
        boolean signed = g.chance(50);
        BigInteger divisor;
        BigInteger quotient;
        BigInteger remainder;
        do {
            divisor = BigInteger.valueOf(g.value(size));
            divisor = signed ? signExtend(divisor, bits) : divisor.and(mask(bits));
        } while (divisor.signum() == 0);
        long qv = g.value(size);
        quotient = signed ? signExtend(BigInteger.valueOf(qv), bits) : BigInteger.valueOf(qv).and(mask(bits));
        BigInteger absD = divisor.abs();
        remainder = new BigInteger(bits + 8, new java.util.Random(g.rnd.nextLong())).mod(absD);
        BigInteger dividend = quotient.multiply(divisor);
        if (signed && (dividend.signum() < 0 || (dividend.signum() == 0 && g.chance(50)))) {
            remainder = remainder.negate(); // the remainder takes the dividend's sign (SDM IDIV)
        }
        dividend = dividend.add(remainder);
        BigInteger raw = dividend.and(mask(2 * bits));
        long low = raw.and(mask(bits)).longValue();
        long high = raw.shiftRight(bits).and(mask(bits)).longValue();
        // Dividend first (RAX/RDX), then the divisor, which must not live in them.
        if (size == 1) {
            long ax = raw.longValue() & 0xffff;
            g.setup(Encoder.raw(0x66, 0xb8, (int) ax & 0xff, (int) (ax >> 8)), "mov ax," + Gen.hex(ax));
        } else {
            loadSized(g, Reg.RDX, size, high);
            loadSized(g, Reg.RAX, size, low);
        }
        int excluded = (1 << Reg.RAX) | (1 << Reg.RDX);
        long d = divisor.and(mask(bits)).longValue();
        Operand src;
        if (g.chance(40) && (size < 8 || d == (int) d)) {
            Mem m = g.mem(size, excluded, 1);
            int isz = Math.min(size, 4);
            g.setup(Encoder.modrm(Encoder.osize(size), w(size), new int[] {size == 1 ? 0xc6 : 0xc7}, null, 0, m,
                    Encoder.imm(d, isz), g.pc()), "mov " + ops(m, d));
            src = m;
        } else {
            Reg r = Reg.of(g.rnd.nextInt(16), size);
            if (((excluded | (1 << Reg.RSP)) >> r.num() & 1) != 0) {
                r = Reg.of(8 + g.rnd.nextInt(8), size);
            }
            loadSized(g, r.num(), size, d);
            src = r;
        }
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {size == 1 ? 0xf6 : 0xf7}, null, signed ? 7 : 6, src,
                        Encoder.NO_IMM, g.pc()),
                (signed ? "idiv " : "div ") + src, Family.DIV_IDIV, 0, 0, Flags.ARITH);
    }

    /**
     * DIV/IDIV that raises #DE (SDM Vol. 2A DIV: divisor 0, or a quotient too large for the
     * destination): the fault is compared (vector, faulting RIP, the registers and flags at the
     * fault, memory), which checks that a faulting instruction changes nothing.
     */
    static void divFault(Gen g) {
        int size = g.size();
        boolean signed = g.chance(50);
        long min = 1L << (size * 8 - 1);
        int why = g.rnd.nextInt(3);
        long divisor = why == 0 ? 0 : signed ? -1 : g.value(size) | 1;
        if (size == 1) {
            long ax = why == 0 ? g.value(2) : signed ? min & 0xffff : (divisor & 0xff) << 8 | g.rnd.nextInt(256);
            if (signed && why != 0) {
                ax = 0xff80; // -128 / -1 = 128 does not fit in AL
            }
            g.setup(Encoder.raw(0x66, 0xb8, (int) ax & 0xff, (int) (ax >> 8) & 0xff), "mov ax," + Gen.hex(ax));
        } else {
            long high = why == 0 ? g.value(size) : signed ? -1 : divisor;
            long low = why == 0 ? g.value(size) : signed ? min : g.value(size);
            loadSized(g, Reg.RDX, size, high);
            loadSized(g, Reg.RAX, size, low);
        }
        Reg r = Reg.of(8 + g.rnd.nextInt(8), size);
        loadSized(g, r.num(), size, divisor);
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {size == 1 ? 0xf6 : 0xf7}, null, signed ? 7 : 6, r,
                        Encoder.NO_IMM, g.pc()),
                (signed ? "idiv " : "div ") + r, Family.DIV_FAULT, 0, 0, 0);
    }

    /** MOV r, imm of the given width (B0+r / B8+r), leaving the other bits as the width rules say. */
    static void loadSized(Gen g, int reg, int size, long value) {
        Reg r = Reg.of(reg, size);
        g.setup(Encoder.opReg(Encoder.osize(size), w(size), new int[] {size == 1 ? 0xb0 : 0xb8}, r, Encoder.imm(value, size)),
                (size == 8 ? "movabs " : "mov ") + ops(r, value));
    }

    private static BigInteger mask(int bits) {
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }

    private static BigInteger signExtend(BigInteger v, int bits) {
        BigInteger m = v.and(mask(bits));
        return m.testBit(bits - 1) ? m.subtract(BigInteger.ONE.shiftLeft(bits)) : m;
    }
}
