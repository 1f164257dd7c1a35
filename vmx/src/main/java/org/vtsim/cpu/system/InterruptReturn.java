package org.vtsim.cpu.system;

import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;

/**
 * IRET / IRETD / IRETQ in protected mode, compatibility mode and 64-bit mode (SDM Vol. 2B IRET
 * Operation; Vol. 3A 6.14.3): return at the same privilege level or to an outer one, with the
 * code- and stack-segment checks. In 64-bit mode SS:RSP is popped unconditionally. Task returns
 * (NT = 1 outside IA-32e mode), virtual-8086 mode and real mode are {@link UnsupportedFeature}.
 * Unblocking NMIs after IRET (SDM Vol. 3A 6.7.1) is left to the core.
 */
public final class InterruptReturn {
    private final LinearMemory mem;

    public InterruptReturn(LinearMemory mem) {
        this.mem = mem;
    }

    /** {@code operandSize}: 2 (IRET with 66h), 4 (IRETD), 8 (IRETQ). */
    public void iret(CpuState s, int operandSize) {
        if (!s.protectedMode()) {
            throw new UnsupportedFeature("IRET in real-address mode");
        }
        long flags = s.getRflags();
        if ((flags & CpuState.VM) != 0) {
            throw new UnsupportedFeature("virtual-8086 mode");
        }
        if ((flags & CpuState.NT) != 0) {
            if (s.longModeActive()) {
                throw CpuFault.gp(0); // SDM Vol. 2B IRET: task return in IA-32e mode is #GP(0)
            }
            throw new UnsupportedFeature("task return (IRET with EFLAGS.NT = 1)");
        }
        SegmentStack stack = SegmentStack.current(s, mem);
        long rip = stack.pop(operandSize);
        int csSel = (int) stack.pop(operandSize) & 0xffff;
        long poppedFlags = stack.pop(operandSize);
        if (!s.longModeActive() && operandSize == 4 && (poppedFlags & CpuState.VM) != 0 && s.cpl == 0) {
            throw new UnsupportedFeature("IRET to virtual-8086 mode");
        }
        Descriptor cs = CodeSegments.checkReturnCs(s, mem, csSel);
        int rpl = csSel & 3;
        boolean target64 = CodeSegments.is64(s, cs);
        boolean popStack = rpl > s.cpl || s.mode64();
        long newRsp = 0;
        int ssSel = 0;
        Descriptor ss = null;
        if (popStack) {
            newRsp = stack.pop(operandSize);
            ssSel = (int) stack.pop(operandSize) & 0xffff;
            ss = CodeSegments.checkReturnSs(s, mem, ssSel, rpl, target64);
        }
        long newRip = CodeSegments.checkedRip(s, cs, rip, operandSize);

        // Commit; flags are merged with the CPL before the return.
        int oldCpl = s.cpl;
        s.setRflags(ReturnFlags.merge(flags, poppedFlags, operandSize, oldCpl));
        CodeSegments.loadCs(s, mem, csSel, cs, rpl);
        if (popStack) {
            CodeSegments.loadSs(s, mem, ssSel, ss, rpl);
            s.gpr[CpuState.RSP] = FarTransfer.outerStackPointer(s, newRsp, operandSize, ss, target64);
        } else {
            s.gpr[CpuState.RSP] = stack.mergedInto(s.gpr[CpuState.RSP]);
        }
        s.rip = newRip;
        if (rpl > oldCpl) {
            SegmentLoader.nullifyInaccessible(s);
        }
    }
}
