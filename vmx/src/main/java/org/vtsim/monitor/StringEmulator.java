package org.vtsim.monitor;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;
import org.vtsim.ept.paging.Access;

/**
 * STOS and MOVS, with or without a REP prefix (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"): RDI (and RSI)
 * in the address size, stepping by the operand size, down when RFLAGS.DF = 1; RCX counts down after each
 * iteration. The monitor performs the iterations whose operands stay on the intercepted page (for MOVS:
 * one operand there, the other anywhere), each one exactly as the processor would, and stops at the first
 * that leaves it. A REP instruction with iterations left keeps RIP at the instruction: the SDM lets a
 * repeated string instruction be interrupted between iterations with the registers pointing at the next
 * element, and the processor resumes it there (on RAM directly, on another intercepted page through
 * another exit). Only the first iteration must be possible; otherwise the emulation is unsupported.
 */
final class StringEmulator {
    private StringEmulator() {
    }

    /** Returns whether the instruction completed (RIP may move past it). */
    static boolean emulate(EmulatedOperands o, boolean down) {
        Insn i = o.insn;
        int size = i.osz;
        int asz = i.asz;
        boolean movs = i.op == Op.MOVS;
        boolean rep = i.rep != Insn.REP_NONE;
        long count = rep ? o.register(CpuState.RCX, asz) : 1;
        long delta = down ? -size : size;
        int done = 0;
        while (count != 0) {
            long di = o.register(CpuState.RDI, asz);
            long si = movs ? o.register(CpuState.RSI, asz) : 0;
            if (done > 0 && (!o.withinLimit(CpuState.ES, di, size) || movs && !o.withinLimit(i.seg, si, size))) {
                break; // the processor raises the limit fault itself when it resumes
            }
            long dstLinear = o.linear(CpuState.ES, di);
            long srcLinear = movs ? o.linear(i.seg, si) : 0;
            if (done > 0 && (crosses(dstLinear, size) || movs && crosses(srcLinear, size))) {
                break;
            }
            o.requireOnePage(dstLinear, size);
            if (movs) {
                o.requireOnePage(srcLinear, size);
            }
            long dst;
            long src;
            try {
                src = movs ? o.translate(srcLinear, Access.READ) : 0;
                dst = o.translate(dstLinear, Access.WRITE);
            } catch (GuestFault f) {
                if (done == 0) {
                    throw f;
                }
                break; // a later element faults: the processor delivers it when it resumes
            }
            if (!o.onExitPage(dst) && !(movs && o.onExitPage(src))) {
                if (done == 0) {
                    throw InstructionEmulator.unsupported(i, o.v.get(org.vtsim.vmx.vmcs.VmcsField.GUEST_RIP),
                            dst, "neither operand is on the intercepted page");
                }
                break;
            }
            long value = movs ? o.read(src, size) : o.register(CpuState.RAX, size);
            o.write(dst, size, value);
            o.setRegister(CpuState.RDI, asz, di + delta);
            if (movs) {
                o.setRegister(CpuState.RSI, asz, si + delta);
            }
            done++;
            if (rep) {
                count = EmulatedOperands.truncate(count - 1, asz);
                o.setRegister(CpuState.RCX, asz, count);
            } else {
                count = 0;
            }
        }
        return count == 0;
    }

    private static boolean crosses(long linear, int size) {
        return (linear & 0xfff) + size > 4096;
    }
}
