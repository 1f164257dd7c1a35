package org.vtsim.cpu.system;

import static org.vtsim.cpu.system.DescriptorTable.fault;
import static org.vtsim.cpu.system.DescriptorTable.isNull;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.Vectors;

/**
 * LLDT and LTR (SDM Vol. 2A LLDT, LTR; Vol. 3A 7.2.4). In IA-32e mode (also compatibility mode)
 * LDT and TSS descriptors are 16 bytes with a 64-bit base (SDM Vol. 3A 7.2.3). The core decodes
 * the operand and raises #UD outside protected mode; this class does the privilege and
 * descriptor checks.
 */
public final class SystemSegments {
    private final LinearMemory mem;

    public SystemSegments(LinearMemory mem) {
        this.mem = mem;
    }

    private static void requirePrivileged(CpuState s) {
        if (!s.protectedMode() || (s.getRflags() & CpuState.VM) != 0) {
            throw CpuFault.ud();
        }
        if (s.cpl != 0) {
            throw CpuFault.gp(0);
        }
    }

    private Descriptor readSystem(CpuState s, int selector) {
        if (!s.longModeActive()) {
            return DescriptorTable.read(s, mem, selector, Vectors.GP, 0);
        }
        return DescriptorTable.readSystem16(s, mem, selector, Vectors.GP, 0);
    }

    /** IA-32e 16-byte descriptors: upper type field 0 and a canonical base, else #GP(selector). */
    private static void checkUpperHalf(CpuState s, Descriptor d, int selector) {
        if (s.longModeActive() && (!d.upperTypeClear() || !Canonical.isCanonical(s, d.base()))) {
            throw fault(Vectors.GP, selector, 0);
        }
    }

    /** LLDT r/m16. A null selector leaves LDTR unusable. */
    public void lldt(CpuState s, int selector) {
        requirePrivileged(s);
        selector &= 0xffff;
        if (isNull(selector)) {
            s.ldtr.set(selector, 0, 0, Segment.ATTR_UNUSABLE);
            return;
        }
        if ((selector & 4) != 0) {
            throw fault(Vectors.GP, selector, 0);
        }
        Descriptor d = readSystem(s, selector);
        if (d.s() || d.type() != Descriptor.SYS_LDT) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        checkUpperHalf(s, d, selector);
        d.loadInto(s.ldtr, selector);
    }

    /** LTR r/m16: loads TR and marks the TSS descriptor busy. */
    public void ltr(CpuState s, int selector) {
        requirePrivileged(s);
        selector &= 0xffff;
        if (isNull(selector)) {
            throw CpuFault.gp(0);
        }
        if ((selector & 4) != 0) {
            throw fault(Vectors.GP, selector, 0);
        }
        Descriptor d = readSystem(s, selector);
        // Only an available TSS; in IA-32e mode only the 64-bit one (type 9; SDM Vol. 3A 7.7).
        boolean available = d.type() == Descriptor.SYS_TSS_AVAILABLE
                || (!s.longModeActive() && d.type() == Descriptor.SYS_TSS16_AVAILABLE);
        if (d.s() || !available) {
            throw fault(Vectors.GP, selector, 0);
        }
        if (!d.present()) {
            throw fault(Vectors.NP, selector, 0);
        }
        checkUpperHalf(s, d, selector);
        Descriptor busy = DescriptorTable.setBusy(s, mem, selector, d);
        busy.loadInto(s.tr, selector);
    }
}
