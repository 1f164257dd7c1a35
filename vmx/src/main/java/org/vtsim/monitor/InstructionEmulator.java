package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.ept.paging.Access;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Emulates the instruction at the guest's RIP whose memory operand the monitor intercepted, as KVM's
 * x86 emulator does: an MMIO access (an EPT violation in the MMIO window, or a shadow-paging fault on a
 * device page) or a write to a write-protected guest page table under shadow paging. The bytes at RIP
 * are fetched through the guest's page tables and decoded with the processor's own {@link Decoder};
 * a MOV load or store of 1, 2, 4 or 8 bytes is performed against the {@link EmulatedTarget} at
 * guest-physical {@code gpa}, and RIP moves past the instruction. Any other instruction is
 * "unsupported: emulation of &lt;mnemonic&gt;".
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
        long value;
        switch (insn.op) {
            case MOV_RM_R -> target.write(gpa, insn.osz, register(vcpu, insn.reg, insn.osz));
            case MOV_MOFFS_ACC -> target.write(gpa, insn.osz, register(vcpu, 0, insn.osz));
            case MOV_RM_I -> target.write(gpa, insn.osz, truncate(insn.imm, insn.osz));
            case MOV_R_RM -> {
                value = target.read(gpa, insn.osz);
                setRegister(vcpu, insn.reg, insn.osz, value);
            }
            case MOV_ACC_MOFFS -> {
                value = target.read(gpa, insn.osz);
                setRegister(vcpu, 0, insn.osz, value);
            }
            default -> {
                String text = insn.disassemble(rip).strip();
                int space = text.indexOf(' ');
                throw new UnsupportedFeature("emulation of " + (space < 0 ? text : text.substring(0, space))
                        + " (" + text + ") at guest-physical 0x" + Long.toHexString(gpa));
            }
        }
        vcpu.skipInstruction(v, insn.len);
    }

    private static long truncate(long value, int size) {
        return size == 8 ? value : value & ((1L << (8 * size)) - 1);
    }

    /** The decoder's register numbering: 16-19 are AH, CH, DH, BH (byte operands without REX). */
    private static long register(Vcpu vcpu, int r, int size) {
        return switch (size) {
            case 8 -> vcpu.register(r);
            case 4 -> vcpu.register(r) & 0xffffffffL;
            case 2 -> vcpu.register(r) & 0xffff;
            default -> r < 16 ? vcpu.register(r) & 0xff : (vcpu.register(r - 16) >>> 8) & 0xff;
        };
    }

    /** x86-64 register writes: 32-bit writes zero-extend, 8- and 16-bit writes merge. */
    private static void setRegister(Vcpu vcpu, int r, int size, long v) {
        switch (size) {
            case 8 -> vcpu.setRegister(r, v);
            case 4 -> vcpu.setRegister(r, v & 0xffffffffL);
            case 2 -> vcpu.setRegister(r, (vcpu.register(r) & ~0xffffL) | (v & 0xffff));
            default -> {
                if (r < 16) {
                    vcpu.setRegister(r, (vcpu.register(r) & ~0xffL) | (v & 0xff));
                } else {
                    vcpu.setRegister(r - 16, (vcpu.register(r - 16) & ~0xff00L) | (v & 0xff) << 8);
                }
            }
        }
    }
}
