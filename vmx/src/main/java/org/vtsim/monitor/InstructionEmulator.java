package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LazyFlags;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;
import org.vtsim.cpu.exec.Alu;
import org.vtsim.ept.paging.Access;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Emulates the instruction at the guest's RIP whose memory operand the monitor intercepted, as KVM's
 * x86 emulator does: an MMIO access (an EPT violation in the MMIO window, or a shadow-paging fault on a
 * device page), an access to unassigned guest-physical memory, or a write to a write-protected guest
 * page table under shadow paging. The bytes at RIP are fetched through the guest's page tables and
 * decoded with the processor's own {@link Decoder}; the arithmetic and its flags are the processor's own
 * ({@link Alu}, {@link LazyFlags}), so an emulated instruction leaves registers, RFLAGS and memory as
 * the processor executing it does. The memory operand on the intercepted page goes to the
 * {@link EmulatedTarget} at guest-physical {@code gpa}.
 *
 * <p>Emulated: MOV (loads, stores, immediates, moffs), MOVZX, MOVSX, MOVSXD, XCHG, CMPXCHG, CMPXCHG8B,
 * CMPXCHG16B, XADD, ADD/OR/ADC/SBB/AND/SUB/XOR/CMP with a memory destination or source, TEST, INC,
 * DEC, NEG, NOT, BT/BTS/BTR/BTC, and STOS/MOVS ({@link StringEmulator}). Any other instruction is
 * "unsupported: emulation of &lt;mnemonic&gt;". RIP moves past the instruction (a REP string
 * instruction may stop early with RIP unchanged, to be resumed by the processor).
 */
final class InstructionEmulator {
    private InstructionEmulator() {
    }

    static void emulate(Vcpu vcpu, Vmcs v, long gpa, EmulatedTarget target) {
        boolean mode64 = (v.get32(GUEST_CS_ACCESS_RIGHTS) & Segment.ATTR_L) != 0
                && (v.get(GUEST_IA32_EFER) & CpuState.EFER_LMA) != 0;
        boolean default32 = (v.get32(GUEST_CS_ACCESS_RIGHTS) & Segment.ATTR_DB) != 0;
        long rip = v.get(GUEST_RIP);
        long start = mode64 ? rip : (v.get(GUEST_CS_BASE) + rip) & 0xffffffffL;
        int user = ((v.get32(GUEST_SS_ACCESS_RIGHTS) >>> 5) & 3) == 3 ? Access.USER : 0;
        GuestAccess mem = vcpu.access();
        Insn insn = new Decoder().decode(i -> mem.read8(start + i, Access.FETCH | user), mode64, mode64 || default32,
                (int) (start & 0xfff));
        if (!insn.hasMem && insn.op != Op.STOS && insn.op != Op.MOVS) {
            throw unsupported(insn, rip, gpa, "it has no memory operand");
        }
        EmulatedOperands o = new EmulatedOperands(vcpu, v, insn, mode64, rip, gpa, target);
        long rflags = v.get(GUEST_RFLAGS);
        LazyFlags flags = new LazyFlags();
        flags.setBits(rflags);
        boolean complete = switch (insn.op) {
            case STOS, MOVS -> StringEmulator.emulate(o, (rflags & CpuState.DF) != 0);
            default -> {
                execute(o, flags, rip, gpa);
                yield true;
            }
        };
        long newFlags = (rflags & ~CpuState.ARITH_FLAGS) | flags.materialize();
        if (newFlags != rflags) {
            vcpu.write(GUEST_RFLAGS, newFlags);
        }
        if (complete) {
            vcpu.skipInstruction(v, insn.len);
        }
    }

