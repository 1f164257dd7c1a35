package org.vtsim.cpu;

import java.util.HexFormat;
import org.vtsim.cost.CostProfile;
import org.vtsim.ept.SparseMemory;

/** Builds CPUs in a known mode with code at a fixed address, for tests. */
public final class Machines {
    public static final long CODE = 0x10000;
    public static final long STACK_TOP = 0x80000;

    private Machines() {
    }

    /** A CPU in 64-bit mode (flat segments, identity paging) with {@code hex} at {@link #CODE}. */
    public static Cpu longMode(String hex, CostProfile costs) {
        SparseMemory mem = new SparseMemory(1L << 36);
        return longMode(hex, costs, mem, new TestPlatform());
    }

    /** As {@link #longMode(String, CostProfile)} advertising {@code model} through CPUID. */
    public static Cpu longMode(String hex, CostProfile costs, org.vtsim.cpu.system.CpuidModel model) {
        return longMode(hex, costs, new SparseMemory(1L << 36), new TestPlatform(), model);
    }

    /** As {@link #longMode(String, CostProfile)} on a given memory and platform. */
    public static Cpu longMode(String hex, CostProfile costs, SparseMemory mem, Platform platform) {
        return longMode(hex, costs, mem, platform, org.vtsim.cpu.system.CpuidModel.skylake());
    }

    private static Cpu longMode(String hex, CostProfile costs, SparseMemory mem, Platform platform,
            org.vtsim.cpu.system.CpuidModel model) {
        Cpu cpu = new Cpu(mem, platform, costs, model);
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        mem.write(CODE, code, 0, code.length);
        CpuState s = cpu.state();
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_PG | CpuState.CR0_ET;
        s.cr4 = CpuState.CR4_PAE;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        s.seg[CpuState.CS].set(0x08, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_L
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x10, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                    | Segment.ATTR_G);
        }
        s.rip = CODE;
        s.gpr[CpuState.RSP] = STACK_TOP;
        cpu.setTranslation(new IdentityTranslation());
        return cpu;
    }

    /**
     * A CPU in 64-bit mode with real 4-level page tables (identity-mapping the first GiB with
     * 2 MiB pages) translated by the ept MMU, as a guest kernel would set it up.
     */
    public static Cpu longModePaged(String hex, CostProfile costs) {
        return longModePaged(hex, costs, new TestPlatform());
    }

    /** As {@link #longModePaged(String, CostProfile)} on a given platform. */
    public static Cpu longModePaged(String hex, CostProfile costs, Platform platform) {
        Cpu cpu = longMode(hex, costs, new SparseMemory(1L << 36), platform);
        SparseMemory mem = (SparseMemory) cpu.memoryPath().ram();
        mem.write64(0x1000, 0x2000 | 3);
        mem.write64(0x2000, 0x3000 | 3);
        for (int i = 0; i < 512; i++) {
            mem.write64(0x3000 + 8L * i, ((long) i << 21) | 0x83);
        }
        CpuState s = cpu.state();
        s.cr3 = 0x1000;
        cpu.setTranslation(new MmuTranslation(new org.vtsim.ept.mmu.Mmu(mem), s, costs));
        cpu.controlRegistersLoaded();
        return cpu;
    }

    /** A CPU in 32-bit protected mode (flat 4 GiB segments, paging off) with {@code hex} at {@link #CODE}. */
    public static Cpu protectedMode(String hex, CostProfile costs) {
        return protectedMode(hex, costs, new TestPlatform());
    }

    /** As {@link #protectedMode(String, CostProfile)} on a given platform. */
    public static Cpu protectedMode(String hex, CostProfile costs, Platform platform) {
        SparseMemory mem = new SparseMemory(1L << 36);
        Cpu cpu = new Cpu(mem, platform, costs);
        byte[] code = HexFormat.of().parseHex(hex.replace(" ", ""));
        mem.write(CODE, code, 0, code.length);
        CpuState s = cpu.state();
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        s.seg[CpuState.CS].set(0x08, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x10, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                    | Segment.ATTR_G);
        }
        s.rip = CODE;
        s.gpr[CpuState.RSP] = STACK_TOP;
        return cpu;
    }
}
