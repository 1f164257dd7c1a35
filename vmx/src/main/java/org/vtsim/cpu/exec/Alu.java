package org.vtsim.cpu.exec;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LazyFlags;

/**
 * Integer arithmetic with the x86 flag rules (SDM Vol. 2 instruction pages). Pure functions of
 * their operands plus the flags object; no memory or register access.
 *
 * <p>Where the SDM leaves a flag undefined, the choice follows what an Intel host produces
 * (checked against this machine's CPU, the project's oracle): shifts and rotates compute OF as
 * for a count of 1 on the original operand whatever the count, and clear AF; MUL/IMUL clear ZF
 * and AF and set SF/PF from the low half; DIV/IDIV leave the flags unchanged; BT* change only CF.
 */
public final class Alu {
    private static final long CF = CpuState.CF;
    private static final long PF = CpuState.PF;
    private static final long AF = CpuState.AF;
    private static final long ZF = CpuState.ZF;
    private static final long SF = CpuState.SF;
    private static final long OF = CpuState.OF;

    private Alu() {
    }

    public static long mask(int size) {
        return size == 8 ? -1L : (1L << (size << 3)) - 1;
    }

    public static long signExtend(long v, int size) {
        int s = 64 - (size << 3);
        return v << s >> s;
    }

    private static long msb(long v, int size) {
        return (v >>> ((size << 3) - 1)) & 1;
    }

    /** SF, ZF and PF of a result, as bits. */
    public static long szp(long res, int size) {
        long f = 0;
        long m = res & mask(size);
        if (m == 0) {
            f |= ZF;
        }
        if (msb(res, size) != 0) {
            f |= SF;
        }
        if (LazyFlags.parity(res)) {
            f |= PF;
        }
        return f;
    }

    /** ADD, OR, ADC, SBB, AND, SUB, XOR, CMP by ModRM reg field; returns the result. */
    public static long alu(LazyFlags f, int kind, int size, long a, long b) {
        long r;
        switch (kind) {
            case 0 -> {
                r = a + b;
                f.set(LazyFlags.ADD, size, a, b, r);
            }
            case 1 -> {
                r = a | b;
                f.set(LazyFlags.LOGIC, size, a, b, r);
            }
            case 2 -> {
                long c = f.cf() ? 1 : 0;
                r = a + b + c;
                f.bits = c;
                f.set(LazyFlags.ADC, size, a, b, r);
            }
            case 3 -> {
                long c = f.cf() ? 1 : 0;
                r = a - b - c;
                f.bits = c;
                f.set(LazyFlags.SBB, size, a, b, r);
            }
            case 4 -> {
                r = a & b;
                f.set(LazyFlags.LOGIC, size, a, b, r);
            }
            case 6 -> {
                r = a ^ b;
                f.set(LazyFlags.LOGIC, size, a, b, r);
            }
            default -> { // SUB, CMP
                r = a - b;
                f.set(LazyFlags.SUB, size, a, b, r);
            }
        }
        return r;
    }

    public static long inc(LazyFlags f, int size, long a) {
        long c = f.cf() ? CF : 0;
        long r = a + 1;
        f.bits = c;
        f.set(LazyFlags.INC, size, a, 1, r);
        return r;
    }

    public static long dec(LazyFlags f, int size, long a) {
        long c = f.cf() ? CF : 0;
        long r = a - 1;
        f.bits = c;
        f.set(LazyFlags.DEC, size, a, 1, r);
        return r;
    }

    public static long neg(LazyFlags f, int size, long a) {
        long r = -a;
        f.set(LazyFlags.NEG, size, 0, a, r);
        return r;
    }

