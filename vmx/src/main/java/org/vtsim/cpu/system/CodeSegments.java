package org.vtsim.cpu.system;

import static org.vtsim.cpu.system.DescriptorTable.fault;
import static org.vtsim.cpu.system.DescriptorTable.isNull;

import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.Vectors;

/**
 * The code- and stack-segment checks shared by far JMP/CALL, far RET and IRET (SDM Vol. 2A JMP,
 * CALL; Vol. 2B RET, IRET Operation; Vol. 3A 5.8). Each method checks and returns the descriptor;
 * nothing is committed here.
 */
final class CodeSegments {
    private CodeSegments() {
    }

    /**
     * Target of a direct far JMP/CALL to a code segment at the same privilege level. Call gates,
     * task gates and TSS descriptors are reported as unsupported.
     */
    static Descriptor checkJumpTarget(CpuState s, LinearMemory mem, int selector) {
        if (isNull(selector)) {
            throw CpuFault.gp(0);
        }
        Descriptor d = DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        if (!d.s()) {
            switch (d.type()) {
                case Descriptor.SYS_CALL_GATE, Descriptor.SYS_CALL_GATE16 -> throw new UnsupportedFeature(
                        "call gates (far JMP/CALL through selector 0x" + Integer.toHexString(selector) + ")");
                case Descriptor.SYS_TASK_GATE, Descriptor.SYS_TSS_AVAILABLE, Descriptor.SYS_TSS16_AVAILABLE ->
                    throw new UnsupportedFeature("task switching (far JMP/CALL to a TSS or task gate)");
                default -> throw fault(Vectors.GP, selector, 0);
            }
        }
        if (!d.isCode()) {
            throw fault(Vectors.GP, selector, 0);
        }
        int rpl = selector & 3;
        if (d.conforming() ? d.dpl() > s.cpl : rpl > s.cpl || d.dpl() != s.cpl) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        checkLongModeBits(s, d, selector);
        return d;
    }

    /** CS popped by far RET or IRET (RPL = the privilege level returned to). */
    static Descriptor checkReturnCs(CpuState s, LinearMemory mem, int selector) {
        if (isNull(selector)) {
            throw CpuFault.gp(0);
        }
        Descriptor d = DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        int rpl = selector & 3;
        if (!d.isCode() || rpl < s.cpl) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        checkLongModeBits(s, d, selector);
        return d;
    }

    /** In IA-32e mode a code segment with both L and D set is reserved (SDM Vol. 3A 5.2.1). */
    private static void checkLongModeBits(CpuState s, Descriptor d, int selector) {
        if (s.longModeActive() && d.l() && d.db()) {
            throw fault(Vectors.GP, selector, 0);
        }
    }

    /** Whether the code segment runs in 64-bit mode once loaded. */
    static boolean is64(CpuState s, Descriptor cs) {
        return s.longModeActive() && cs.l();
    }

    /**
     * The new instruction pointer: canonical for 64-bit code, otherwise truncated to the operand
     * size and within the CS limit; #GP(0) otherwise (SDM Vol. 2A JMP/CALL Operation).
     */
    static long checkedRip(CpuState s, Descriptor cs, long rip, int operandSize) {
        if (is64(s, cs)) {
            if (!Canonical.isCanonical(s, rip)) {
                throw CpuFault.gp(0);
            }
            return rip;
        }
        long eip = operandSize == 2 ? rip & 0xffffL : rip & 0xffffffffL;
        if (eip > cs.limit()) {
            throw CpuFault.gp(0);
        }
        return eip;
    }

    /**
     * SS popped by a return to an outer level (far RET, IRET). A null SS is allowed only when
     * returning to 64-bit code at CPL < 3 (SDM Vol. 2B IRET: "IF new mode is 64-bit and RPL != 3").
     * Returns null for an allowed null selector.
     */
    static Descriptor checkReturnSs(CpuState s, LinearMemory mem, int ssSelector, int csRpl, boolean target64) {
        if (isNull(ssSelector)) {
            if (target64 && csRpl != 3 && (ssSelector & 3) == csRpl) {
                return null;
            }
            throw CpuFault.gp(0);
        }
        Descriptor d = DescriptorTable.read(s, mem, ssSelector, Vectors.GP, 0);
        if ((ssSelector & 3) != csRpl || !d.writableData() || d.dpl() != csRpl) {
            throw fault(Vectors.GP, ssSelector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.SS, ssSelector, 0);
        }
        return d;
    }

    /** Commits CS (selector RPL forced to the new CPL) and sets the accessed bit. */
    static void loadCs(CpuState s, LinearMemory mem, int selector, Descriptor d, int newCpl) {
        int sel = (selector & 0xfffc) | newCpl;
        Descriptor accessed = DescriptorTable.setAccessed(s, mem, selector, d);
        accessed.loadInto(s.seg[CpuState.CS], sel);
        s.cpl = newCpl;
    }

    /** Commits SS from a checked descriptor, or as null with DPL = CPL when {@code d} is null. */
    static void loadSs(CpuState s, LinearMemory mem, int selector, Descriptor d, int cpl) {
        Segment ss = s.seg[CpuState.SS];
        if (d == null) {
            ss.set(selector & 0xffff, 0, 0, Segment.ATTR_UNUSABLE | (cpl << Segment.ATTR_DPL_SHIFT));
            return;
        }
        DescriptorTable.setAccessed(s, mem, selector, d).loadInto(ss, selector);
    }
}
