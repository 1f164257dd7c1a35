package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Vectors;

/**
 * Reads descriptors from the GDT or the LDT a selector names (SDM Vol. 3A 3.4.2, 3.5.1), with
 * the table-limit check, and writes back the accessed and busy bits. Every access is an implicit
 * supervisor-mode access (SDM Vol. 3A 4.6).
 */
public final class DescriptorTable {
    private DescriptorTable() {
    }

    /** Whether the selector is a null selector (index 0 in the GDT; the RPL does not matter). */
    public static boolean isNull(int selector) {
        return (selector & 0xfffc) == 0;
    }

    /** Error code naming a selector (SDM Vol. 3A 6.13, Figure 6-6): index and TI, plus EXT. */
    public static int errorCode(int selector, int ext) {
        return (selector & 0xfffc) | (ext & 1);
    }

    public static CpuFault fault(int vector, int selector, int ext) {
        return CpuFault.withError(vector, errorCode(selector, ext));
    }

    /**
     * The linear address of the descriptor, or a fault {@code vector}(selector) when
     * {@code size} bytes at the selector's index exceed the table limit or the LDT is unusable.
     */
    public static long address(CpuState s, int selector, int size, int vector, int ext) {
        long offset = selector & 0xfff8;
        long base;
        long limit;
        if ((selector & 4) != 0) {
            if (s.ldtr.isUnusable() || isNull(s.ldtr.selector)) {
                throw fault(vector, selector, ext);
            }
            base = s.ldtr.base;
            limit = s.ldtr.limit;
        } else {
            base = s.gdtrBase;
            limit = s.gdtrLimit & 0xffffL;
        }
        if (offset + size - 1 > limit) {
            throw fault(vector, selector, ext);
        }
        long linear = base + offset;
        return s.longModeActive() ? linear : linear & 0xffffffffL;
    }

    /** Reads the 8-byte descriptor; out-of-limit raises {@code vector}(selector + EXT). */
    public static Descriptor read(CpuState s, LinearMemory mem, int selector, int vector, int ext) {
        long addr = address(s, selector, 8, vector, ext);
        return Descriptor.of(mem.readLinear(addr, 8, true));
    }

    /** Reads a 16-byte IA-32e system descriptor (LDT, TSS; SDM Vol. 3A 7.2.3). */
    public static Descriptor readSystem16(CpuState s, LinearMemory mem, int selector, int vector, int ext) {
        long addr = address(s, selector, 16, vector, ext);
        long lo = mem.readLinear(addr, 8, true);
        long hi = mem.readLinear(addr + 8, 8, true);
        return new Descriptor(lo, hi);
    }

    /**
     * Sets the accessed bit in the descriptor in memory if it is clear (SDM Vol. 3A 3.4.5.1): the
     * processor does so whenever it loads a segment register with a code/data descriptor.
     */
    public static Descriptor setAccessed(CpuState s, LinearMemory mem, int selector, Descriptor d) {
        if ((d.type() & Descriptor.TYPE_ACCESSED) != 0) {
            return d;
        }
        long addr = address(s, selector, 8, Vectors.GP, 0);
        long typeByte = (d.raw() >>> 40) & 0xff;
        mem.writeLinear(addr + 5, 1, typeByte | Descriptor.TYPE_ACCESSED, true);
        return new Descriptor(d.raw() | (1L << 40), d.high());
    }

    /** Marks an available TSS descriptor busy (type bit 1; SDM Vol. 3A 7.2.2). */
    public static Descriptor setBusy(CpuState s, LinearMemory mem, int selector, Descriptor d) {
        long addr = address(s, selector, 8, Vectors.GP, 0);
        long typeByte = ((d.raw() >>> 40) & 0xff) | 2;
        mem.writeLinear(addr + 5, 1, typeByte, true);
        return new Descriptor(d.raw() | (2L << 40), d.high());
    }
}