    /**
     * Group-2 shift or rotate (kind 0 ROL .. 7 SAR) by an unmasked count. Returns the result;
     * with a masked count of 0 the operand is returned and the flags are untouched (the
     * destination is still written, which zero-extends a 32-bit register as on hardware).
     */
    public static long shift(LazyFlags f, int kind, int size, long a, int count) {
        int bits = size << 3;
        int c = count & (size == 8 ? 0x3f : 0x1f);
        if (c == 0) {
            return a;
        }
        long m = mask(size);
        a &= m;
        long r;
        long cf;
        long of;
        switch (kind) {
            case 0 -> { // ROL
                long old = f.materialize(); // rotates keep SF/ZF/AF/PF; shifts replace all six
                int n = c % bits;
                r = n == 0 ? a : ((a << n) | (a >>> (bits - n))) & m;
                cf = r & 1;
                of = msb(a, size) ^ ((a >>> (bits - 2)) & 1);
                f.setBits((old & ~(CF | OF)) | (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
                return r;
            }
            case 1 -> { // ROR
                long old = f.materialize();
                int n = c % bits;
                r = n == 0 ? a : ((a >>> n) | (a << (bits - n))) & m;
                cf = msb(r, size);
                of = (a & 1) ^ msb(a, size);
                f.setBits((old & ~(CF | OF)) | (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
                return r;
            }
            case 2, 3 -> {
                long old = f.materialize();
                int n = size <= 2 ? c % (bits + 1) : c;
                long cin = old & CF;
                if (n == 0) {
                    return a;
                }
                r = a;
                long carry = cin;
                boolean left = kind == 2;
                // One bit at a time: counts are small and RCL/RCR are rare in compiled code.
                for (int i = 0; i < n; i++) {
                    if (left) {
                        long out = msb(r, size);
                        r = ((r << 1) | carry) & m;
                        carry = out;
                    } else {
                        long out = r & 1;
                        r = (r >>> 1) | (carry << (bits - 1));
                        carry = out;
                    }
                }
                of = left ? msb(a, size) ^ ((a >>> (bits - 2)) & 1) : msb(a, size) ^ cin;
                f.setBits((old & ~(CF | OF)) | (carry != 0 ? CF : 0) | (of != 0 ? OF : 0));
                return r;
            }
            case 4, 6 -> { // SHL/SAL
                r = c >= 64 ? 0 : (a << c) & m;
                cf = c > bits ? 0 : (a >>> (bits - c)) & 1;
                of = msb(a, size) ^ ((a >>> (bits - 2)) & 1);
            }
            case 5 -> { // SHR
                r = c >= 64 ? 0 : a >>> c;
                cf = c > bits ? 0 : (a >>> (c - 1)) & 1;
                of = msb(a, size);
            }
            default -> { // SAR
                long sa = signExtend(a, size);
                int cc = Math.min(c, 63);
                r = (sa >> cc) & m;
                cf = (sa >> Math.min(c - 1, 63)) & 1;
                of = 0;
            }
        }
        f.setShift(size, r, (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
        return r;
    }

    /** SHLD (left = true) / SHRD: shifts dst, filling from src (SDM Vol. 2B SHLD/SHRD). */
    public static long doubleShift(LazyFlags f, boolean left, int size, long dst, long src, int count) {
        int c = count & (size == 8 ? 0x3f : 0x1f);
        long m = mask(size);
        dst &= m;
        src &= m;
        if (c == 0) {
            return dst;
        }
        int bits = size << 3;
        long r;
        long cf;
        long of;
        if (size == 2) {
            // Counts above 16 are undefined; Intel shifts through dst:src:dst (48 bits).
            long v = dst << 32 | src << 16 | dst;
            if (left) {
                r = (v << c >>> 32) & 0xffff;
                cf = (v >>> (48 - c)) & 1;
            } else {
                r = (v >>> c) & 0xffff;
                cf = (v >>> (c - 1)) & 1;
            }
        } else if (left) {
            r = ((dst << c) | (c == 0 ? 0 : src >>> (bits - c))) & m;
            cf = (dst >>> (bits - c)) & 1;
        } else {
            r = ((dst >>> c) | (src << (bits - c))) & m;
            cf = (dst >>> (c - 1)) & 1;
        }
        if (left) {
            of = msb(dst, size) ^ ((dst >>> (bits - 2)) & 1);
        } else {
            of = msb(dst, size) ^ (src & 1);
        }
        f.setBits(szp(r, size) | (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
        return r;
    }

    /** Flags after MUL/IMUL: CF = OF = overflow; SF, PF from the low half; ZF, AF clear. */
    public static void mulFlags(LazyFlags f, int size, long low, boolean overflow) {
        long fl = szp(low, size) & ~ZF;
        if (overflow) {
            fl |= CF | OF;
        }
        f.setBits(fl);
    }

    /** Two- and three-operand IMUL: the truncated product, flags set. */
    public static long imul(LazyFlags f, int size, long a, long b) {
        long sa = signExtend(a, size);
        long sb = signExtend(b, size);
        long r = sa * sb;
        boolean overflow;
        if (size == 8) {
            overflow = Math.multiplyHigh(sa, sb) != (r >> 63);
        } else {
            overflow = signExtend(r, size) != r;
        }
        mulFlags(f, size, r, overflow);
        return r & mask(size);
    }
}
