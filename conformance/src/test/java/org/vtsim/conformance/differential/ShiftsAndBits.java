package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;
import static org.vtsim.conformance.differential.Gen.w;

/**
 * Shifts and rotates (SDM Vol. 2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD) and bit
 * operations (BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT/POPCNT). The count is always known to the
 * generator (an immediate, 1, or a CL it loads), so the flags written and left undefined are
 * computed from the SDM's rules for that exact count.
 */
final class ShiftsAndBits {
    private static final String[] GRP2 = {"rol", "ror", "rcl", "rcr", "shl", "shr", "", "sar"};

    private ShiftsAndBits() {
    }

    /** A shift/rotate count with the boundary cases well represented. */
    private static int count(Gen g, int size) {
        int bits = size * 8;
        return switch (g.rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> g.pick(bits - 1, bits, bits + 1, 31, 32, 63, 64, 9, 17);
            case 3 -> g.rnd.nextInt(256);
            default -> g.rnd.nextInt(1, bits);
        };
    }

    /** Emits a group-2 instruction with the count in one of its three forms. */
    private static void group2(Gen g, int op, Family family, int size, int count, long reads, long writes, long undef) {
        int[] p = Encoder.osize(size);
        int b8 = size == 1 ? 0 : 1;
        int form = count == 1 ? g.rnd.nextInt(3) : 1 + g.rnd.nextInt(2);
        if (form == 2) {
            g.setup(Encoder.raw(0xb1, count), "mov cl," + Gen.hex(count));
        }
        g.need(reads);
        Operand dst = g.chance(35) ? g.mem(size, 1 << Reg.RCX, 1) : g.destReg(size);
        String m = GRP2[op] + " ";
        switch (form) {
            case 0 -> g.emit(Encoder.modrm(p, w(size), new int[] {0xd0 + b8}, null, op, dst, Encoder.NO_IMM, g.pc()),
                    m + ops(dst, "1"), family, reads, writes, undef);
            case 1 -> g.emit(Encoder.modrm(p, w(size), new int[] {0xc0 + b8}, null, op, dst, Encoder.imm(count, 1), g.pc()),
                    m + ops(dst, (long) count), family, reads, writes, undef);
            default -> g.emit(Encoder.modrm(p, w(size), new int[] {0xd2 + b8}, null, op, dst, Encoder.NO_IMM, g.pc()),
                    m + ops(dst, "cl"), family, reads, writes, undef);
        }
    }

    static void shift(Gen g) {
        int op = g.pick(4, 5, 7);
        int size = g.size();
        int count = count(g, size);
        int masked = count & (size == 8 ? 63 : 31);
        long writes = 0;
        long undef = 0;
        if (masked != 0) {
            // CF = last bit out (undefined for SHL/SHR when count >= width), OF only for 1-bit
            // shifts, AF undefined, SF ZF PF from the result.
            writes = Flags.CF | Flags.SF | Flags.ZF | Flags.PF | Flags.OF;
            undef = Flags.AF;
            if (masked != 1) {
                undef |= Flags.OF;
            }
            if (op != 7 && masked >= size * 8) {
                undef |= Flags.CF;
            }
            writes &= ~undef;
        }
        group2(g, op, Family.SHIFT, size, count, 0, writes, undef);
    }

    static void rotate(Gen g) {
        int op = g.rnd.nextInt(4);
        int size = g.size();
        int count = count(g, size);
        int masked = count & (size == 8 ? 63 : 31);
        long reads = op >= 2 ? Flags.CF : 0;
        long writes = 0;
        long undef = 0;
        if (masked != 0) {
            // Only CF and OF; OF is defined for 1-bit rotates only (SDM RCL/RCR/ROL/ROR).
            writes = Flags.CF;
            if (masked == 1) {
                writes |= Flags.OF;
            } else {
                undef = Flags.OF;
            }
        }
        group2(g, op, Family.ROTATE, size, count, reads, writes, undef);
    }

