package org.vtsim.cpu.system;

import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Vectors;

/**
 * An IDT gate descriptor, read with the IDT checks (SDM Vol. 3A 6.10-6.12.1, 6.14.1): IDT limit,
 * gate type, gate DPL for software interrupts, present bit. 8-byte gates in legacy protected
 * mode (Figure 6-2), 16-byte gates in IA-32e mode (Figure 6-8). Errors name the IDT entry:
 * vector * 8 + 2 (IDT bit) + EXT.
 */
record IdtGate(int type, int dpl, int selector, long offset, int ist) {

    boolean interruptGate() {
        return type == Descriptor.SYS_INTERRUPT_GATE || type == Descriptor.SYS_INTERRUPT_GATE16;
    }

    /** 32/64-bit gate (vs. a 16-bit one): sets the size of the pushes. */
    boolean bigGate() {
        return type >= Descriptor.SYS_CALL_GATE;
    }

    static int idtErrorCode(int vector, int ext) {
        return vector * 8 + 2 + ext;
    }

    static IdtGate read(CpuState s, LinearMemory mem, Event e) {
        int ext = e.type().external() ? 1 : 0;
        int vector = e.vector();
        int code = idtErrorCode(vector, ext);
        boolean ia32e = s.longModeActive();
        int entrySize = ia32e ? 16 : 8;
        if ((long) vector * entrySize + entrySize - 1 > (s.idtrLimit & 0xffffL)) {
            throw CpuFault.gp(code);
        }
        long addr = s.idtrBase + (long) vector * entrySize;
        if (!ia32e) {
            addr &= 0xffffffffL;
        }
        long lo = mem.readLinear(addr, 8, true);
        long hi = ia32e ? mem.readLinear(addr + 8, 8, true) : 0;
        Descriptor d = new Descriptor(lo, hi);
        int type = d.type();
        boolean valid;
        if (d.s()) {
            valid = false;
        } else if (ia32e) {
            valid = type == Descriptor.SYS_INTERRUPT_GATE || type == Descriptor.SYS_TRAP_GATE;
        } else {
            valid = switch (type) {
                case Descriptor.SYS_TASK_GATE, Descriptor.SYS_INTERRUPT_GATE16, Descriptor.SYS_TRAP_GATE16,
                        Descriptor.SYS_INTERRUPT_GATE, Descriptor.SYS_TRAP_GATE -> true;
                default -> false;
            };
        }
        if (!valid) {
            throw CpuFault.gp(code);
        }
        if (e.type().gateDplChecked() && d.dpl() < s.cpl) {
            throw CpuFault.gp(code);
        }
        if (!d.present()) {
            throw CpuFault.withError(Vectors.NP, code);
        }
        if (type == Descriptor.SYS_TASK_GATE) {
            throw new UnsupportedFeature("task gates (IDT vector " + vector + ")");
        }
        int selector = (int) (lo >>> 16) & 0xffff;
        long offset = (lo & 0xffffL) | (((lo >>> 48) & 0xffffL) << 16) | ((hi & 0xffffffffL) << 32);
        if (!ia32e && type < Descriptor.SYS_CALL_GATE) {
            offset &= 0xffffL;
        }
        int ist = ia32e ? (int) (lo >>> 32) & 7 : 0;
        return new IdtGate(type, d.dpl(), selector, offset, ist);
    }
}
