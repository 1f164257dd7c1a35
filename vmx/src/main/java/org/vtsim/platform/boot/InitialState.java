package org.vtsim.platform.boot;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.ept.PhysicalMemory;

/**
 * The processor state the loaders hand over, with the flat GDT that backs it at
 * {@link BootArea#GDT}: null, 32-bit code (0x08), data (0x10), 64-bit code (0x18).
 */
final class InitialState {
    // Descriptors (SDM Vol. 3A 3.4.5): base 0, limit 0xfffff pages, P=1, DPL 0, S=1.
    static final long GDT_CODE32 = 0x00CF9B000000FFFFL; // execute/read, accessed, D=1, G=1
    static final long GDT_DATA = 0x00CF93000000FFFFL; // read/write, accessed, B=1, G=1
    static final long GDT_CODE64 = 0x00AF9B000000FFFFL; // execute/read, accessed, L=1, D=0, G=1
    static final int GDT_LIMIT = 4 * 8 - 1;

    // The same descriptors in the VMX access-rights layout of Segment.attributes.
    static final int ATTR_CODE32 = 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G;
    static final int ATTR_DATA = 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G;
    static final int ATTR_CODE64 = 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_L | Segment.ATTR_G;
    /** A busy 32-bit TSS (type 11), present: what VM entry requires of TR later on. */
    static final int ATTR_TSS_BUSY = 0xb | Segment.ATTR_P;

    private InitialState() {
    }

    static void writeGdt(PhysicalMemory mem) {
        mem.write64(BootArea.GDT, 0);
        mem.write64(BootArea.GDT + 8, GDT_CODE32);
        mem.write64(BootArea.GDT + 16, GDT_DATA);
        mem.write64(BootArea.GDT + 24, GDT_CODE64);
    }

    /** Fields common to both entry modes: everything else cleared, flat data segments, IF = 0. */
    private static void common(CpuState s, long eax, long ebx) {
        java.util.Arrays.fill(s.gpr, 0);
        s.gpr[CpuState.RAX] = eax;
        s.gpr[CpuState.RBX] = ebx;
        s.gpr[CpuState.RSP] = BootArea.STACK_TOP;
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(BootArea.DATA_SELECTOR, 0, 0xffffffffL, ATTR_DATA);
        }
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        s.tr.set(0, 0, 0xffff, ATTR_TSS_BUSY);
        s.gdtrBase = BootArea.GDT;
        s.gdtrLimit = GDT_LIMIT;
        // The IDT is left empty: any exception before the kernel loads its own shuts down at once.
        s.idtrBase = 0;
        s.idtrLimit = 0;
        s.setRflags(CpuState.FIXED1); // IF = 0, VM = 0
        s.cr2 = 0;
        s.cr3 = 0;
        s.cr4 = 0;
        s.cr8 = 0;
        s.efer = 0;
        java.util.Arrays.fill(s.dr, 0);
        s.dr[6] = 0xffff0ff0L;
        s.dr[7] = 0x400;
        s.cpl = 0;
    }

    /** Multiboot spec 3.2: 32-bit protected mode, paging off, flat CS/DS/ES/FS/GS/SS. */
    static void multiboot(CpuState s, long entry, long info) {
        common(s, MultibootInfo.BOOTLOADER_MAGIC, info);
        s.seg[CpuState.CS].set(BootArea.CODE32_SELECTOR, 0, 0xffffffffL, ATTR_CODE32);
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        s.rip = entry;
    }

    /** 64-bit mode with the loader's identity map; see {@link Elf64Loader} for the convention. */
    static void longMode(CpuState s, long entry, long info) {
        common(s, MultibootInfo.BOOTLOADER_MAGIC, info);
        s.gpr[CpuState.RDI] = info;
        s.gpr[CpuState.RSI] = MultibootInfo.BOOTLOADER_MAGIC;
        s.gpr[CpuState.RSP] = BootArea.STACK_TOP - 8; // as if called: RSP + 8 is 16-byte aligned
        s.seg[CpuState.CS].set(BootArea.CODE64_SELECTOR, 0, 0xffffffffL, ATTR_CODE64);
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET | CpuState.CR0_PG;
        s.cr4 = CpuState.CR4_PAE;
        s.cr3 = BootArea.PML4;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        s.rip = entry;
    }
}
