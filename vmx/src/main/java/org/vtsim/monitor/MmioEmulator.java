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
 * Emulates the instruction behind an MMIO EPT violation, as KVM's x86 emulator does for the APIC page
 * without APIC virtualization: fetch the bytes at the guest's RIP through its page tables, decode them
 * with the processor's own {@link Decoder}, and perform a MOV load or store of 1, 2, 4 or 8 bytes
 * against the device (the same platform MMIO a native access reaches). Any other instruction touching
 * MMIO is "unsupported: MMIO by &lt;mnemonic&gt;".
 */
final class MmioEmulator {
    private MmioEmulator() {
    }

    static void emulate(Vcpu vcpu, Vmcs v, long gpa) {
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
            case MOV_RM_R -> store(vcpu, gpa, insn.osz, register(vcpu, insn.reg, insn.osz));
            case MOV_MOFFS_ACC -> store(vcpu, gpa, insn.osz, register(vcpu, 0, insn.osz));
            case MOV_RM_I -> store(vcpu, gpa, insn.osz, insn.imm);
            case MOV_R_RM -> {
                value = load(vcpu, gpa, insn.osz);
                setRegister(vcpu, insn.reg, insn.osz, value);
            }
            case MOV_ACC_MOFFS -> {
                value = load(vcpu, gpa, insn.osz);
                setRegister(vcpu, 0, insn.osz, value);
            }
            default -> {
                String text = insn.disassemble(rip).strip();
                int space = text.indexOf(' ');
                throw new UnsupportedFeature("MMIO by " + (space < 0 ? text : text.substring(0, space))
                        + " (" + text + ") at guest-physical 0x" + Long.toHexString(gpa));
            }
        }
        vcpu.skipInstruction(v, insn.len);
    }

    private static void store(Vcpu vcpu, long gpa, int size, long value) {
        vcpu.syncDevices();
        vcpu.platform().mmioWrite(gpa, size, size == 8 ? value : value & ((1L << (8 * size)) - 1));
        vcpu.devicesTouched();
    }

    private static long load(Vcpu vcpu, long gpa, int size) {
        vcpu.syncDevices();
        long value = vcpu.platform().mmioRead(gpa, size);
        vcpu.devicesTouched();
        return value;
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