    /** One instruction with one memory operand, as the interpreter executes it (org.vtsim.cpu.exec). */
    private static void execute(EmulatedOperands o, LazyFlags f, long rip, long exitGpa) {
        Insn i = o.insn;
        int size = i.osz;
        switch (i.op) {
            case MOV_RM_R -> o.write(store(o, size), size, o.register(i.reg, size));
            case MOV_RM_I -> o.write(store(o, size), size, i.imm);
            case MOV_MOFFS_ACC -> o.write(store(o, size), size, o.register(0, size));
            case MOV_R_RM -> o.setRegister(i.reg, size, o.read(load(o, size), size));
            case MOV_ACC_MOFFS -> o.setRegister(0, size, o.read(load(o, size), size));
            case MOVZX_B -> o.setRegister(i.reg, size, o.read(load(o, 1), 1));
            case MOVZX_W -> o.setRegister(i.reg, size, o.read(load(o, 2), 2));
            case MOVSX_B -> o.setRegister(i.reg, size, (byte) o.read(load(o, 1), 1));
            case MOVSX_W -> o.setRegister(i.reg, size, (short) o.read(load(o, 2), 2));
            case MOVSXD -> o.setRegister(i.reg, size, size == 8 ? (long) (int) o.read(load(o, 4), 4)
                    : o.read(load(o, size), size));
            case XCHG_RM_R -> {
                long a = store(o, size);
                long old = o.read(a, size);
                long r = o.register(i.reg, size);
                o.setRegister(i.reg, size, old);
                o.write(a, size, r);
            }
            case XADD -> {
                long a = store(o, size);
                long d = o.read(a, size);
                long sum = Alu.alu(f, 0, size, d, o.register(i.reg, size));
                o.setRegister(i.reg, size, d);
                o.write(a, size, sum);
            }
            case ALU_RM_R, ALU_RM_I -> {
                long src = i.op == Op.ALU_RM_R ? o.register(i.reg, size) : i.imm;
                if (i.sub == 7) { // CMP only reads
                    Alu.alu(f, 7, size, o.read(load(o, size), size), src);
                } else {
                    long a = store(o, size);
                    o.write(a, size, Alu.alu(f, i.sub, size, o.read(a, size), src));
                }
            }
            case ALU_R_RM -> {
                long r = Alu.alu(f, i.sub, size, o.register(i.reg, size), o.read(load(o, size), size));
                if (i.sub != 7) {
                    o.setRegister(i.reg, size, r);
                }
            }
            case TEST_RM_R -> Alu.alu(f, 4, size, o.read(load(o, size), size), o.register(i.reg, size));
            case TEST_RM_I -> Alu.alu(f, 4, size, o.read(load(o, size), size), i.imm);
            case INC, DEC, NEG, NOT -> {
                long a = store(o, size);
                long d = o.read(a, size);
                o.write(a, size, switch (i.op) {
                    case INC -> Alu.inc(f, size, d);
                    case DEC -> Alu.dec(f, size, d);
                    case NEG -> Alu.neg(f, size, d);
                    default -> ~d;
                });
            }
            case BT_RM_R, BT_RM_I -> bitTest(o, f);
            case CMPXCHG -> {
                long a = store(o, size);
                long d = o.read(a, size);
                long acc = o.register(0, size);
                Alu.alu(f, 7, size, acc, d);
                if (acc == d) {
                    o.write(a, size, o.register(i.reg, size));
                } else {
                    // SDM Vol. 2A CMPXCHG: the destination is written back with its own value.
                    o.write(a, size, d);
                    o.setRegister(0, size, d);
                }
            }
            case CMPXCHG8B -> cmpxchg8b(o, f);
            case CMPXCHG16B -> cmpxchg16b(o, f);
            default -> throw unsupported(i, rip, exitGpa, null);
        }
    }

    /** The guest-physical address of the ModRM operand for a load of {@code size} bytes. */
    private static long load(EmulatedOperands o, int size) {
        return o.operand(o.linear(o.insn.seg, o.effectiveAddress()), size, false);
    }

