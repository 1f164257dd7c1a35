package org.vtsim.conformance.differential;

import static org.vtsim.conformance.differential.Gen.ops;

/**
 * Near CALL/RET/JMP in their relative, register and memory forms (SDM Vol. 2A CALL, JMP; 2B RET),
 * always to a forward target past a block that is skipped, and with the stack left as found
 * (the return address is popped into a register, which checks its value).
 */
final class ControlTransfer {
    private ControlTransfer() {
    }

    static void callRet(Gen g) {
        if (g.stackDepth > 0x300) {
            throw new Encoder.Unencodable("stack too deep for call/ret");
        }
        switch (g.rnd.nextInt(7)) {
            case 0 -> { // call rel32 over a block, then pop the return address
                int at = g.insns.size();
                g.emit(Encoder.raw(0xe8, 0, 0, 0, 0), "call", Family.CALL_RET, 0, 0, 0);
                long ret = g.pc();
                long target = g.skippedBlock(0, 2, true);
                g.patch(at, rel32(0xe8, target - ret), "call 0x" + Long.toHexString(target), target);
                popInto(g);
            }
            case 1 -> { // jmp rel32 over a block
                int at = g.insns.size();
                g.emit(Encoder.raw(0xe9, 0, 0, 0, 0), "jmp", Family.CALL_RET, 0, 0, 0);
                long next = g.pc();
                long target = g.skippedBlock(1, 2, true);
                g.patch(at, rel32(0xe9, target - next), "jmp 0x" + Long.toHexString(target), target);
            }
            case 2, 3 -> { // push target ; ret  /  push junk ; push target ; ret 8
                boolean imm16 = g.rnd.nextInt(2) == 0;
                if (imm16) {
                    long junk = (int) g.value(4);
                    g.setup(Arithmetic.concat(new int[0], new int[0], 0x68, Encoder.imm(junk, 4)), "push " + Gen.hex(junk));
                }
                int at = g.insns.size();
                g.setup(Arithmetic.concat(new int[0], new int[0], 0x68, Encoder.imm(0, 4)), "push");
                g.emit(imm16 ? Encoder.raw(0xc2, 8, 0) : Encoder.raw(0xc3), imm16 ? "ret 0x8" : "ret", Family.CALL_RET, 0, 0, 0);
                long target = g.skippedBlock(0, 2, true);
                g.patch(at, Arithmetic.concat(new int[0], new int[0], 0x68, Encoder.imm(target, 4)),
                        "push 0x" + Long.toHexString(target), target);
            }
            default -> { // jmp/call through a register or memory
                boolean call = g.rnd.nextInt(2) == 0;
                boolean viaMem = g.rnd.nextInt(2) == 0;
                Reg r = g.destReg(8);
                Mem m = viaMem ? g.mem(8) : null;
                int at = g.insns.size();
                if (viaMem) {
                    g.setup(Encoder.modrm(new int[0], true, new int[] {0xc7}, null, 0, m, Encoder.imm(0, 4), g.pc()), "mov");
                } else {
                    g.setup(Encoder.opReg(new int[0], false, new int[] {0xb8}, Reg.of(r.num(), 4), Encoder.imm(0, 4)), "mov");
                }
                Operand via = viaMem ? m : r;
                g.emit(Encoder.modrm(new int[0], false, new int[] {0xff}, null, call ? 2 : 4, via, Encoder.NO_IMM, g.pc()),
                        (call ? "call " : "jmp ") + via, Family.CALL_RET, 0, 0, 0);
                long target = g.skippedBlock(call ? 0 : 1, 2, true);
                long setupAddr = g.insns.get(at).address();
                if (viaMem) {
                    g.patch(at, Encoder.modrm(new int[0], true, new int[] {0xc7}, null, 0, m, Encoder.imm(target, 4), setupAddr),
                            "mov " + ops(m, target), target);
                } else {
                    g.patch(at, Encoder.opReg(new int[0], false, new int[] {0xb8}, Reg.of(r.num(), 4), Encoder.imm(target, 4)),
                            "mov " + ops(Reg.of(r.num(), 4), target), target);
                }
                if (call) {
                    popInto(g);
                }
            }
        }
    }

    private static byte[] rel32(int opcode, long rel) {
        return Arithmetic.concat(new int[0], new int[0], opcode, Encoder.imm(rel, 4));
    }

    /** POP r64: takes the return address CALL pushed, so the register shows its value. */
    private static void popInto(Gen g) {
        Reg r = g.destReg(8);
        g.setup(Encoder.opReg(new int[0], false, new int[] {0x58}, r, Encoder.NO_IMM), "pop " + r);
    }

    /** NOP forms gcc pads with: 90, 66 90, 0F 1F /0 with any memory operand (never accessed), PAUSE. */
    static void nop(Gen g) {
        switch (g.rnd.nextInt(4)) {
            case 0 -> g.emit(Encoder.raw(0x90), "nop", Family.NOP, 0, 0, 0);
            case 1 -> g.emit(Encoder.raw(0x66, 0x90), "xchg ax,ax", Family.NOP, 0, 0, 0);
            case 2 -> g.emit(Encoder.raw(0xf3, 0x90), "pause", Family.NOP, 0, 0, 0);
            default -> {
                int size = g.chance(50) ? 2 : 4;
                int base = g.rnd.nextInt(17) - 1;
                int index = g.rnd.nextInt(17) - 1;
                Mem m = new Mem(base, index == Reg.RSP ? Mem.NONE : index, g.pick(1, 2, 4, 8),
                        g.chance(50) ? g.rnd.nextInt(-128, 128) : g.rnd.nextInt(), size, false, g.chance(20));
                g.emit(Encoder.modrm(Encoder.osize(size), false, new int[] {0x0f, 0x1f}, null, 0, m, Encoder.NO_IMM, g.pc()),
                        "nop " + m, Family.NOP, 0, 0, 0);
            }
        }
    }
}
