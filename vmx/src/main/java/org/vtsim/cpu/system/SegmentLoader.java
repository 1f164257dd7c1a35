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
 * Loads DS, ES, FS, GS and SS from a selector with the descriptor checks of MOV/POP/LDS...
 * (SDM Vol. 2B "MOV—Move", "POP", Operation for segment-register loads; Vol. 3A 5.5-5.7). The
 * core calls {@link #load} for MOV Sreg, POP Sreg and the far-pointer loads (LDS, LSS, ...).
 * CS is never loaded here: see {@link FarTransfer}. MOV SS / POP SS also block interrupts for one
 * instruction (SDM Vol. 3A 6.8.3): that is the core's job.
 */
public final class SegmentLoader {
    private final LinearMemory mem;

    public SegmentLoader(LinearMemory mem) {
        this.mem = mem;
    }

    /** Loads segment register {@code sreg} (CpuState.ES/SS/DS/FS/GS) with {@code selector}. */
    public void load(CpuState s, int sreg, int selector) {
        selector &= 0xffff;
        if (sreg == CpuState.CS || sreg < 0 || sreg > CpuState.GS) {
            throw new IllegalArgumentException("SegmentLoader cannot load segment register " + sreg);
        }
        Segment seg = s.seg[sreg];
        if (!s.protectedMode()) {
            // Real-address mode: base = selector * 16, limit and attributes unchanged (SDM Vol. 3A 20.1.1).
            seg.selector = selector;
            seg.base = (long) selector << 4;
            return;
        }
        if ((s.getRflags() & CpuState.VM) != 0) {
            throw new UnsupportedFeature("virtual-8086 mode");
        }
        if (sreg == CpuState.SS) {
            loadStack(s, seg, selector);
        } else {
            loadData(s, seg, selector);
        }
    }

    private void loadData(CpuState s, Segment seg, int selector) {
        if (isNull(selector)) {
            // A null selector makes the register unusable; Intel processors also clear the base
            // (the behaviour Linux calls !X86_BUG_NULL_SEG).
            seg.set(selector, 0, 0, Segment.ATTR_UNUSABLE);
            return;
        }
        Descriptor d = DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        int rpl = selector & 3;
        if (!d.readable()) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.conforming() && (rpl > d.dpl() || s.cpl > d.dpl())) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        d = DescriptorTable.setAccessed(s, mem, selector, d);
        d.loadInto(seg, selector);
    }

    private void loadStack(CpuState s, Segment seg, int selector) {
        int rpl = selector & 3;
        if (isNull(selector)) {
            // 64-bit mode allows a null SS at CPL 0-2 when RPL = CPL (SDM Vol. 2B MOV, 64-bit
            // mode exceptions; Vol. 3A 5.4.1.1); everywhere else a null SS is #GP(0).
            if (s.mode64() && s.cpl != 3 && rpl == s.cpl) {
                seg.set(selector, 0, 0, Segment.ATTR_UNUSABLE | (s.cpl << Segment.ATTR_DPL_SHIFT));
                return;
            }
            throw CpuFault.gp(0);
        }
        Descriptor d = DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        if (rpl != s.cpl || !d.writableData() || d.dpl() != s.cpl) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.SS, selector, 0);
        }
        d = DescriptorTable.setAccessed(s, mem, selector, d);
        d.loadInto(seg, selector);
    }

    /**
     * After a return to an outer privilege level (far RET, IRET), ES/DS/FS/GS that the new CPL may
     * not use are made null (SDM Vol. 2B RET and IRET Operation: "IF (SegmentSelector = NULL) or
     * (tempDesc(DPL) < CPL AND tempDesc(Type) is (data or non-conforming code)) THEN SegReg <-
     * NULL"). Only the selector and usability change: the cached base stays, which is why a
     * user FS base written through IA32_FS_BASE survives an IRET to CPL 3.
     */
    public static void nullifyInaccessible(CpuState s) {
        for (int r : new int[] {CpuState.ES, CpuState.DS, CpuState.FS, CpuState.GS}) {
            Segment seg = s.seg[r];
            int type = seg.attributes & Segment.ATTR_TYPE_MASK;
            boolean dataOrNonConforming = (type & Descriptor.TYPE_CODE) == 0
                    || (type & Descriptor.TYPE_EXPAND_DOWN_OR_CONFORMING) == 0;
            if (isNull(seg.selector) || seg.isUnusable() || (seg.dpl() < s.cpl && dataOrNonConforming)) {
                seg.selector = 0;
                seg.attributes |= Segment.ATTR_UNUSABLE;
            }
        }
    }
}
