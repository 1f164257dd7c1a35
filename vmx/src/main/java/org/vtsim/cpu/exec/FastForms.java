package org.vtsim.cpu.exec;

import org.vtsim.cpu.LazyFlags;
import org.vtsim.cpu.decode.FastOp;
import org.vtsim.cpu.decode.Insn;

/**
 * What each {@link FastOp} form does, one static method a form, with the operands the decoder fixed
 * passed as plain arguments. Both executors call these and nothing else for a fast form: the
 * interpreter's first switch ({@link Interpreter#execute}) passes the fields of the {@link Insn}, a
 * {@link TranslatedCode translated block} passes them as constants in its bytecode, so the JIT folds
 * register numbers, immediates and condition codes into the code of the block. One definition keeps
 * the two executors equal: each method does exactly what the general case of its {@link Insn#op} does
 * (results, flags, cycles).
 *
 * <p>Only 32- and 64-bit operand sizes are here (register numbers 0-15, SDM Vol. 2A 3.7.2.1); a 32-bit
 * result is zero-extended into the 64-bit register (SDM Vol. 1 3.4.1.1).
 */
final class FastForms {
    private static final long M32 = 0xffffffffL;

    private FastForms() {
    }

    /**
     * Any other instruction a block may hold ({@link BlockTranslator#translatable}): the interpreter's
     * general switch, as when it runs alone.
     */
    static void general(Interpreter ip, Insn i) {
        ip.executeGeneral(i);
    }

    // ---- moves ----

    static void movRr64(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = ip.gpr[reg];
    }

    static void movRr32(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = ip.gpr[reg] & M32;
    }

    static void movRi64(Interpreter ip, int reg, long imm) {
        ip.gpr[reg] = imm;
    }

    static void movRi32(Interpreter ip, int reg, long imm) {
        ip.gpr[reg] = imm & M32;
    }

    static void movzxBR32(Interpreter ip, int reg, int rm) {
        ip.gpr[reg] = ip.gpr[rm] & 0xff;
    }

    static void lea64(Interpreter ip, Insn i) {
        ip.gpr[i.reg] = ip.ea(i);
    }

    static void lea32(Interpreter ip, Insn i) {
        ip.gpr[i.reg] = ip.ea(i) & M32;
    }

    // ---- loads and stores ----

    static void load64(Interpreter ip, Insn i) {
        ip.gpr[i.reg] = ip.mem.read(i.seg, ip.ea(i), 8);
    }

    static void load32(Interpreter ip, Insn i) {
        ip.gpr[i.reg] = ip.mem.read(i.seg, ip.ea(i), 4) & M32;
    }

    static void movzxBM32(Interpreter ip, Insn i) {
        ip.gpr[i.reg] = ip.mem.read(i.seg, ip.ea(i), 1) & M32;
    }

    static void store64(Interpreter ip, Insn i) {
        ip.mem.write(i.seg, ip.ea(i), 8, ip.gpr[i.reg]);
    }

    static void store32(Interpreter ip, Insn i) {
        ip.mem.write(i.seg, ip.ea(i), 4, ip.gpr[i.reg] & M32);
    }

    // ---- near branches (RIP already points at the next instruction) ----

    static void jcc(Interpreter ip, int cc, long rel, int osz) {
        if (ip.flags.condition(cc)) {
            ip.jumpTo(ip.state.rip + rel, osz);
        }
    }

    static void jmpRel(Interpreter ip, long rel, int osz) {
        ip.jumpTo(ip.state.rip + rel, osz);
    }

    // ---- shifts and multiplies ----

    static void shiftI64(Interpreter ip, int kind, int rm, int count) {
        ip.gpr[rm] = Alu.shift(ip.flags, kind, 8, ip.gpr[rm], count);
    }

    static void shiftI32(Interpreter ip, int kind, int rm, int count) {
        ip.gpr[rm] = Alu.shift(ip.flags, kind, 4, ip.gpr[rm] & M32, count) & M32;
    }

    static void imulRr64(Interpreter ip, int reg, int rm) {
        ip.counters.cycles += ip.multiplyCost;
        ip.gpr[reg] = Alu.imul(ip.flags, 8, ip.gpr[reg], ip.gpr[rm]);
    }

    static void imulRr32(Interpreter ip, int reg, int rm) {
        ip.counters.cycles += ip.multiplyCost;
        ip.gpr[reg] = Alu.imul(ip.flags, 4, ip.gpr[reg] & M32, ip.gpr[rm] & M32) & M32;
    }

    // ---- ALU r/m, r and r/m, imm with a register r/m (lazy flags as Alu#alu records them) ----

