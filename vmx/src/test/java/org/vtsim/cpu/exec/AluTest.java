package org.vtsim.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LazyFlags;

/**
 * Flag rules. The example values were observed on this project's Intel build host (pushfq after
 * the instruction), which is the oracle for the SDM's "undefined" flags.
 */
class AluTest {
    private static final long F0 = 0;
    private static final long F1 = 0x8d5;

    private static long run(long flagsIn, java.util.function.ToLongFunction<LazyFlags> op, long[] result) {
        LazyFlags f = new LazyFlags();
        f.setBits(flagsIn);
        result[0] = op.applyAsLong(f);
        return f.materialize();
    }

    @Test
    void shiftsComputeOfAsForACountOfOneAndClearAf() {
        long[] r = new long[1];
        assertEquals(0x001, run(F0, f -> Alu.shift(f, 4, 4, 0xc0000001L, 2), r)); // shl eax,2
        assertEquals(4, r[0]);
        assertEquals(0x801, run(F1, f -> Alu.shift(f, 4, 4, 0x40000001L, 2), r));
        assertEquals(0x805, run(F0, f -> Alu.shift(f, 5, 4, 0x80000003L, 2), r)); // shr
        assertEquals(0x085, run(F1, f -> Alu.shift(f, 7, 4, 0x80000003L, 2), r)); // sar
        assertEquals(0xe0000000L, r[0]);
        assertEquals(0x044, run(F0, f -> Alu.shift(f, 4, 1, 0xff, 9), r)); // shl al,9
        assertEquals(0x045, run(F0, f -> Alu.shift(f, 4, 1, 0x01, 8), r)); // shl al,8
        assertEquals(0x844, run(F0, f -> Alu.shift(f, 5, 1, 0xff, 9), r)); // shr al,9
    }

    @Test
    void rotatesChangeOnlyCfAndOf() {
        long[] r = new long[1];
        assertEquals(0x8d4, run(F1, f -> Alu.shift(f, 0, 4, 0x40000000L, 3), r)); // rol eax,3
        assertEquals(2, r[0]);
        assertEquals(0x801, run(F0, f -> Alu.shift(f, 0, 1, 0x81, 8), r)); // rol al,8
        assertEquals(0x8d5, run(F1, f -> Alu.shift(f, 2, 1, 0x81, 9), r)); // rcl al,9: no change
        assertEquals(0x81, r[0]);
        assertEquals(0x8d4, run(F1, f -> Alu.shift(f, 3, 4, 1, 2), r)); // rcr eax,2 with CF=1
        assertEquals(0xc0000000L, r[0]);
        assertEquals(0x801, run(F0, f -> Alu.shift(f, 0, 2, 0x8001, 16), r)); // rol ax,16
    }

    @Test
    void zeroCountLeavesFlagsAlone() {
        long[] r = new long[1];
        assertEquals(F1, run(F1, f -> Alu.shift(f, 4, 4, 0x12345678L, 0), r));
        assertEquals(F1, run(F1, f -> Alu.shift(f, 1, 4, 1, 32), r)); // ror eax,32: count masks to 0
    }

    @Test
    void doubleShiftsIncludingSixteenBitCountsAboveSixteen() {
        long[] r = new long[1];
        assertEquals(0x844, run(F1, f -> Alu.doubleShift(f, true, 4, 0x40000000L, 3, 3), r));
        assertEquals(0x805, run(F0, f -> Alu.doubleShift(f, false, 4, 5, 3, 3), r));
        assertEquals(0x60000000L, r[0]);
        run(F0, f -> Alu.doubleShift(f, true, 2, 0x1234, 0x14, 20), r);
        assertEquals(0x141, r[0]);
        run(F0, f -> Alu.doubleShift(f, true, 2, 0x1234, 0x11, 17), r);
        assertEquals(0x22, r[0]);
        run(F0, f -> Alu.doubleShift(f, false, 2, 0x1234, 0x14, 20), r);
        assertEquals(0x4001, r[0]);
    }

    @Test
    void multiplyFlags() {
        long[] r = new long[1];
        assertEquals(0x084, run(F0, f -> Alu.imul(f, 4, 0x80000000L, 1), r));
        assertEquals(0x004, run(F1, f -> Alu.imul(f, 4, 0, 5), r)); // ZF clear even for a zero product
    }

    @Test
    void logicClearsAf() {
        long[] r = new long[1];
        assertEquals(0x000, run(F1, f -> Alu.alu(f, 4, 4, 0x10, 0x10), r));
    }

    /** ADD/SUB/ADC/SBB flags against a direct computation on wide integers, all sizes. */
    @Test
    void arithmeticFlagsMatchWideArithmetic() {
        qt().withExamples(3000).forAll(longs().all(), longs().all(), longs().between(0, 31))
                .checkAssert((a, b, sel) -> {
                    int size = 1 << (sel & 3);
                    int kind = new int[] {0, 2, 3, 5, 7, 0, 5, 3}[(int) (sel >> 2)];
                    boolean cin = (sel & 1) != 0;
                    long m = Alu.mask(size);
                    java.math.BigInteger ua = java.math.BigInteger.valueOf(a & m).and(mask(size));
                    java.math.BigInteger ub = java.math.BigInteger.valueOf(b & m).and(mask(size));
                    LazyFlags f = new LazyFlags();
                    f.setBits(cin ? CpuState.CF : 0);
                    long carryIn = (kind == 2 || kind == 3) && cin ? 1 : 0;
                    long res = Alu.alu(f, kind, size, a, b);
                    boolean add = kind == 0 || kind == 2;
                    java.math.BigInteger wide = add ? ua.add(ub).add(java.math.BigInteger.valueOf(carryIn))
                            : ua.subtract(ub).subtract(java.math.BigInteger.valueOf(carryIn));
                    boolean cf = add ? wide.bitLength() > size * 8 : wide.signum() < 0;
                    long sa = Alu.signExtend(a, size);
                    long sb = Alu.signExtend(b, size);
                    java.math.BigInteger sw = add
                            ? java.math.BigInteger.valueOf(sa).add(java.math.BigInteger.valueOf(sb)).add(
                                    java.math.BigInteger.valueOf(carryIn))
                            : java.math.BigInteger.valueOf(sa).subtract(java.math.BigInteger.valueOf(sb)).subtract(
                                    java.math.BigInteger.valueOf(carryIn));
                    boolean of = sw.bitLength() > size * 8 - 1;
                    assertEquals(cf, f.cf(), "CF");
                    assertEquals(of, f.of(), "OF");
                    assertEquals((res & m) == 0, f.zf(), "ZF");
                    assertEquals(Alu.signExtend(res, size) < 0, f.sf(), "SF");
                    assertEquals((((a ^ b ^ res) >> 4) & 1) != 0, f.af(), "AF");
                    // Condition codes agree with the flags they are defined by.
                    assertEquals(cf, f.condition(2), "B");
                    assertEquals(f.sf() != f.of(), f.condition(12), "L");
                    assertEquals(f.zf() || f.sf() != f.of(), f.condition(14), "LE");
                    assertEquals(cf || f.zf(), f.condition(6), "BE");
                });
    }

    private static java.math.BigInteger mask(int size) {
        return java.math.BigInteger.ONE.shiftLeft(size * 8).subtract(java.math.BigInteger.ONE);
    }
}