    /** As {@link #load} for a store or a read-modify-write. */
    private static long store(EmulatedOperands o, int size) {
        return o.operand(o.linear(o.insn.seg, o.effectiveAddress()), size, true);
    }

    /**
     * BT/BTS/BTR/BTC (SDM Vol. 2A BT): only CF changes. A register bit offset is signed and selects the
     * operand-sized word it falls in, which may lie outside the addressed one; an immediate is taken
     * modulo the operand width. BTS/BTR/BTC always write the word back, as the processor's locked
     * read-modify-write does.
     */
    private static void bitTest(EmulatedOperands o, LazyFlags f) {
        Insn i = o.insn;
        int size = i.osz;
        int bits = size << 3;
        long ea = o.effectiveAddress();
        long bit;
        if (i.op == Op.BT_RM_R) {
            long signed = Alu.signExtend(o.register(i.reg, size), size);
            ea = EmulatedOperands.truncate(ea + (signed >> (size == 2 ? 4 : size == 4 ? 5 : 6)) * size, i.asz);
            bit = signed & (bits - 1);
        } else {
            bit = i.imm & 0xff & (bits - 1);
        }
        long a = o.operand(o.linear(i.seg, ea), size, i.sub != 0);
        long value = o.read(a, size);
        f.setBits((f.materialize() & ~CpuState.CF) | ((value >>> bit) & 1));
        if (i.sub != 0) {
            long m = 1L << bit;
            o.write(a, size, switch (i.sub) {
                case 1 -> value | m;
                case 2 -> value & ~m;
                default -> value ^ m;
            });
        }
    }

    /** CMPXCHG8B m64 (SDM Vol. 2A): EDX:EAX against the quadword; ECX:EBX stored, or the quadword loaded. */
    private static void cmpxchg8b(EmulatedOperands o, LazyFlags f) {
        long a = store(o, 8);
        long m = o.read(a, 8);
        long cmp = o.register(2, 4) << 32 | o.register(0, 4);
        long old = f.materialize();
        if (m == cmp) {
            o.write(a, 8, o.register(1, 4) << 32 | o.register(3, 4));
            f.setBits(old | CpuState.ZF);
        } else {
            o.write(a, 8, m);
            o.setRegister(0, 4, m);
            o.setRegister(2, 4, m >>> 32);
            f.setBits(old & ~CpuState.ZF);
        }
    }

    /** CMPXCHG16B m128: as CMPXCHG8B with RDX:RAX and RCX:RBX; #GP(0) unless 16-byte aligned. */
    private static void cmpxchg16b(EmulatedOperands o, LazyFlags f) {
        long linear = o.linear(o.insn.seg, o.effectiveAddress());
        if ((linear & 15) != 0) {
            throw GuestFault.gp0();
        }
        long a = o.operand(linear, 16, true);
        long lo = o.read(a, 8);
        long hi = o.read(a + 8, 8);
        long old = f.materialize();
        if (lo == o.register(0, 8) && hi == o.register(2, 8)) {
            o.write(a + 8, 8, o.register(1, 8));
            o.write(a, 8, o.register(3, 8));
            f.setBits(old | CpuState.ZF);
        } else {
            o.write(a + 8, 8, hi);
            o.write(a, 8, lo);
            o.setRegister(0, 8, lo);
            o.setRegister(2, 8, hi);
            f.setBits(old & ~CpuState.ZF);
        }
    }

    /** "unsupported: emulation of &lt;mnemonic&gt; (&lt;instruction&gt;) at guest-physical ...". */
    static UnsupportedFeature unsupported(Insn insn, long rip, long gpa, String why) {
        String text = insn.disassemble(rip).strip();
        int space = text.indexOf(' ');
        return new UnsupportedFeature("emulation of " + (space < 0 ? text : text.substring(0, space)) + " (" + text
                + ") at guest-physical 0x" + Long.toHexString(gpa) + (why == null ? "" : ": " + why));
    }
}
