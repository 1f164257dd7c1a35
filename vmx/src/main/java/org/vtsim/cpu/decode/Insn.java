package org.vtsim.cpu.decode;

/**
 * One decoded instruction: immutable, created once per encoding and cached per physical page.
 * Fields are final and public: the interpreter reads them on every execution.
 *
 * <p>Register numbers: general registers 0-15 in encoding order (REX bits applied). For byte
 * operands, 16-19 name AH, CH, DH, BH (only reachable without a REX prefix, SDM Vol. 2A 3.7.2.1).
 * {@link #base} is {@link #RIP} for RIP-relative addressing and -1 when absent, as is
 * {@link #index}.
 */
public final class Insn {
    public static final int RIP = 16;
    public static final int REP_NONE = 0;
    /** F3: REP / REPE / REPZ. */
    public static final int REP_E = 1;
    /** F2: REPNE / REPNZ. */
    public static final int REP_NE = 2;

    public final Op op;
    /** The {@link FastOp} id: a form the interpreter's first, small switch executes, or GENERAL. */
    public final int fast;
    /** Variant within {@link #op}: ALU kind, shift kind, condition code, group index. */
    public final int sub;
    public final int len;
    /** Operand size in bytes (1, 2, 4, 8). */
    public final int osz;
    /** Address size in bytes (2, 4, 8). */
    public final int asz;
    public final int rep;
    public final boolean lock;
    /** Segment register of the memory operand (override or default DS/SS). */
    public final int seg;
    /** The explicit segment-override prefix, or -1. */
    public final int segOverride;
    public final boolean hasMem;
    public final int reg;
    public final int rm;
    public final int base;
    public final int index;
    public final int scale;
    public final long disp;
    public final long imm;
    public final int imm2;
    public final int rex;
    public final boolean mode64;
    public final boolean prefix66;
    /** Whether the encoding crosses a 4 KiB boundary (such entries are never cached). */
    public final boolean crossesPage;
    /** For {@link Op#UNIMPLEMENTED}/{@link Op#INVALID}: what was met, e.g. "0f 10 sse". */
    public final String what;
    private final byte[] bytes;

    Insn(Decoder d, Op op, int len, byte[] bytes, String what) {
        this.op = op;
        this.sub = d.sub;
        this.len = len;
        this.osz = d.osz;
        this.asz = d.asz;
        this.rep = d.rep;
        this.lock = d.lock;
        this.seg = d.seg;
        this.segOverride = d.segOverride;
        this.hasMem = d.hasMem;
        this.reg = d.reg;
        this.rm = d.rm;
        this.base = d.base;
        this.index = d.index;
        this.scale = d.scale;
        this.disp = d.disp;
        this.imm = d.imm;
        this.imm2 = d.imm2;
        this.rex = d.rex;
        this.mode64 = d.mode64;
        this.prefix66 = d.p66;
        this.crossesPage = d.crossed;
        this.what = what;
        this.bytes = bytes;
        this.fast = FastOp.classify(op, sub, osz, hasMem, rm, lock, rep);
    }

    /** The raw encoding (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int byteAt(int i) {
        return bytes[i] & 0xff;
    }

    public String hexBytes() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }

    /** Intel-syntax text, as {@code objdump -d -M intel} prints it. */
    public String disassemble(long address) {
        return Disassembler.format(this, address);
    }

    @Override
    public String toString() {
        return hexBytes() + "  " + disassemble(0);
    }
}