    static void testRr64(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm];
        long b = ip.gpr[reg];
        ip.flags.set(LazyFlags.LOGIC, 8, a, b, a & b);
    }

    static void testRr32(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm] & M32;
        long b = ip.gpr[reg] & M32;
        ip.flags.set(LazyFlags.LOGIC, 4, a, b, a & b);
    }

    static void addRr64(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = add(ip, 8, ip.gpr[rm], ip.gpr[reg]);
    }

    static void addRr32(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = add(ip, 4, ip.gpr[rm] & M32, ip.gpr[reg] & M32) & M32;
    }

    static void subRr64(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = sub(ip, 8, ip.gpr[rm], ip.gpr[reg]);
    }

    static void subRr32(Interpreter ip, int rm, int reg) {
        ip.gpr[rm] = sub(ip, 4, ip.gpr[rm] & M32, ip.gpr[reg] & M32) & M32;
    }

    static void cmpRr64(Interpreter ip, int rm, int reg) {
        sub(ip, 8, ip.gpr[rm], ip.gpr[reg]);
    }

    static void cmpRr32(Interpreter ip, int rm, int reg) {
        sub(ip, 4, ip.gpr[rm] & M32, ip.gpr[reg] & M32);
    }

    static void andRr64(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm];
        long b = ip.gpr[reg];
        ip.gpr[rm] = logic(ip, 8, a, b, a & b);
    }

    static void andRr32(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm] & M32;
        long b = ip.gpr[reg] & M32;
        ip.gpr[rm] = logic(ip, 4, a, b, a & b);
    }

    static void orRr64(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm];
        long b = ip.gpr[reg];
        ip.gpr[rm] = logic(ip, 8, a, b, a | b);
    }

    static void orRr32(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm] & M32;
        long b = ip.gpr[reg] & M32;
        ip.gpr[rm] = logic(ip, 4, a, b, a | b);
    }

    static void xorRr64(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm];
        long b = ip.gpr[reg];
        ip.gpr[rm] = logic(ip, 8, a, b, a ^ b);
    }

    static void xorRr32(Interpreter ip, int rm, int reg) {
        long a = ip.gpr[rm] & M32;
        long b = ip.gpr[reg] & M32;
        ip.gpr[rm] = logic(ip, 4, a, b, a ^ b);
    }

    static void addRi64(Interpreter ip, int rm, long imm) {
        ip.gpr[rm] = add(ip, 8, ip.gpr[rm], imm);
    }

    static void addRi32(Interpreter ip, int rm, long imm) {
        ip.gpr[rm] = add(ip, 4, ip.gpr[rm] & M32, imm) & M32;
    }

    static void subRi64(Interpreter ip, int rm, long imm) {
        ip.gpr[rm] = sub(ip, 8, ip.gpr[rm], imm);
    }

    static void subRi32(Interpreter ip, int rm, long imm) {
        ip.gpr[rm] = sub(ip, 4, ip.gpr[rm] & M32, imm) & M32;
    }

    static void cmpRi64(Interpreter ip, int rm, long imm) {
        sub(ip, 8, ip.gpr[rm], imm);
    }

    static void cmpRi32(Interpreter ip, int rm, long imm) {
        sub(ip, 4, ip.gpr[rm] & M32, imm);
    }

    static void andRi64(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm];
        ip.gpr[rm] = logic(ip, 8, a, imm, a & imm);
    }

    static void andRi32(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm] & M32;
        ip.gpr[rm] = logic(ip, 4, a, imm, a & imm) & M32;
    }

    static void orRi64(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm];
        ip.gpr[rm] = logic(ip, 8, a, imm, a | imm);
    }

    static void orRi32(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm] & M32;
        ip.gpr[rm] = logic(ip, 4, a, imm, a | imm) & M32;
    }

    static void xorRi64(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm];
        ip.gpr[rm] = logic(ip, 8, a, imm, a ^ imm);
    }

    static void xorRi32(Interpreter ip, int rm, long imm) {
        long a = ip.gpr[rm] & M32;
        ip.gpr[rm] = logic(ip, 4, a, imm, a ^ imm) & M32;
    }

    private static long add(Interpreter ip, int size, long a, long b) {
        long r = a + b;
        ip.flags.set(LazyFlags.ADD, size, a, b, r);
        return r;
    }

    private static long sub(Interpreter ip, int size, long a, long b) {
        long r = a - b;
        ip.flags.set(LazyFlags.SUB, size, a, b, r);
        return r;
    }

    private static long logic(Interpreter ip, int size, long a, long b, long r) {
        ip.flags.set(LazyFlags.LOGIC, size, a, b, r);
        return r;
    }
}
