package org.vtsim.monitor;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.vtsim.cpu.CpuState;

/**
 * Random instructions for the emulator's differential test, encoded by hand (SDM Vol. 2 opcode maps) so
 * that every form the emulator handles appears: operand sizes 1/2/4/8 (66 and REX.W), REX.R/REX.B
 * registers and AH-BH without REX, LOCK where it is legal, immediates of each width, a disp32 memory
 * operand [base + disp] aimed at the scratch device, moffs, a register bit offset that reaches outside the
 * addressed word, and STOS/MOVS with and without REP, up or down, crossing from one device page into the
 * next. Register values, flags and memory are random. The memory operand is aimed at the scratch device
 * or at unassigned memory.
 */
final class EmulatedInstructionGen {
    /** One generated case. */
    record Case(String family, boolean mode64, byte[] code, long[] regs, long rflags, byte[] scratch, byte[] ram) {
        String hex() {
            StringBuilder b = new StringBuilder();
            for (byte x : code) {
                b.append(String.format("%02x", x & 0xff));
            }
            return b.toString();
        }
    }

    static final String[] FAMILIES = {"mov-store", "mov-load", "mov-imm", "moffs", "movzx", "movsx", "movsxd", "xchg",
        "cmpxchg", "cmpxchg8b", "cmpxchg16b", "xadd", "alu-rm-r", "alu-r-rm", "alu-rm-imm", "test", "inc-dec-neg-not",
        "bt-reg", "bt-imm", "stos", "movs"};

    private final Random rnd;
    private final boolean mode64;
    /** Where memory operands go: the scratch device or unassigned memory. */
    private final long window;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long[] regs = new long[16];
    private long rflags;
    private int base;

    private EmulatedInstructionGen(long seed, boolean mode64, long window) {
        this.rnd = new Random(seed);
        this.mode64 = mode64;
        this.window = window;
    }

    static Case generate(long seed, String family, boolean mode64, long window) {
        return new EmulatedInstructionGen(seed, mode64, window).build(family);
    }

