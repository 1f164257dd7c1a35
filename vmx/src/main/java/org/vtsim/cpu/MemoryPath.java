package org.vtsim.cpu;

import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.ept.PhysicalMemory;

/**
 * The data path of every memory access: segmentation (SDM Vol. 3A ch. 3 and 5.3; in 64-bit mode
 * only FS/GS bases and the canonical check, 3.3.7.1) → paging ({@link AddressTranslation}) →
 * RAM ({@link PhysicalMemory}) or the platform's MMIO window.
 *
 * <p>Also the {@link LinearMemory} the system units use, so descriptor-table reads and event
 * pushes take the same path and pay the same costs.
 */
public final class MemoryPath implements LinearMemory {
    private static final int SS = CpuState.SS;
    private static final int FS = CpuState.FS;

    private final CpuState state;
    private final PhysicalMemory ram;
    private final Platform platform;
    private final Counters counters;
    private final long memoryAccessCost;
    private final long mmioCost;
    private final long ramSize;
    private final long mmioStart;
    private final long mmioEnd;
    private AddressTranslation translation;
    /** The translation when it is the native {@link MmuTranslation} (called directly), else null. */
    private MmuTranslation mmuTranslation;
    /** {@link AddressTranslation#translatesWithPagingOff()} of the current translation. */
    private boolean translateWithPagingOff;

    /** 64-bit mode, refreshed by the core whenever CS or EFER may have changed. */
    public boolean mode64;

    /**
     * Set whenever the translation was asked for an address, so the core collects its cycles
     * ({@link AddressTranslation#takeCycles()}) only after instructions that translated; the core
     * clears it when it collects.
     */
    public boolean translated;

    /** CR2 before the last #PF wrote it. */
    public long cr2BeforeFault;

    /** Physical address of the last {@link #readForWrite}, or -1 when it crossed a page. */
    private long rmwPhys;
    private long rmwLinear;

    public MemoryPath(CpuState state, PhysicalMemory ram, Platform platform, CostProfile costs, Counters counters) {
        this.state = state;
        this.ram = ram;
        this.platform = platform;
        this.counters = counters;
        this.memoryAccessCost = costs.memoryAccess;
        this.mmioCost = costs.cycles(Cost.MMIO_ACCESS);
        this.ramSize = ram.size();
        this.mmioStart = platform.mmioStart();
        this.mmioEnd = platform.mmioEnd();
    }

    public void setTranslation(AddressTranslation translation) {
        this.translation = translation;
        this.mmuTranslation = translation instanceof MmuTranslation m ? m : null;
        this.translateWithPagingOff = translation != null && translation.translatesWithPagingOff();
    }

    public PhysicalMemory ram() {
        return ram;
    }

    public AddressTranslation translation() {
        return translation;
    }

    // ---- segmentation ----

    /** Canonical for the current linear-address width (48 bits, or 57 with CR4.LA57). */
    public boolean canonical(long lin) {
        int s = (state.cr4 & CpuState.CR4_LA57) != 0 ? 7 : 16;
        return (lin << s >> s) == lin;
    }

    /**
     * The linear address of {@code size} bytes at {@code offset} in segment {@code seg}, after
     * the segment checks (SDM Vol. 3A 5.3 limit checks, 5.4/5.5 type checks).
     */
    public long linear(int seg, long offset, int size, boolean write) {
        if (mode64) {
            long lin = seg >= FS ? offset + state.seg[seg].base : offset;
            if (!canonical(lin) || !canonical(lin + size - 1)) {
                throw seg == SS ? CpuFault.withError(Vectors.SS, 0) : CpuFault.gp(0);
            }
            return lin;
        }
        Segment s = state.seg[seg];
        int attr = s.attributes;
        if ((attr & Segment.ATTR_UNUSABLE) != 0) {
            throw seg == SS ? CpuFault.withError(Vectors.SS, 0) : CpuFault.gp(0);
        }
        int type = attr & 0xf;
        if ((type & 8) != 0) { // code segment: no writes; reads only if readable
            if (write || (type & 2) == 0) {
                throw CpuFault.gp(0);
            }
        } else if (write && (type & 2) == 0) {
            throw seg == SS ? CpuFault.withError(Vectors.SS, 0) : CpuFault.gp(0);
        }
        long last = offset + size - 1;
        if ((type & 0xc) == 4) { // expand-down data: valid offsets are (limit, top]
            long top = (attr & Segment.ATTR_DB) != 0 ? 0xffffffffL : 0xffffL;
            if (offset <= s.limit || last > top) {
                throw seg == SS ? CpuFault.withError(Vectors.SS, 0) : CpuFault.gp(0);
            }
        } else if (last > s.limit) {
            throw seg == SS ? CpuFault.withError(Vectors.SS, 0) : CpuFault.gp(0);
        }
        return (s.base + offset) & 0xffffffffL;
    }

    // ---- segment-relative accesses (the interpreter's entry points) ----

    public long read(int seg, long offset, int size) {
        return readLinear(linear(seg, offset, size, false), size, false);
    }

    public void write(int seg, long offset, int size, long value) {
        writeLinear(linear(seg, offset, size, true), size, value, false);
    }

    /**
     * The read half of a read-modify-write: checks and translates for writing, so the write
     * half ({@link #writeBack}) cannot fault.
     */
    public long readForWrite(int seg, long offset, int size) {
        long lin = linear(seg, offset, size, true);
        boolean user = state.cpl == 3;
        if ((lin & 0xfff) + size <= 4096) {
            long pa = physical(lin, AddressTranslation.WRITE, user);
            rmwPhys = pa;
            return physRead(pa, size);
        }
        // Crossing a page: check both pages for writing first, then read.
        physical(lin, AddressTranslation.WRITE, user);
        physical((lin + size - 1), AddressTranslation.WRITE, user);
        rmwPhys = -1;
        rmwLinear = lin;
        return readLinear(lin, size, false);
    }

