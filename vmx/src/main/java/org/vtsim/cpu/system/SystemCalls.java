package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;

/**
 * SYSCALL, SYSRET and SWAPGS (SDM Vol. 2B SYSCALL, SYSRET, SWAPGS Operation). The segment
 * registers are loaded with fixed flat values derived from IA32_STAR, without reading the GDT.
 * SYSENTER/SYSEXIT are not modelled (CPUID.01H:EDX.SEP is clear), so the core raises #UD.
 */
public final class SystemCalls {
    /** Flat 4 GiB code, execute/read accessed, present, G: the fixed CS of SYSCALL/SYSRET. */
    private static final int CODE_AR = 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_G;
    /** Flat 4 GiB data, read/write accessed, present, B, G: the fixed SS. */
    private static final int STACK_AR = 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G;
    /** RFLAGS bits SYSRET loads from R11 (SDM Vol. 2B SYSRET: R11 AND 3C7FD7H, bit 1 set). */
    private static final long SYSRET_FLAGS = 0x3c7fd7L;

    private final Msrs msrs;

    public SystemCalls(Msrs msrs) {
        this.msrs = msrs;
    }

    private static void requireSyscallEnabled(CpuState s) {
        // Intel: SYSCALL/SYSRET are #UD outside 64-bit mode or with EFER.SCE = 0.
        if (!s.mode64() || (s.efer & CpuState.EFER_SCE) == 0) {
            throw CpuFault.ud();
        }
    }

    /** SYSCALL; {@code nextRip} is the address of the following instruction. */
    public void syscall(CpuState s, long nextRip) {
        requireSyscallEnabled(s);
        long flags = s.getRflags();
        s.gpr[CpuState.RCX] = nextRip;
        s.gpr[11] = flags & ~CpuState.RF;
        s.setRflags(flags & ~msrs.fmask() & ~CpuState.RF);
        int sel = (int) (msrs.star() >>> 32) & 0xffff;
        s.seg[CpuState.CS].set(sel & 0xfffc, 0, 0xffffffffL, CODE_AR | Segment.ATTR_L);
        s.seg[CpuState.SS].set((sel + 8) & 0xffff, 0, 0xffffffffL, STACK_AR);
        s.cpl = 0;
        s.rip = msrs.lstar();
    }

    /**
     * SYSRET with operand size 8 (REX.W, back to 64-bit code) or 4 (to compatibility mode). The
     * non-canonical RCX check happens before any state changes, so the #GP(0) is delivered at
     * CPL 0 on the current stack: Intel's documented behaviour, which kernels must guard against.
     */
    public void sysret(CpuState s, int operandSize) {
        requireSyscallEnabled(s);
        if (s.cpl != 0) {
            throw CpuFault.gp(0);
        }
        long rip;
        int base = (int) (msrs.star() >>> 48) & 0xffff;
        int csSel;
        int csAr = CODE_AR | (3 << Segment.ATTR_DPL_SHIFT);
        if (operandSize == 8) {
            rip = s.gpr[CpuState.RCX];
            if (!Canonical.isCanonical(s, rip)) {
                throw CpuFault.gp(0);
            }
            csSel = (base + 16) | 3;
            csAr |= Segment.ATTR_L;
        } else {
            rip = s.gpr[CpuState.RCX] & 0xffffffffL;
            csSel = base | 3;
            csAr |= Segment.ATTR_DB;
        }
        s.setRflags((s.gpr[11] & SYSRET_FLAGS) | CpuState.FIXED1);
        s.seg[CpuState.CS].set(csSel & 0xffff, 0, 0xffffffffL, csAr);
        s.seg[CpuState.SS].set(((base + 8) | 3) & 0xffff, 0, 0xffffffffL,
                STACK_AR | (3 << Segment.ATTR_DPL_SHIFT));
        s.cpl = 3;
        s.rip = rip;
    }

    /** SWAPGS: exchanges GS.base and IA32_KERNEL_GS_BASE; 64-bit mode only, CPL 0. */
    public void swapgs(CpuState s) {
        if (!s.mode64()) {
            throw CpuFault.ud();
        }
        if (s.cpl != 0) {
            throw CpuFault.gp(0);
        }
        long gs = s.seg[CpuState.GS].base;
        s.seg[CpuState.GS].base = msrs.kernelGsBase();
        msrs.setKernelGsBase(gs);
    }
}
