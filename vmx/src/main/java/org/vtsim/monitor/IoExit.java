package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;
import org.vtsim.ept.paging.Access;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.IoQualification;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * I/O instructions (reason 30, unconditional I/O exiting, SDM 25.1.3): IN/OUT to the guest's device
 * bus, the same devices a native run uses. INS/OUTS (with REP: every iteration, as the native
 * interpreter runs a REP string instruction to completion) take their memory operand from the guest's
 * linear address space (ES:rDI, or seg:rSI with the segment from the VM-exit instruction
 * information, SDM 27.2.5); a page fault part-way leaves rSI/rDI/rCX as far as the transfer got.
 */
final class IoExit {
    private IoExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        int port = IoQualification.port(q);
        int size = IoQualification.size(q);
        boolean in = IoQualification.in(q);
        vcpu.charge(vcpu.vm().config().inKernelPort().test(port) ? Cost.MONITOR_IO_IN_KERNEL
                : Cost.MONITOR_IO_USER_SPACE);
        Platform p = vcpu.platform();
        vcpu.syncDevices();
        try {
            if (!IoQualification.string(q)) {
                if (in) {
                    long value = p.ioRead(port, size) & mask(size);
                    long rax = vcpu.register(CpuState.RAX);
                    vcpu.setRegister(CpuState.RAX, size == 4 ? value : (rax & ~mask(size)) | value);
                } else {
                    p.ioWrite(port, size, (int) (vcpu.register(CpuState.RAX) & mask(size)));
                }
            } else {
                string(vcpu, v, q, port, size, in);
            }
        } finally {
            vcpu.devicesTouched();
        }
        vcpu.skipInstruction(v);
    }

    private static long mask(int size) {
        return size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
    }

    private static void string(Vcpu vcpu, Vmcs v, long q, int port, int size, boolean in) {
        int info = v.get32(VM_EXIT_INSTRUCTION_INFORMATION);
        int addressBits = InstructionInformation.addressBits(InstructionInformation.addressSize(info));
        long amask = addressBits == 64 ? -1L : (1L << addressBits) - 1;
        boolean mode64 = (v.get32(GUEST_CS_ACCESS_RIGHTS) & org.vtsim.cpu.Segment.ATTR_L) != 0
                && (v.get(GUEST_IA32_EFER) & CpuState.EFER_LMA) != 0;
        int segment = in ? InstructionInformation.SEGMENT_ES : InstructionInformation.segment(info);
        long base = mode64 && segment < InstructionInformation.SEGMENT_FS ? 0
                : v.get(VmcsSetup.GUEST_SEGMENTS[segment][1]);
        int indexReg = in ? CpuState.RDI : CpuState.RSI;
        long step = (v.get(GUEST_RFLAGS) & CpuState.DF) != 0 ? -size : size;
        boolean rep = IoQualification.rep(q);
        int user = ((v.get32(GUEST_SS_ACCESS_RIGHTS) >>> 5) & 3) == 3 ? Access.USER : 0;
        GuestAccess mem = vcpu.access();
        Platform p = vcpu.platform();
        long count = rep ? vcpu.register(CpuState.RCX) & amask : 1;
        while (count > 0) {
            long index = vcpu.register(indexReg);
            long linear = base + (index & amask);
            if (!mode64) {
                linear &= 0xffffffffL;
            }
            if (in) {
                long value = p.ioRead(port, size) & mask(size);
                mem.write(linear, size, value, user);
            } else {
                p.ioWrite(port, size, (int) mem.read(linear, size, user));
            }
            vcpu.setRegister(indexReg, update(index, index + step, addressBits));
            count--;
            if (rep) {
                long rcx = vcpu.register(CpuState.RCX);
                vcpu.setRegister(CpuState.RCX, update(rcx, rcx - 1, addressBits));
            }
        }
    }

    /** A 16-bit address register update keeps bits 63:16; a 32-bit one zero-extends (SDM Vol. 1 3.4.1.1). */
    private static long update(long old, long value, int addressBits) {
        return switch (addressBits) {
            case 16 -> (old & ~0xffffL) | (value & 0xffff);
            case 32 -> value & 0xffffffffL;
            default -> value;
        };
    }
}
