package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;
import static org.vtsim.conformance.differential.Gen.w;

/** MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, CBW/CWDE/CDQE/CWD/CDQ/CQO: no flags (SDM Vol. 2). */
final class DataMovement {
    private DataMovement() {
    }

    static void mov(Gen g) {
        int size = g.size();
        int[] p = Encoder.osize(size);
        int op8 = size == 1 ? 0 : 1;
        switch (g.rnd.nextInt(5)) {
            case 0 -> { // MOV r/m, r (88/89)
                Operand dst = g.destRm(size, 40);
                Reg src = g.anyReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x88 + op8}, src, 0, dst, Encoder.NO_IMM, g.pc()),
                        "mov " + ops(dst, src), Family.MOV, 0, 0, 0);
            }
            case 1 -> { // MOV r, r/m (8A/8B)
                Operand src = g.chance(60) ? g.mem(size) : g.anyReg(size);
                Reg dst = g.destReg(size);
                g.emit(Encoder.modrm(p, w(size), new int[] {0x8a + op8}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                        "mov " + ops(dst, src), Family.MOV, 0, 0, 0);
            }
            case 2 -> { // MOV r/m, imm (C6/C7 /0; imm32 sign-extended for 64-bit)
                Operand dst = g.destRm(size, 50);
                int isz = Math.min(size, 4);
                long imm = g.value(isz);
                g.emit(Encoder.modrm(p, w(size), new int[] {0xc6 + op8}, null, 0, dst, Encoder.imm(imm, isz), g.pc()),
                        "mov " + ops(dst, imm), Family.MOV, 0, 0, 0);
            }
            case 3 -> { // MOV r, imm (B0+r / B8+r, imm64 with REX.W)
                Reg dst = g.destReg(size);
                long imm = g.value(size);
                g.emit(Encoder.opReg(p, w(size), new int[] {size == 1 ? 0xb0 : 0xb8}, dst, Encoder.imm(imm, size)),
                        (size == 8 ? "movabs " : "mov ") + ops(dst, imm), Family.MOV, 0, 0, 0);
            }
            default -> { // MOVSXD r64, r/m32 (REX.W 63 /r)
                Operand src = g.chance(50) ? g.mem(4) : g.anyReg(4);
                Reg dst = g.destReg(8);
                g.emit(Encoder.modrm(new int[0], true, new int[] {0x63}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                        "movsxd " + ops(dst, src), Family.MOVZX_MOVSX, 0, 0, 0);
            }
        }
    }

    static void movzxMovsx(Gen g) {
        int srcSize = g.pick(1, 2);
        int dstSize = srcSize == 1 ? g.size16up() : g.pick(4, 8);
        boolean signed = g.chance(50);
        Operand src = g.chance(50) ? g.mem(srcSize) : g.anyReg(srcSize);
        Reg dst = g.destReg(dstSize);
        int op = (signed ? 0xbe : 0xb6) + (srcSize == 2 ? 1 : 0);
        g.emit(Encoder.modrm(Encoder.osize(dstSize), w(dstSize), new int[] {0x0f, op}, dst, 0, src, Encoder.NO_IMM, g.pc()),
                (signed ? "movsx " : "movzx ") + ops(dst, src), Family.MOVZX_MOVSX, 0, 0, 0);
    }

    /** LEA computes an address without touching memory, so any registers and displacements do. */
    static void lea(Gen g) {
        int size = g.size16up();
        Reg dst = g.destReg(size);
        int kind = g.rnd.nextInt(4);
        boolean addr32 = g.chance(20);
        Mem m;
        if (kind == 0 && !addr32) {
            m = Mem.rip(Layout.CODE + g.rnd.nextInt(-0x10000, 0x10000), 0);
        } else {
            int base = kind == 1 ? Mem.NONE : g.rnd.nextInt(16);
            int index = kind >= 2 ? g.rnd.nextInt(16) : Mem.NONE;
            if (index == Reg.RSP) {
                index = Mem.NONE;
            }
            long disp = g.chance(50) ? g.rnd.nextInt(-128, 128) : g.rnd.nextInt();
            m = new Mem(base, index, g.pick(1, 2, 4, 8), disp, 0, addr32, g.chance(10));
        }
        g.emit(Encoder.modrm(Encoder.osize(size), w(size), new int[] {0x8d}, dst, 0, m, Encoder.NO_IMM, g.pc()),
                "lea " + ops(dst, m.text()), Family.LEA, 0, 0, 0);
    }

    static void xchg(Gen g) {
        int size = g.size();
        int[] p = Encoder.osize(size);
        if (size != 1 && g.chance(25)) { // XCHG rAX, r (90+r); 90 alone is NOP, so never rAX with itself
            Reg r = g.destReg(size);
            if (r.num() == 0) {
                r = Reg.of(8 + g.rnd.nextInt(8), size);
            }
            g.emit(Encoder.opReg(p, w(size), new int[] {0x90}, r, Encoder.NO_IMM),
                    "xchg " + ops(r, Reg.of(0, size)), Family.XCHG, 0, 0, 0);
            return;
        }
        // XCHG r/m, r (86/87). A memory operand is implicitly locked: keep it naturally aligned so
        // it never splits a cache line (split locks are slow or trapped on recent hosts).
        Operand a = g.chance(40) ? g.mem(size, 0, size) : g.destReg(size);
        Reg b = g.destReg(size);
        g.emit(Encoder.modrm(p, w(size), new int[] {size == 1 ? 0x86 : 0x87}, b, 0, a, Encoder.NO_IMM, g.pc()),
                "xchg " + ops(a, b), Family.XCHG, 0, 0, 0);
    }

    static void bswap(Gen g) {
        int size = g.pick(4, 8); // BSWAP of a 16-bit register is undefined (SDM Vol. 2A BSWAP)
        Reg r = g.destReg(size);
        g.emit(Encoder.opReg(new int[0], w(size), new int[] {0x0f, 0xc8}, r, Encoder.NO_IMM), "bswap " + r,
                Family.BSWAP, 0, 0, 0);
    }

    static void convert(Gen g) {
        int size = g.size16up();
        boolean toDx = g.chance(50);
        String[] names = toDx ? new String[] {"", "", "cwd", "", "cdq", "", "", "", "cqo"}
                : new String[] {"", "", "cbw", "", "cwde", "", "", "", "cdqe"};
        byte[] b = switch (size) {
            case 2 -> Encoder.raw(0x66, toDx ? 0x99 : 0x98);
            case 4 -> Encoder.raw(toDx ? 0x99 : 0x98);
            default -> Encoder.raw(0x48, toDx ? 0x99 : 0x98);
        };
        g.emit(b, names[size], Family.CONVERT, 0, 0, 0);
    }
}
