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
 * One attempt to deliver an event through an interrupt or trap gate: the handler code-segment
 * checks, the stack switch, the pushes and the commit (SDM Vol. 3A 6.12.1 for protected mode,
 * 6.14 for IA-32e mode; Vol. 2A "INT n/INTO/INT3/INT1" Operation). Faults raised here carry
 * error codes without EXT; {@link EventDelivery} adds EXT for external events.
 */
final class GateDelivery {
    private static final long CLEARED_ON_DELIVERY = CpuState.TF | CpuState.NT | CpuState.RF | CpuState.VM;

    private final LinearMemory mem;

    GateDelivery(LinearMemory mem) {
        this.mem = mem;
    }

    void deliver(CpuState s, Event e) {
        if (!s.protectedMode()) {
            throw new UnsupportedFeature("event delivery in real-address mode");
        }
        if ((s.getRflags() & CpuState.VM) != 0) {
            throw new UnsupportedFeature("virtual-8086 mode");
        }
        IdtGate gate = IdtGate.read(s, mem, e);
        if (s.longModeActive()) {
            deliverIa32e(s, e, gate);
        } else {
            deliverProtected(s, e, gate);
        }
    }

    /** The handler's code segment (SDM Vol. 2A INT n: "PROTECTED-MODE" / "IA-32e-MODE" checks). */
    private Descriptor handlerCs(CpuState s, int selector, boolean ia32e) {
        if (isNull(selector)) {
            throw CpuFault.gp(0);
        }
        Descriptor cs = DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        if (!cs.isCode() || cs.dpl() > s.cpl) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!cs.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        if (ia32e && (!cs.l() || cs.db())) {
            throw fault(Vectors.GP, selector, 0);
        }
        return cs;
    }

    private void deliverProtected(CpuState s, Event e, IdtGate gate) {
        Descriptor cs = handlerCs(s, gate.selector(), false);
        int size = gate.bigGate() ? 4 : 2;
        long handler = gate.offset();
        if (handler > cs.limit()) {
            throw CpuFault.gp(0);
        }
        long oldFlags = s.getRflags();
        int oldCs = s.seg[CpuState.CS].selector;
        long eip = e.returnRip() & 0xffffffffL;
        boolean inner = !cs.conforming() && cs.dpl() < s.cpl;
        int newCpl = inner ? cs.dpl() : s.cpl;
        SegmentStack stack;
        int ssSel = 0;
        Descriptor ss = null;
        if (inner) {
            // Stack switch to SS:ESP for the new CPL from the TSS (SDM Vol. 3A 6.12.1, 7.2.1).
            long[] tssStack = legacyTssStack(s, newCpl);
            ssSel = (int) tssStack[0];
            if (isNull(ssSel)) {
                throw CpuFault.withError(Vectors.TS, 0);
            }
            ss = DescriptorTable.read(s, mem, ssSel, Vectors.TS, 0);
            if ((ssSel & 3) != newCpl || ss.dpl() != newCpl || !ss.writableData()) {
                throw fault(Vectors.TS, ssSel, 0);
            }
            if (!ss.present()) {
                throw fault(Vectors.SS, ssSel, 0);
            }
            stack = new SegmentStack(mem, s, ss.base(), ss.limit(), ss.accessRights(), ss.db() ? 4 : 2,
                    tssStack[1], DescriptorTable.errorCode(ssSel, 0)).supervisor();
            stack.push(s.seg[CpuState.SS].selector, size);
            stack.push(s.gpr[CpuState.RSP], size);
        } else {
            stack = SegmentStack.current(s, mem);
        }
        stack.push(oldFlags, size);
        stack.push(oldCs, size);
        stack.push(eip, size);
        if (e.pushesErrorCode()) {
            stack.push(e.errorCode(), size);
        }
        // Commit.
        if (inner) {
            CodeSegments.loadSs(s, mem, ssSel, ss, newCpl);
        }
        s.gpr[CpuState.RSP] = stack.mergedInto(s.gpr[CpuState.RSP]);
        CodeSegments.loadCs(s, mem, gate.selector(), cs, newCpl);
        s.rip = handler;
        finishFlags(s, oldFlags, gate);
    }

