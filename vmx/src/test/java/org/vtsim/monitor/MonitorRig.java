package org.vtsim.monitor;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.PcPlatform;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxCapabilities;

/**
 * A PC with a 16 MiB guest slot and 32-bit protected-mode x86 code (GNU as --32) at 0x100000 entered
 * as multiboot enters (paging off, flat segments from a GDT at 0x1000, an IDT at 0x2000), wrapped in
 * a {@link Vm} — the monitor exactly as a Machine in EPT mode builds it, minus the boot loader.
 */
final class MonitorRig {
    static final long CODE = 0x100000;
    static final long GDT = 0x1000;
    static final long IDT = 0x2000;
    static final long SLOT = 16L << 20;
    static final long AREA = 1L << 30;

    final SparseMemory memory = new SparseMemory();
    /** Host-physical address backing guest-physical 0. */
    final long hostBase;
    final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    final PcPlatform platform;
    final Cpu cpu;
    final Vmx vmx;
    Vm vm;

    MonitorRig(String codeHex) {
        this(codeHex, 0);
    }

    MonitorRig(String codeHex, long hostBase) {
        this.hostBase = hostBase;
        platform = PcPlatform.builder().memory(memory).ramSize(SLOT).serialOut(serial).build();
        cpu = new Cpu(memory, platform, CostProfile.skylake());
        vmx = Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel()));
        write(CODE, codeHex);
        memory.write64(hostBase + GDT + 8, 0x00CF9B000000FFFFL);
        memory.write64(hostBase + GDT + 16, 0x00CF93000000FFFFL);
        CpuState s = cpu.state();
        s.seg[CpuState.CS].set(0x08, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x10, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G);
        }
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        s.tr.set(0, 0, 0xffff, 0xb | Segment.ATTR_P);
        s.gdtrBase = GDT;
        s.gdtrLimit = 23;
        s.idtrBase = IDT;
        s.idtrLimit = 0x7ff;
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        s.cr4 = 0;
        s.efer = 0;
        s.setRflags(CpuState.FIXED1);
        s.gpr[CpuState.RSP] = 0x90000;
        s.rip = CODE;
        s.dr[7] = 0x400;
    }

    /** A 32-bit interrupt gate for {@code vector} to {@code handler} in CS 0x08 (SDM Vol. 3A 6.11). */
    MonitorRig gate(int vector, long handler) {
        long lo = (handler & 0xffff) | 0x08L << 16 | 0x8eL << 40 | (handler >>> 16 & 0xffff) << 48;
        memory.write64(hostBase + IDT + 8L * vector, lo);
        return this;
    }

    MonitorRig idtLimit(int limit) {
        cpu.state().idtrLimit = limit;
        return this;
    }

    void write(long address, String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(hostBase + address, b, 0, b.length);
    }

    Vm create() {
        return create(VmConfig.defaults());
    }

    Vm create(VmConfig config) {
        vm = Vm.create(cpu, vmx, List.of(new MemorySlot(0, SLOT, hostBase)), new MonitorArea(AREA), config);
        return vm;
    }

    org.vtsim.cpu.StopReason run() {
        return vm.vcpu().run(1_000_000);
    }

    long exits(org.vtsim.vmx.ExitReason r) {
        return vm.vcpu().recorder().report().reasons().stream().filter(row -> row.number() == r.number)
                .mapToLong(row -> row.count()).sum();
    }
}
