package org.vtsim.monitor;

import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.VmxCapabilities;

/**
 * The monitor's own host memory, outside every guest slot: the VMXON region, the VMCS region, the
 * MSR bitmap, the host's GDT, TSS, IDT, page tables and stack, the EPT tables and the shadow page
 * tables. The Java monitor is the VMX root-mode software; the host state here is the state a VM exit
 * loads (SDM 27.5), so it must be a valid 64-bit state (SDM 26.2.2-26.2.4) even though no host
 * instruction ever runs: the host RIP points at a HLT.
 */
public final class MonitorArea {
    public static final long VMXON_REGION = 0x0000;
    public static final long VMCS_REGION = 0x1000;
    public static final long MSR_BITMAP = 0x2000;
    static final long GDT = 0x3000;
    static final long TSS = 0x4000;
    static final long IDT = 0x5000;
    static final long PML4 = 0x6000;
    static final long PDPT = 0x7000;
    static final long STACK_TOP = 0x9000;
    static final long CODE = 0x9000;
    static final long EPT_TABLES = 0x10000;
    /** Room for 4 KiB EPT tables: enough for every slot mapped with 4 KiB pages up to 4 GiB. */
    static final long EPT_TABLES_SIZE = 12L << 20;
    /** Shadow page tables (shadow paging): room for the largest pool a VM may get; touched pages only are backed. */
    static final long SHADOW_TABLES = EPT_TABLES + EPT_TABLES_SIZE;
    static final long SHADOW_TABLES_SIZE = 1L << 30;
    public static final long SIZE = SHADOW_TABLES + SHADOW_TABLES_SIZE;

    static final int HOST_CS = 0x08;
    static final int HOST_DS = 0x10;
    static final int HOST_TR = 0x18;

    private final long base;

    public MonitorArea(long base) {
        if ((base & ((1L << 30) - 1)) != 0) {
            throw new IllegalArgumentException("monitor area must be 1 GiB aligned: 0x" + Long.toHexString(base));
        }
        this.base = base;
    }

    public long base() {
        return base;
    }

    public long address(long offset) {
        return base + offset;
    }

    public long end() {
        return base + SIZE;
    }

    /** Host GDT (null, 64-bit code, data, 64-bit TSS), TSS, page tables (1 GiB identity pages of the first 512 GiB). */
    void build(PhysicalMemory m) {
        for (long off = 0; off < EPT_TABLES; off += 8) {
            m.write64(base + off, 0);
        }
        m.write32(base + VMXON_REGION, VmxCapabilities.VMCS_REVISION);
        m.write32(base + VMCS_REGION, VmxCapabilities.VMCS_REVISION);
        long gdt = base + GDT;
        m.write64(gdt + 8, 0x00AF9B000000FFFFL); // 64-bit code, DPL 0
        m.write64(gdt + 16, 0x00CF93000000FFFFL); // data
        long tss = base + TSS;
        // 64-bit TSS descriptor, busy (type 11), limit 0x67 (SDM Vol. 3A 7.2.3).
        m.write64(gdt + 24, 0x67L | (tss & 0xffffffL) << 16 | 0x8bL << 40 | ((tss >>> 24) & 0xff) << 56);
        m.write64(gdt + 32, tss >>> 32);
        m.write64(base + PML4, (base + PDPT) | 3);
        for (long i = 0; i < 512; i++) {
            m.write64(base + PDPT + 8 * i, i << 30 | 0x83); // present, writable, 1 GiB page
        }
        m.write8(base + CODE, 0xf4); // hlt: never reached, the Java monitor handles exits
    }

    /**
     * Puts the processor into the host state VMXON needs and VM exits return to: 64-bit mode on the
     * area's page tables, CR0.NE, CR4.VMXE, IA32_FEATURE_CONTROL locked with VMX outside SMX (SDM
     * 23.7).
     */
    void enterHostState(Cpu cpu) {
        CpuState s = cpu.state();
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_MP | CpuState.CR0_ET | CpuState.CR0_NE | CpuState.CR0_WP
                | CpuState.CR0_PG;
        s.cr4 = CpuState.CR4_PAE | CpuState.CR4_VMXE;
        s.cr3 = base + PML4;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        s.seg[CpuState.CS].set(HOST_CS, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_L
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(HOST_DS, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                    | Segment.ATTR_G);
        }
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        s.tr.set(HOST_TR, base + TSS, 0x67, 0xb | Segment.ATTR_P);
        s.gdtrBase = base + GDT;
        s.gdtrLimit = 39;
        s.idtrBase = base + IDT;
        s.idtrLimit = 0xfff;
        s.rip = base + CODE;
        s.gpr[CpuState.RSP] = base + STACK_TOP;
        s.setRflags(CpuState.FIXED1);
        s.cpl = 0;
        cpu.controlRegistersLoaded();
        cpu.flushTranslations();
        cpu.writeMsr(VmxCapabilities.IA32_FEATURE_CONTROL, 5);
    }
}