    private Case build(String family) {
        for (int r = 0; r < 16; r++) {
            regs[r] = rnd.nextLong();
        }
        rflags = CpuState.FIXED1 | (rnd.nextLong() & CpuState.ARITH_FLAGS);
        byte[] scratch = new byte[EmulatorRig.WINDOW];
        byte[] ram = new byte[EmulatorRig.WINDOW];
        rnd.nextBytes(scratch);
        rnd.nextBytes(ram);
        switch (family) {
            case "mov-store" -> modrmOp(size(true), 0x88, 0x89, false);
            case "mov-load" -> modrmOp(size(true), 0x8a, 0x8b, false);
            case "mov-imm" -> {
                int size = size(true);
                prefixes(size, false, rnd.nextInt(8), false);
                out.write(size == 1 ? 0xc6 : 0xc7);
                memory(0, size);
                immediate(size == 8 ? 4 : size);
            }
            case "moffs" -> moffs();
            case "movzx" -> extend(0xb6, 0xb7);
            case "movsx" -> extend(0xbe, 0xbf);
            case "movsxd" -> {
                if (!mode64) {
                    return build("movsx");
                }
                int reg = rnd.nextInt(16);
                prefixes(8, false, reg, false);
                out.write(0x63);
                memory(reg, 4);
            }
            case "xchg" -> modrmOp(size(true), 0x86, 0x87, true);
            case "cmpxchg" -> {
                int size = size(true);
                int reg = rnd.nextInt(mode64 ? 16 : 8);
                if (rnd.nextBoolean()) {
                    // Make the comparison succeed half the time: the accumulator equals the operand.
                    regs[0] = rnd.nextLong();
                }
                prefixes(size, rnd.nextBoolean(), reg, false);
                out.write(0x0f);
                out.write(size == 1 ? 0xb0 : 0xb1);
                long at = memory(reg, size);
                if (rnd.nextBoolean()) {
                    copyToScratch(scratch, at, regs[0], size);
                }
            }
            case "cmpxchg8b", "cmpxchg16b" -> {
                boolean wide = family.equals("cmpxchg16b") && mode64;
                int size = wide ? 16 : 8;
                prefixes(wide ? 8 : 4, rnd.nextBoolean(), 1, false);
                out.write(0x0f);
                out.write(0xc7);
                long at = memory(1, size);
                if (rnd.nextBoolean()) {
                    copyToScratch(scratch, at, wide ? regs[0] : (regs[2] << 32) | (regs[0] & 0xffffffffL), 8);
                    if (wide) {
                        copyToScratch(scratch, at + 8, regs[2], 8);
                    }
                }
            }
            case "xadd" -> {
                int size = size(true);
                int reg = rnd.nextInt(mode64 ? 16 : 8);
                prefixes(size, rnd.nextBoolean(), reg, false);
                out.write(0x0f);
                out.write(size == 1 ? 0xc0 : 0xc1);
                memory(reg, size);
            }
            case "alu-rm-r" -> {
                int kind = rnd.nextInt(8);
                modrmOp(size(true), kind * 8, kind * 8 + 1, kind != 7);
            }
            case "alu-r-rm" -> {
                int kind = rnd.nextInt(8);
                modrmOp(size(true), kind * 8 + 2, kind * 8 + 3, false);
            }
            case "alu-rm-imm" -> {
                int kind = rnd.nextInt(8);
                int size = size(true);
                boolean imm8 = size > 1 && rnd.nextBoolean();
                prefixes(size, kind != 7 && rnd.nextBoolean(), kind, false);
                out.write(size == 1 ? 0x80 : imm8 ? 0x83 : 0x81);
                memory(kind, size);
                immediate(size == 1 || imm8 ? 1 : size == 8 ? 4 : size);
            }
            case "test" -> {
                int size = size(true);
                if (rnd.nextBoolean()) {
                    modrmOp(size, 0x84, 0x85, false);
                } else {
                    prefixes(size, false, 0, false);
                    out.write(size == 1 ? 0xf6 : 0xf7);
                    memory(0, size);
                    immediate(size == 8 ? 4 : size);
                }
            }
            case "inc-dec-neg-not" -> {
                int size = size(true);
                boolean group3 = rnd.nextBoolean();
                int ext = group3 ? 2 + rnd.nextInt(2) : rnd.nextInt(2);
                prefixes(size, rnd.nextBoolean(), ext, false);
                out.write(group3 ? (size == 1 ? 0xf6 : 0xf7) : (size == 1 ? 0xfe : 0xff));
                memory(ext, size);
            }
            case "bt-reg" -> {
                int size = size(false);
                int kind = rnd.nextInt(4);
                int reg = rnd.nextInt(mode64 ? 16 : 8);
                prefixes(size, kind != 0 && rnd.nextBoolean(), reg, false);
                out.write(0x0f);
                out.write(0xa3 + 8 * kind);
                avoidBase(reg);
                // The word addressed is the device's middle; the signed bit offset picks one within it.
                memoryAt(reg, EmulatorRig.WINDOW / 2);
                long bit = rnd.nextInt(EmulatorRig.WINDOW * 8) - EmulatorRig.WINDOW * 4;
                regs[reg] = (regs[reg] & ~mask(size)) | (bit & mask(size));
            }
            case "bt-imm" -> {
                int size = size(false);
                int kind = 4 + rnd.nextInt(4);
                prefixes(size, kind != 4 && rnd.nextBoolean(), kind, false);
                out.write(0x0f);
                out.write(0xba);
                memory(kind, size);
                out.write(rnd.nextInt(256));
            }
            case "stos", "movs" -> string(family.equals("movs"));
            default -> throw new IllegalArgumentException(family);
        }
        return new Case(family, mode64, out.toByteArray(), regs.clone(), rflags, scratch, ram);
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    private int size(boolean bytes) {
        int n = rnd.nextInt(mode64 ? 4 : 3);
        int size = n == 0 ? 2 : n == 1 ? 4 : n == 2 ? 1 : 8;
        return !bytes && size == 1 ? 4 : size;
    }

    /** Operand-size, LOCK and REX prefixes for a ModRM instruction whose reg field is {@code reg} (0-15). */
    private void prefixes(int size, boolean lock, int reg, boolean forceRex) {
        if (lock) {
            out.write(0xf0);
        }
        if (size == 2) {
            out.write(0x66);
        }
        base = pickBase();
        if (mode64) {
            int rex = (size == 8 ? 8 : 0) | (reg >= 8 ? 4 : 0) | (base >= 8 ? 1 : 0);
            if (rex != 0 || forceRex || rnd.nextInt(4) == 0) {
                out.write(0x40 | rex);
            }
        }
    }

    private int pickBase() {
        for (;;) {
            int b = rnd.nextInt(mode64 ? 16 : 8);
            if ((b & 7) != 4) { // r/m 100 means a SIB byte follows
                return b;
            }
        }
    }

    /** ModRM mod=10 (disp32) with base {@link #base}; aims it at a random spot of the device. */
    private long memory(int reg, int size) {
        int align = size == 16 ? 16 : 1;
        int offset;
        do {
            offset = rnd.nextInt(EmulatorRig.WINDOW - size + 1) / align * align;
        } while ((offset & 0xfff) + size > 0x1000); // one page: a straddling access is not emulated
        memoryAt(reg, offset);
        return offset;
    }

    private void memoryAt(int reg, int offset) {
        out.write(0x80 | (reg & 7) << 3 | (base & 7));
        int disp = rnd.nextInt(0x1000) - 0x800;
        for (int i = 0; i < 4; i++) {
            out.write(disp >>> (8 * i));
        }
        long address = window + offset - disp;
        regs[base] = mode64 ? address : (regs[base] & ~0xffffffffL) | (address & 0xffffffffL);
        if (regs[base] == 0) {
            throw new IllegalStateException();
        }
    }

    private void immediate(int bytes) {
        long v = rnd.nextLong();
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private void modrmOp(int size, int byteOpcode, int opcode, boolean lockable) {
        int reg = rnd.nextInt(mode64 ? 16 : 8);
        prefixes(size, lockable && rnd.nextBoolean(), reg, false);
        out.write(size == 1 ? byteOpcode : opcode);
        memory(reg, size);
        avoidBase(reg);
    }

    /** The reg operand must not be the base: a load into it is fine, but a store would write its address. */
    private void avoidBase(int reg) {
        if (reg == base) {
            throw new Retry();
        }
    }

    private void extend(int byteSource, int wordSource) {
        int size = size(false);
        boolean word = rnd.nextBoolean();
        int reg = rnd.nextInt(mode64 ? 16 : 8);
        prefixes(size, false, reg, false);
        out.write(0x0f);
        out.write(word ? wordSource : byteSource);
        memory(reg, word ? 2 : 1);
    }

    private void moffs() {
        int size = size(true);
        boolean store = rnd.nextBoolean();
        if (size == 2) {
            out.write(0x66);
        }
        if (size == 8) {
            out.write(0x48);
        }
        out.write((store ? 0xa2 : 0xa0) + (size == 1 ? 0 : 1));
        long address = window + rnd.nextInt(0x1000 - size + 1);
        for (int i = 0; i < (mode64 ? 8 : 4); i++) {
            out.write((int) (address >>> (8 * i)));
        }
    }

    /** STOS/MOVS over the device (and, for MOVS, RAM), the whole range inside the two-page windows. */
    private void string(boolean movs) {
        int size = size(true);
        boolean rep = rnd.nextInt(3) != 0;
        boolean down = rnd.nextBoolean();
        long count = rep ? rnd.nextInt(EmulatorRig.WINDOW / size / 2 + 2) : 1;
        if (rep) {
            out.write(rnd.nextInt(4) == 0 ? 0xf2 : 0xf3); // F2 repeats MOVS/STOS as F3 does
        }
        if (size == 2) {
            out.write(0x66);
        }
        if (size == 8) {
            out.write(0x48);
        }
        out.write((movs ? 0xa4 : 0xaa) + (size == 1 ? 0 : 1));
        long span = Math.max(1, count) * size;
        long first = down ? span - size + rnd.nextInt((int) (EmulatorRig.WINDOW - span) + 1)
                : rnd.nextInt((int) (EmulatorRig.WINDOW - span) + 1);
        first = first / size * size;
        if (down && first < span - size) {
            first += size;
        }
        boolean deviceIsDestination = !movs || rnd.nextBoolean();
        long dst = (deviceIsDestination ? window : EmulatorRig.RAM_WINDOW) + first;
        long src = (deviceIsDestination ? EmulatorRig.RAM_WINDOW : window) + first;
        regs[CpuState.RDI] = mode64 ? dst : (regs[CpuState.RDI] & ~0xffffffffL) | dst;
        regs[CpuState.RSI] = mode64 ? src : (regs[CpuState.RSI] & ~0xffffffffL) | src;
        if (rep) {
            regs[CpuState.RCX] = mode64 ? count : (regs[CpuState.RCX] & ~0xffffffffL) | count;
        }
        if (down) {
            rflags |= CpuState.DF;
        }
    }

    private static void copyToScratch(byte[] scratch, long offset, long value, int size) {
        for (int i = 0; i < size; i++) {
            scratch[(int) offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** A draw that cannot be used (the reg operand came out as the base register). */
    static final class Retry extends RuntimeException {
        Retry() {
            super(null, null, false, false);
        }
    }
}
