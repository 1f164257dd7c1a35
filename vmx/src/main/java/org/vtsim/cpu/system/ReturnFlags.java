package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuState;

/**
 * Which RFLAGS bits IRET may change (SDM Vol. 2B IRET Operation, and Vol. 1 3.4.3): the status
 * flags, TF, DF, NT always; RF, AC, ID with a 32/64-bit operand; IF only when CPL <= IOPL;
 * IOPL, VIF and VIP only at CPL 0. VM is never set here (virtual-8086 returns are unsupported).
 * CPL and IOPL are those in force before the return.
 */
public final class ReturnFlags {
    private static final long ALWAYS = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT;

    private ReturnFlags() {
    }

    public static long mask(int operandSize, int cpl, int iopl) {
        long mask = ALWAYS;
        if (cpl <= iopl) {
            mask |= CpuState.IF;
        }
        if (cpl == 0) {
            mask |= CpuState.IOPL;
        }
        if (operandSize == 2) {
            return mask & 0xffff;
        }
        mask |= CpuState.RF | CpuState.AC | CpuState.ID;
        if (cpl == 0) {
            mask |= CpuState.VIF | CpuState.VIP;
        }
        return mask;
    }

    public static long merge(long oldFlags, long popped, int operandSize, int cpl) {
        int iopl = (int) (oldFlags >>> 12) & 3;
        long mask = mask(operandSize, cpl, iopl);
        return (oldFlags & ~mask) | (popped & mask);
    }
}