    private void deliverIa32e(CpuState s, Event e, IdtGate gate) {
        Descriptor cs = handlerCs(s, gate.selector(), true);
        if (!Canonical.isCanonical(s, gate.offset())) {
            throw CpuFault.gp(0);
        }
        boolean inner = !cs.conforming() && cs.dpl() < s.cpl;
        int newCpl = inner ? cs.dpl() : s.cpl;
        long rsp;
        if (gate.ist() != 0) {
            rsp = readTss64(s, 0x24 + 8L * (gate.ist() - 1));
        } else if (inner) {
            rsp = readTss64(s, 4 + 8L * newCpl);
        } else {
            rsp = s.gpr[CpuState.RSP];
        }
        // The new RSP is aligned to 16 bytes and SS:RSP is pushed unconditionally (SDM Vol. 3A 6.14.2).
        SegmentStack stack = SegmentStack.flat64(s, mem, rsp & ~0xfL);
        if (inner) {
            stack.supervisor();
        }
        long oldFlags = s.getRflags();
        stack.push(s.seg[CpuState.SS].selector, 8);
        stack.push(s.gpr[CpuState.RSP], 8);
        stack.push(oldFlags, 8);
        stack.push(s.seg[CpuState.CS].selector, 8);
        stack.push(e.returnRip(), 8);
        if (e.pushesErrorCode()) {
            stack.push(e.errorCode() & 0xffffffffL, 8);
        }
        // Commit. A privilege change loads SS with a null selector whose RPL is the new CPL (6.14.4).
        if (inner) {
            s.seg[CpuState.SS].set(newCpl, 0, 0, Segment.ATTR_UNUSABLE | (newCpl << Segment.ATTR_DPL_SHIFT));
        }
        s.gpr[CpuState.RSP] = stack.rsp;
        CodeSegments.loadCs(s, mem, gate.selector(), cs, newCpl);
        s.rip = gate.offset();
        finishFlags(s, oldFlags, gate);
    }

    private static void finishFlags(CpuState s, long oldFlags, IdtGate gate) {
        long flags = oldFlags & ~CLEARED_ON_DELIVERY;
        if (gate.interruptGate()) {
            flags &= ~CpuState.IF;
        }
        s.setRflags(flags);
    }

    private static void requireTssBytes(CpuState s, long offset, int size) {
        if (s.tr.isUnusable() || offset + size - 1 > s.tr.limit) {
            throw fault(Vectors.TS, s.tr.selector, 0);
        }
    }

    /** SSn:ESPn from a 32-bit or 16-bit TSS (SDM Vol. 3A 7.2.1, Figures 7-2 and 7-11). */
    private long[] legacyTssStack(CpuState s, int cpl) {
        int type = s.tr.attributes & Segment.ATTR_TYPE_MASK;
        if (type == Descriptor.SYS_TSS_BUSY || type == Descriptor.SYS_TSS_AVAILABLE) {
            long off = 4 + 8L * cpl;
            requireTssBytes(s, off, 8);
            long esp = mem.readLinear((s.tr.base + off) & 0xffffffffL, 4, true);
            long ss = mem.readLinear((s.tr.base + off + 4) & 0xffffffffL, 2, true);
            return new long[] {ss, esp};
        }
        if (type == Descriptor.SYS_TSS16_BUSY || type == Descriptor.SYS_TSS16_AVAILABLE) {
            long off = 2 + 4L * cpl;
            requireTssBytes(s, off, 4);
            long sp = mem.readLinear((s.tr.base + off) & 0xffffffffL, 2, true);
            long ss = mem.readLinear((s.tr.base + off + 2) & 0xffffffffL, 2, true);
            return new long[] {ss, sp};
        }
        throw fault(Vectors.TS, s.tr.selector, 0);
    }

    /** RSPn or ISTn from the 64-bit TSS (SDM Vol. 3A 7.7, Figure 7-11). */
    private long readTss64(CpuState s, long offset) {
        requireTssBytes(s, offset, 8);
        return mem.readLinear(s.tr.base + offset, 8, true);
    }
}
