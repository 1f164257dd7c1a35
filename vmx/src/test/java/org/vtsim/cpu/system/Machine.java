package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;

/**
 * A test machine: GDT, IDT and TSS in {@link FlatMemory} and a {@link CpuState} in 32-bit
 * protected mode or 64-bit mode. Selectors are fixed so tests read like the guest kit's tables.
 */
final class Machine {
    static final long GDT = 0x1000;
    static final long IDT = 0x2000;
    static final long TSS = 0x4000;
    static final long LDT = 0x5000;

    static final int CODE32_0 = 0x08;
    static final int DATA_0 = 0x10;
    static final int CODE32_3 = 0x18 | 3;
    static final int DATA_3 = 0x20 | 3;
    static final int CODE64_0 = 0x28;
    static final int CODE64_3 = 0x30 | 3;
    /** 16-byte TSS in IA-32e mode, 8-byte one otherwise. */
    static final int TSS_SEL = 0x38;
    static final int LDT_SEL = 0x48;
    static final int CONFORMING64_0 = 0x58;
    static final int CODE16_0 = 0x60;

    final FlatMemory mem = new FlatMemory();
    final CpuState s = new CpuState();
    final boolean longMode;

    static long flat(int type, int dpl, boolean l, boolean db) {
        return Descriptor.encode(0, 0xfffff, type, true, dpl, true, l, db, true);
    }

    Machine(boolean longMode) {
        this.longMode = longMode;
        setGdt(1, flat(0xa, 0, false, true));
        setGdt(2, flat(0x2, 0, false, true));
        setGdt(3, flat(0xa, 3, false, true));
        setGdt(4, flat(0x2, 3, false, true));
        setGdt(5, flat(0xa, 0, true, false));
        setGdt(6, flat(0xa, 3, true, false));
        setGdt(7, Descriptor.encode(TSS, 0x67 + 0x2000 / 8 + 1, Descriptor.SYS_TSS_AVAILABLE, false, 0, true, false,
                false, false));
        setGdt(9, Descriptor.encode(LDT, 0xff, Descriptor.SYS_LDT, false, 0, true, false, false, false));
        setGdt(11, flat(0xe, 0, true, false));
        setGdt(12, Descriptor.encode(0, 0xffff, 0xa, true, 0, true, false, false, false));
        s.gdtrBase = GDT;
        s.gdtrLimit = 0x67;
        s.idtrBase = IDT;
        s.idtrLimit = longMode ? 256 * 16 - 1 : 256 * 8 - 1;
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET | (longMode ? CpuState.CR0_PG : 0);
        if (longMode) {
            s.cr4 = CpuState.CR4_PAE;
            s.efer = CpuState.EFER_LME | CpuState.EFER_LMA | CpuState.EFER_SCE | CpuState.EFER_NXE;
        }
        load(CpuState.CS, longMode ? CODE64_0 : CODE32_0);
        for (int r : new int[] {CpuState.SS, CpuState.DS, CpuState.ES, CpuState.FS, CpuState.GS}) {
            load(r, DATA_0);
        }
        s.cpl = 0;
        s.gpr[CpuState.RSP] = 0x9000;
        // The TR hidden part as LTR would leave it (busy).
        s.tr.set(TSS_SEL, TSS, 0x67 + 0x2000 / 8 + 1,
                Descriptor.SYS_TSS_BUSY | Segment.ATTR_P);
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        // No I/O bitmap by default: base beyond the limit.
        mem.write(TSS + IoPermission.IO_MAP_BASE_OFFSET, 2, 0xffff);
    }

    void setGdt(int index, long descriptor) {
        mem.write(GDT + index * 8L, 8, descriptor);
    }

    /** Loads a segment register's hidden part straight from the GDT, as if loaded earlier. */
    void load(int sreg, int selector) {
        Descriptor d = Descriptor.of(mem.read(GDT + (selector & ~7), 8));
        d.loadInto(s.seg[sreg], selector);
    }

    /** Moves the machine to CPL 3 (user code and stack). */
    void user() {
        load(CpuState.CS, longMode ? CODE64_3 : CODE32_3);
        load(CpuState.SS, DATA_3);
        s.cpl = 3;
    }

    /** An interrupt gate (type 14) or trap gate (15) for {@code vector}. */
    void gate(int vector, int type, int selector, long offset, int dpl, int ist) {
        long lo = (offset & 0xffffL) | ((long) selector << 16) | ((long) (ist & 7) << 32) | ((long) type << 40)
                | ((long) dpl << 45) | (1L << 47) | (((offset >>> 16) & 0xffffL) << 48);
        if (longMode) {
            mem.write(IDT + vector * 16L, 8, lo);
            mem.write(IDT + vector * 16L + 8, 8, offset >>> 32);
        } else {
            mem.write(IDT + vector * 8L, 8, lo);
        }
    }
}
