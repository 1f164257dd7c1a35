package org.vtsim.cpu;

/**
 * The six arithmetic flags (CF, PF, AF, ZF, SF, OF; SDM Vol. 1 3.4.3.1) kept lazily: the last
 * flag-setting operation records its kind, operand size, operands and result, and each flag is
 * computed only when something reads it (a Jcc, SETcc, CMOVcc, ADC, PUSHF...). Operations whose
 * flags are awkward to recompute (shifts, multiplies, bit scans) store the flag bits directly
 * ({@link #NONE}).
 */
public final class LazyFlags {
    /** Flags are materialised in {@link #bits}. */
    public static final int NONE = 0;
    public static final int ADD = 1;
    public static final int ADC = 2;
    public static final int SUB = 3;
    public static final int SBB = 4;
    /** AND/OR/XOR/TEST: CF = OF = 0, AF = 0 (undefined in the SDM; what Intel parts produce). */
    public static final int LOGIC = 5;
    /** INC/DEC: CF is preserved in {@link #bits}. */
    public static final int INC = 6;
    public static final int DEC = 7;
    /** NEG: dst = 0, src = operand. */
    public static final int NEG = 8;
    /**
     * SHL/SHR/SAR with a non-zero count: SF, ZF and PF from the result, CF and OF kept in {@link #bits}
     * (computed by the shift), AF = 0 (what Intel parts produce, see {@code Alu#shift}). Kept lazy because
     * compiled C shifts often and reads their flags rarely: the parity is then never computed.
     */
    public static final int SHIFT = 9;

    private static final long CF = CpuState.CF;
    private static final long PF = CpuState.PF;
    private static final long AF = CpuState.AF;
    private static final long ZF = CpuState.ZF;
    private static final long SF = CpuState.SF;
    private static final long OF = CpuState.OF;

    public int op = NONE;
    /** Operand size in bytes. */
    public int size = 8;
    public long dst;
    public long src;
    public long res;
    /** Materialised flags for {@link #NONE}; carry-in for ADC/SBB and preserved CF for INC/DEC. */
    public long bits;

    public void set(int op, int size, long dst, long src, long res) {
        this.op = op;
        this.size = size;
        this.dst = dst;
        this.src = src;
        this.res = res;
    }

    /** A shift's flags: SF/ZF/PF of {@code res} at {@code size}, CF and OF as given (RFLAGS bits). */
    public void setShift(int size, long res, long cfOf) {
        this.op = SHIFT;
        this.size = size;
        this.res = res;
        this.bits = cfOf;
    }

    /** Sets all six flags directly. */
    public void setBits(long flags) {
        this.op = NONE;
        this.bits = flags & CpuState.ARITH_FLAGS;
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (size << 3)) - 1;
    }

    private static int signShift(int size) {
        return (size << 3) - 1;
    }

    public boolean cf() {
        long m = mask(size);
        return switch (op) {
            case NONE, INC, DEC, SHIFT -> (bits & CF) != 0;
            case ADD -> Long.compareUnsigned(res & m, dst & m) < 0;
            case ADC -> (bits & CF) != 0 ? Long.compareUnsigned(res & m, dst & m) <= 0
                    : Long.compareUnsigned(res & m, dst & m) < 0;
            case SUB -> Long.compareUnsigned(dst & m, src & m) < 0;
            case SBB -> (bits & CF) != 0 ? Long.compareUnsigned(dst & m, src & m) <= 0
                    : Long.compareUnsigned(dst & m, src & m) < 0;
            case NEG -> (src & m) != 0;
            default -> false;
        };
    }

    public boolean zf() {
        return op == NONE ? (bits & ZF) != 0 : (res & mask(size)) == 0;
    }

    public boolean sf() {
        return op == NONE ? (bits & SF) != 0 : ((res >>> signShift(size)) & 1) != 0;
    }

    public boolean of() {
        int sh = signShift(size);
        return switch (op) {
            case NONE, SHIFT -> (bits & OF) != 0;
            case ADD, ADC -> (((dst ^ res) & (src ^ res)) >>> sh & 1) != 0;
            case SUB, SBB -> (((dst ^ src) & (dst ^ res)) >>> sh & 1) != 0;
            case INC, NEG -> (res & mask(size)) == 1L << sh;
            case DEC -> (res & mask(size)) == (1L << sh) - 1;
            default -> false;
        };
    }

    public boolean pf() {
        return op == NONE ? (bits & PF) != 0 : parity(res);
    }

    public boolean af() {
        return switch (op) {
            case NONE -> (bits & AF) != 0;
            case LOGIC, SHIFT -> false;
            case INC, DEC -> ((dst ^ 1 ^ res) & 0x10) != 0;
            default -> ((dst ^ src ^ res) & 0x10) != 0;
        };
    }

    /** PF: set when the low byte of the result has an even number of 1 bits. */
    public static boolean parity(long v) {
        return (Integer.bitCount((int) v & 0xff) & 1) == 0;
    }

    /** The six flags as RFLAGS bits. */
    public long materialize() {
        if (op == NONE) {
            return bits;
        }
        long f = 0;
        if (cf()) {
            f |= CF;
        }
        if (pf()) {
            f |= PF;
        }
        if (af()) {
            f |= AF;
        }
        if (zf()) {
            f |= ZF;
        }
        if (sf()) {
            f |= SF;
        }
        if (of()) {
            f |= OF;
        }
        return f;
    }

    /**
     * Evaluates condition code {@code cc} (SDM Vol. 1 Appendix B, Table B-1): 0 O, 1 NO, 2 B, 3 AE,
     * 4 E, 5 NE, 6 BE, 7 A, 8 S, 9 NS, 10 P, 11 NP, 12 L, 13 GE, 14 LE, 15 G.
     */
    public boolean condition(int cc) {
        boolean r;
        if (op == SUB) {
            // Fast path for CMP/SUB: compare the operands directly.
            int shift = 64 - (size << 3);
            long a = dst << shift;
            long b = src << shift;
            r = switch (cc >>> 1) {
                case 1 -> Long.compareUnsigned(a, b) < 0;
                case 2 -> a == b;
                case 3 -> Long.compareUnsigned(a, b) <= 0;
                case 6 -> a < b;
                case 7 -> a <= b;
                default -> slowCondition(cc >>> 1);
            };
        } else {
            r = slowCondition(cc >>> 1);
        }
        return r ^ ((cc & 1) != 0);
    }

    private boolean slowCondition(int c) {
        return switch (c) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
    }
}
