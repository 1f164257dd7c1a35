package org.vtsim.cpu.system;

import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;

/**
 * Far JMP, far CALL and far RET in protected mode, compatibility mode and 64-bit mode (SDM Vol.
 * 2A JMP and CALL, Vol. 2B RET, Operation; Vol. 3A 5.8.1-5.8.2). Transfers go to code segments
 * only: conforming or non-conforming, same privilege; far RET may also return to an outer
 * privilege level. Call gates and task switches are reported as {@link UnsupportedFeature}.
 *
 * <p>{@code operandSize} is 2, 4 or 8 bytes; {@code offset}/{@code returnRip} are the decoded
 * far pointer's offset and the address of the next instruction. Registers change only after
 * every check passed (pushes/pops may still fault first, leaving them untouched).
 */
public final class FarTransfer {
    private final LinearMemory mem;

    public FarTransfer(LinearMemory mem) {
        this.mem = mem;
    }

    private static void requireProtectedMode(CpuState s, String what) {
        if (!s.protectedMode()) {
            throw new UnsupportedFeature(what + " in real-address mode");
        }
        if ((s.getRflags() & CpuState.VM) != 0) {
            throw new UnsupportedFeature("virtual-8086 mode");
        }
    }

    /** JMP ptr16:16/32 or JMP m16:16/32/64. */
    public void jump(CpuState s, int selector, long offset, int operandSize) {
        requireProtectedMode(s, "far JMP");
        selector &= 0xffff;
        Descriptor cs = CodeSegments.checkJumpTarget(s, mem, selector);
        long rip = CodeSegments.checkedRip(s, cs, offset, operandSize);
        CodeSegments.loadCs(s, mem, selector, cs, s.cpl);
        s.rip = rip;
    }

    /** CALL ptr16:16/32 or CALL m16:16/32/64: pushes CS and the return address. */
    public void call(CpuState s, int selector, long offset, int operandSize, long returnRip) {
        requireProtectedMode(s, "far CALL");
        selector &= 0xffff;
        Descriptor cs = CodeSegments.checkJumpTarget(s, mem, selector);
        long rip = CodeSegments.checkedRip(s, cs, offset, operandSize);
        SegmentStack stack = SegmentStack.current(s, mem);
        stack.push(s.seg[CpuState.CS].selector, operandSize);
        stack.push(returnRip, operandSize);
        s.gpr[CpuState.RSP] = stack.mergedInto(s.gpr[CpuState.RSP]);
        CodeSegments.loadCs(s, mem, selector, cs, s.cpl);
        s.rip = rip;
    }

    /** RET far [imm16]: {@code popBytes} is the immediate (0 without one). */
    public void ret(CpuState s, int operandSize, int popBytes) {
        requireProtectedMode(s, "far RET");
        SegmentStack stack = SegmentStack.current(s, mem);
        long rip = stack.pop(operandSize);
        int csSel = (int) stack.pop(operandSize) & 0xffff;
        Descriptor cs = CodeSegments.checkReturnCs(s, mem, csSel);
        int rpl = csSel & 3;
        boolean target64 = CodeSegments.is64(s, cs);
        stack.skip(popBytes & 0xffff);
        if (rpl == s.cpl) {
            long newRip = CodeSegments.checkedRip(s, cs, rip, operandSize);
            s.gpr[CpuState.RSP] = stack.mergedInto(s.gpr[CpuState.RSP]);
            CodeSegments.loadCs(s, mem, csSel, cs, s.cpl);
            s.rip = newRip;
            return;
        }
        // Return to an outer privilege level: pop SS:RSP of the caller (SDM Vol. 2B RET,
        // RETURN-TO-OUTER-PRIVILEGE-LEVEL), then release the callee's parameters from it.
        long newRsp = stack.pop(operandSize);
        int ssSel = (int) stack.pop(operandSize) & 0xffff;
        Descriptor ss = CodeSegments.checkReturnSs(s, mem, ssSel, rpl, target64);
        long newRip = CodeSegments.checkedRip(s, cs, rip, operandSize);
        CodeSegments.loadCs(s, mem, csSel, cs, rpl);
        CodeSegments.loadSs(s, mem, ssSel, ss, rpl);
        s.gpr[CpuState.RSP] = outerStackPointer(s, newRsp + (popBytes & 0xffff), operandSize, ss, target64);
        s.rip = newRip;
        SegmentLoader.nullifyInaccessible(s);
    }

    /** RSP after a return to an outer level: full width in 64-bit code, else by SS.B. */
    static long outerStackPointer(CpuState s, long value, int operandSize, Descriptor ss, boolean target64) {
        if (target64) {
            return operandSize == 4 ? value & 0xffffffffL : value;
        }
        if (ss != null && !ss.db()) {
            return (s.gpr[CpuState.RSP] & ~0xffffL) | (value & 0xffff);
        }
        return value & 0xffffffffL;
    }
}