    static void doubleShift(Gen g) {
        int size = g.size16up();
        boolean right = g.chance(50);
        int count = count(g, size);
        int mask = size == 8 ? 63 : 31;
        if (size == 2 && (count & mask) > 16) {
            count = g.rnd.nextInt(17); // count > 16 leaves a 16-bit result undefined (SDM SHLD)
        }
        int masked = count & mask;
        long writes = 0;
        long undef = 0;
        if (masked != 0) {
            writes = Flags.CF | Flags.SF | Flags.ZF | Flags.PF | (masked == 1 ? Flags.OF : 0);
            undef = Flags.AF | (masked == 1 ? 0 : Flags.OF);
        }
        boolean byCl = g.chance(50);
        if (byCl) {
            g.setup(Encoder.raw(0xb1, count), "mov cl," + Gen.hex(count));
        }
        Operand dst = g.chance(35) ? g.mem(size, 1 << Reg.RCX, 1) : g.destReg(size);
        Reg src = g.anyReg(size);
        int op = (right ? 0xac : 0xa4) + (byCl ? 1 : 0);
        String m = right ? "shrd " : "shld ";
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, op}, src, 0, dst,
                        byCl ? Encoder.NO_IMM : Encoder.imm(count, 1), g.pc()),
                m + ops(dst, src, byCl ? "cl" : Gen.hex(count)), Family.SHLD_SHRD, 0, writes, undef);
    }

    static void bitTest(Gen g) {
        bitTest(g, false);
    }

    /** BT/BTS/BTR/BTC; {@code lock} makes a LOCK-prefixed memory form (not BT). */
    static void bitTest(Gen g, boolean lock) {
        int size = g.size16up();
        int op = lock ? 1 + g.rnd.nextInt(3) : g.rnd.nextInt(4); // bt bts btr btc
        String m = new String[] {"bt ", "bts ", "btr ", "btc "}[op];
        // CF = the selected bit; OF SF AF PF undefined; ZF unchanged (SDM BT).
        long writes = Flags.CF;
        long undef = Flags.OF | Flags.SF | Flags.AF | Flags.PF;
        int[] p = lock ? Encoder.prefixes(0xf0, size) : Encoder.osize(size);
        if (g.chance(50)) { // imm8 offset, taken modulo the operand width
            long imm = g.rnd.nextInt(256);
            Operand dst = lock || g.chance(40) ? g.mem(size, 0, lock ? size : 1)
                    : (op == 0 ? g.anyReg(size) : g.destReg(size));
            g.emit(Encoder.modrm(p, w(size), new int[] {0x0f, 0xba}, null, 4 + op, dst, Encoder.imm(imm, 1), g.pc()),
                    (lock ? "lock " : "") + m + ops(dst, imm), lock ? Family.LOCKED : Family.BT, 0, writes, undef);
            return;
        }
        Reg offset = g.destReg(size);
        Operand dst;
        if (lock || g.chance(50)) {
            // A register offset addresses a bit string around the operand (signed, any distance):
            // keep it within +-256 bytes and the operand in the middle of the data area.
            long bitOffset = g.rnd.nextInt(-256 * 8, 256 * 8);
            g.load64(offset.num(), bitOffset);
            dst = g.memIn(size, 1 << offset.num(), lock ? size : 1, Layout.DATA + 0x100, Layout.DATA_END - 0x110);
        } else {
            dst = op == 0 ? g.anyReg(size) : g.destReg(size);
        }
        int opc = new int[] {0xa3, 0xab, 0xb3, 0xbb}[op];
        g.emit(Encoder.modrm(p, w(size), new int[] {0x0f, opc}, offset, 0, dst, Encoder.NO_IMM, g.pc()),
                (lock ? "lock " : "") + m + ops(dst, offset), lock ? Family.LOCKED : Family.BT, 0, writes, undef);
    }

    static void bitScan(Gen g) {
        int size = g.size16up();
        boolean reverse = g.chance(50);
        // A zero source leaves the destination undefined (SDM BSF/BSR): set one bit first.
        Operand src = g.chance(40) ? g.mem(size) : g.destReg(size);
        int bit = g.rnd.nextInt(size * 8);
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, 0xba}, null, 5, src, Encoder.imm(bit, 1), g.pc()),
                "bts " + ops(src, (long) bit), null, 0, Flags.CF, Flags.OF | Flags.SF | Flags.AF | Flags.PF);
        Reg dst = g.destReg(size);
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x0f, reverse ? 0xbd : 0xbc}, dst, 0, src,
                        Encoder.NO_IMM, g.pc()),
                (reverse ? "bsr " : "bsf ") + ops(dst, src), Family.BSF_BSR, 0, Flags.ZF,
                Flags.CF | Flags.OF | Flags.SF | Flags.AF | Flags.PF);
    }

    static void count(Gen g) {
        HostFeatures f = g.features;
        int[] choices = new int[3];
        int n = 0;
        if (f.tzcnt()) {
            choices[n++] = 0xbc;
        }
        if (f.lzcnt()) {
            choices[n++] = 0xbd;
        }
        if (f.popcnt()) {
            choices[n++] = 0xb8;
        }
        if (n == 0) {
            bitScan(g);
            return;
        }
        int op = choices[g.rnd.nextInt(n)];
        int size = g.size16up();
        Operand src = g.chance(40) ? g.mem(size) : g.anyReg(size);
        Reg dst = g.destReg(size);
        String m = op == 0xbc ? "tzcnt " : op == 0xbd ? "lzcnt " : "popcnt ";
        // TZCNT/LZCNT: CF = source is zero, ZF = result is zero, OF SF PF AF undefined.
        // POPCNT: OF SF AF CF PF cleared, ZF = source is zero.
        long undef = op == 0xb8 ? 0 : Flags.OF | Flags.SF | Flags.PF | Flags.AF;
        g.emit(Encoder.modrm(Encoder.prefixes(0xf3, size), w(size), new int[] {0x0f, op}, dst, 0, src, Encoder.NO_IMM,
                g.pc()), m + ops(dst, src), Family.TZCNT_LZCNT_POPCNT, 0, Flags.ARITH & ~undef, undef);
    }
}
