package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Segment;

/**
 * The I/O-privilege check of IN, OUT, INS and OUTS (SDM Vol. 1 19.5.1 and 19.5.2): allowed when
 * CPL <= IOPL; otherwise every bit of the TSS I/O permission bitmap covering the accessed ports
 * must be 0, and the bytes read must lie within the TSS limit, else #GP(0). The processor reads
 * two bytes of the bitmap for every check (19.5.2), so the limit test covers both.
 */
public final class IoPermission {
    /** Offset of the I/O map base address field in a 32-bit or 64-bit TSS (SDM Vol. 3A 7.2.1, 7.7). */
    static final int IO_MAP_BASE_OFFSET = 0x66;

    private final LinearMemory mem;

    public IoPermission(LinearMemory mem) {
        this.mem = mem;
    }

    /** Throws #GP(0) unless the access of {@code size} bytes (1, 2, 4) at {@code port} is allowed. */
    public void check(CpuState s, int port, int size) {
        if (!s.protectedMode()) {
            return;
        }
        long flags = s.getRflags();
        int iopl = (int) (flags >>> 12) & 3;
        if ((flags & CpuState.VM) == 0 && s.cpl <= iopl) {
            return;
        }
        Segment tr = s.tr;
        int type = tr.attributes & Segment.ATTR_TYPE_MASK;
        boolean bigTss = type == Descriptor.SYS_TSS_BUSY || type == Descriptor.SYS_TSS_AVAILABLE;
        if (tr.isUnusable() || !bigTss || tr.limit < IO_MAP_BASE_OFFSET + 1) {
            throw CpuFault.gp(0);
        }
        long mapBase = mem.readLinear(linear(s, tr.base + IO_MAP_BASE_OFFSET), 2, true);
        long byteOffset = mapBase + ((port & 0xffff) >>> 3);
        if (byteOffset + 1 > tr.limit) {
            throw CpuFault.gp(0);
        }
        long bits = mem.readLinear(linear(s, tr.base + byteOffset), 2, true);
        long mask = ((1L << size) - 1) << (port & 7);
        if ((bits & mask) != 0) {
            throw CpuFault.gp(0);
        }
    }

    private static long linear(CpuState s, long address) {
        return s.longModeActive() ? address : address & 0xffffffffL;
    }
}