    public void writeBack(int size, long value) {
        if (rmwPhys >= 0) {
            physWrite(rmwPhys, size, value);
        } else {
            writeLinear(rmwLinear, size, value, false);
        }
    }

    // ---- linear accesses ----

    /**
     * Translates for an access; identity while paging is off unless the translation says
     * otherwise (EPT). Sets CR2 on #PF.
     */
    public long physical(long lin, int access, boolean user) {
        if ((state.cr0 & CpuState.CR0_PG) == 0 && !translateWithPagingOff) {
            return state.longModeActive() ? lin : lin & 0xffffffffL;
        }
        MmuTranslation m = mmuTranslation;
        if (m != null) {
            // The native MMU, called directly (the common case; the same as below without the interface
            // call and the exception handler, so the JIT can inline it into the interpreter).
            translated = true;
            long pa = m.translateOrFault(lin, access, user);
            if (pa < 0) {
                throw pageFault(lin, CpuFault.withError(Vectors.PF, (int) ~pa));
            }
            return pa;
        }
        return translateOther(lin, access, user);
    }

    private long translateOther(long lin, int access, boolean user) {
        if (translation == null) {
            throw new UnsupportedFeature("paging (no address translation wired)");
        }
        translated = true;
        try {
            return translation.translate(lin, access, user);
        } catch (CpuFault f) {
            throw f.vector == Vectors.PF ? pageFault(lin, f) : f;
        }
    }

    /** A #PF for {@code lin}: CR2 is written (and its old value kept for exits), then the fault is thrown. */
    private CpuFault pageFault(long lin, CpuFault f) {
        cr2BeforeFault = state.cr2; // a #PF that exits leaves CR2 as it was (SDM Vol. 3C 27.1)
        state.cr2 = lin;
        return f;
    }

    @Override
    public long readLinear(long lin, int size, boolean implicitSupervisor) {
        boolean user = state.cpl == 3 && !implicitSupervisor;
        if ((lin & 0xfff) + size <= 4096) {
            return physRead(physical(lin, AddressTranslation.READ, user), size);
        }
        return readCrossing(lin, size, user);
    }

    /** A read that crosses into the next page: both pages translated, then byte by byte. */
    private long readCrossing(long lin, int size, boolean user) {
        long v = 0;
        long pa0 = physical(lin, AddressTranslation.READ, user);
        long pa1 = physical((lin | 0xfff) + 1, AddressTranslation.READ, user);
        for (int i = 0; i < size; i++) {
            long l = lin + i;
            long pa = ((l ^ lin) & ~0xfffL) == 0 ? pa0 + i : pa1 + (l & 0xfff);
            v |= (physRead(pa, 1) & 0xff) << (8 * i);
        }
        return v;
    }

    @Override
    public void writeLinear(long lin, int size, long value, boolean implicitSupervisor) {
        boolean user = state.cpl == 3 && !implicitSupervisor;
        if ((lin & 0xfff) + size <= 4096) {
            physWrite(physical(lin, AddressTranslation.WRITE, user), size, value);
            return;
        }
        writeCrossing(lin, size, value, user);
    }

    private void writeCrossing(long lin, int size, long value, boolean user) {
        // Translate both pages before writing anything, so a #PF leaves memory unchanged.
        long pa0 = physical(lin, AddressTranslation.WRITE, user);
        long pa1 = physical((lin | 0xfff) + 1, AddressTranslation.WRITE, user);
        for (int i = 0; i < size; i++) {
            long l = lin + i;
            long pa = ((l ^ lin) & ~0xfffL) == 0 ? pa0 + i : pa1 + (l & 0xfff);
            physWrite(pa, 1, value >>> (8 * i));
        }
    }

    /** An instruction-fetch byte at a linear address (for instructions crossing a page). */
    public int fetchByte(long lin) {
        return (int) physRead(physical(lin, AddressTranslation.FETCH, state.cpl == 3), 1) & 0xff;
    }

    // ---- physical accesses ----

    public boolean isMmio(long pa) {
        return pa >= mmioStart && pa < mmioEnd;
    }

    public long physRead(long pa, int size) {
        counters.memoryAccesses++;
        if (pa < mmioStart || pa >= mmioEnd) {
            counters.cycles += memoryAccessCost;
            if (pa + size > ramSize || pa < 0) {
                return size == 8 ? -1L : (1L << (size * 8)) - 1; // nothing there: the bus floats high
            }
            return switch (size) {
                case 1 -> ram.read8(pa);
                case 2 -> ram.read16(pa);
                case 4 -> ram.read32(pa) & 0xffffffffL;
                default -> ram.read64(pa);
            };
        }
        counters.cycles += mmioCost;
        counters.mmioAccesses++;
        counters.platformTouched = true;
        long v = platform.mmioRead(pa, size);
        return size == 8 ? v : v & ((1L << (size * 8)) - 1);
    }

    public void physWrite(long pa, int size, long value) {
        counters.memoryAccesses++;
        if (pa < mmioStart || pa >= mmioEnd) {
            counters.cycles += memoryAccessCost;
            if (pa + size > ramSize || pa < 0) {
                return;
            }
            switch (size) {
                case 1 -> ram.write8(pa, (int) value);
                case 2 -> ram.write16(pa, (int) value);
                case 4 -> ram.write32(pa, (int) value);
                default -> ram.write64(pa, value);
            }
            return;
        }
        counters.cycles += mmioCost;
        counters.mmioAccesses++;
        counters.platformTouched = true;
        platform.mmioWrite(pa, size, size == 8 ? value : value & ((1L << (size * 8)) - 1));
    }
}
