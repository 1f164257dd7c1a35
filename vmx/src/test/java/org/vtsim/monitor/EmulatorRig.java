package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.GUEST_RFLAGS;
import static org.vtsim.vmx.vmcs.VmcsField.GUEST_RIP;
import static org.vtsim.vmx.vmcs.VmcsField.GUEST_RSP;

import java.util.Arrays;
import java.util.List;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.BusDevice;
import org.vtsim.platform.PcPlatform;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * One instruction run twice on the same bytes and state: by the processor natively (a PC whose MMIO
 * window holds a {@link Scratch} memory device) and under the monitor with EPT (the same PC), where the
 * scratch device is reached through EPT violations and {@link InstructionEmulator}; the same holds for
 * unassigned memory (natively the platform's {@code PcPhysicalMemory}, under the monitor its
 * {@link UnassignedMemory}). The guest is in 64-bit mode (4-level paging: the first 16 MiB, 1-2 GiB and
 * 3-4 GiB identity-mapped with 2 MiB pages) or 32-bit
 * protected mode with paging off, at CPL 0, IF = 0; the instruction is followed by HLT, which ends both
 * runs. The result of each run is the register file, RIP, RFLAGS, the scratch device and a RAM window.
 */
final class EmulatorRig {
    static final long CODE = 0x100000;
    static final long GDT = 0x1000;
    static final long PML4 = 0x10000;
    static final long SLOT = 16L << 20;
    static final long AREA = 1L << 30;
    /** Two pages of RAM the string instructions use as their other operand. */
    static final long RAM_WINDOW = 0x200000;
    /** Two pages of device memory in the MMIO window. */
    static final long SCRATCH = 0xfed00000L;
    /** Two pages of unassigned guest-physical memory: past the RAM, outside the MMIO window. */
    static final long UNASSIGNED = 0x40000000L;
    static final int WINDOW = 0x2000;

    /** Byte-addressed device memory, any access size up to 8 (little-endian). */
    static final class Scratch implements BusDevice {
        final byte[] bytes;
        long accesses;

        Scratch(byte[] initial) {
            bytes = initial.clone();
        }

        @Override
        public long read(long offset, int size) {
            accesses++;
            long v = 0;
            for (int i = 0; i < size; i++) {
                v |= (bytes[(int) offset + i] & 0xffL) << (8 * i);
            }
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            accesses++;
            for (int i = 0; i < size; i++) {
                bytes[(int) offset + i] = (byte) (value >>> (8 * i));
            }
        }

        @Override
        public int maxAccessSize() {
            return 8;
        }
    }

    /** The state after a run. */
    record Result(StopReason stop, String detail, long[] regs, long rip, long rflags, byte[] scratch, byte[] ram,
            long emulatedAccesses) {
        /** Everything but how the run got there. */
        String state() {
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < 16; r++) {
                b.append(String.format("r%d=%x ", r, regs[r]));
            }
            b.append(String.format("rip=%x rflags=%x", rip, rflags));
            return b.toString();
        }

        boolean sameAs(Result o) {
            return Arrays.equals(regs, o.regs) && rip == o.rip && rflags == o.rflags && Arrays.equals(scratch, o.scratch)
                    && Arrays.equals(ram, o.ram) && stop == o.stop;
        }

        String difference(Result o) {
            StringBuilder b = new StringBuilder();
            if (stop != o.stop) {
                b.append("stop ").append(stop).append(" (").append(detail).append(") vs ").append(o.stop).append(" (")
                        .append(o.detail).append(")\n");
            }
            for (int r = 0; r < 16; r++) {
                if (regs[r] != o.regs[r]) {
                    b.append(String.format("r%d %x vs %x%n", r, regs[r], o.regs[r]));
                }
            }
            if (rip != o.rip) {
                b.append(String.format("rip %x vs %x%n", rip, o.rip));
            }
            if (rflags != o.rflags) {
                b.append(String.format("rflags %x vs %x%n", rflags, o.rflags));
            }
            for (int i = 0; i < WINDOW; i++) {
                if (scratch[i] != o.scratch[i]) {
                    b.append(String.format("scratch+%x %02x vs %02x%n", i, scratch[i], o.scratch[i]));
                }
                if (ram[i] != o.ram[i]) {
                    b.append(String.format("ram+%x %02x vs %02x%n", i, ram[i], o.ram[i]));
                }
            }
            return b.toString();
        }
    }

    private EmulatorRig() {
    }

    /** Runs {@code code} (then HLT) natively ({@code monitor} false) or under the monitor with EPT. */
    static Result run(boolean monitor, boolean mode64, byte[] code, long[] regs, long rflags, byte[] scratch, byte[] ram) {
        SparseMemory memory = new SparseMemory();
        PcPlatform platform = PcPlatform.builder().memory(memory).ramSize(SLOT).build();
        Scratch device = new Scratch(scratch);
        platform.mmioBus().register("scratch", SCRATCH, WINDOW, device);
        // Natively the processor sees the PC's address space (RAM, else unassigned); under the monitor,
        // host memory, of which the VM's slot gives the guest its RAM.
        Cpu cpu = new Cpu(monitor ? memory : platform.addressSpace(), platform, CostProfile.skylake());
        Vmx vmx = monitor ? Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel())) : null;
        memory.write(CODE, code, 0, code.length);
        memory.write8(CODE + code.length, 0xf4); // hlt
        memory.write(RAM_WINDOW, ram, 0, ram.length);
        CpuState s = cpu.state();
        if (mode64) {
            longMode(memory, s);
        } else {
            protectedMode(memory, s);
        }
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        s.tr.set(0, 0, 0xffff, 0xb | Segment.ATTR_P);
        s.gdtrBase = GDT;
        s.gdtrLimit = 23;
        s.idtrBase = 0x2000;
        s.idtrLimit = 0x7ff;
        s.dr[7] = 0x400;
        System.arraycopy(regs, 0, s.gpr, 0, 16);
        s.setRflags(rflags);
        s.rip = CODE;
        long[] outRegs;
        long rip;
        long outFlags;
        StopReason stop;
        String detail;
        long unassigned = 0;
        if (!monitor) {
            cpu.controlRegistersLoaded();
            stop = cpu.run(1000);
            detail = cpu.stopDetail();
            outRegs = s.gpr.clone();
            rip = s.rip;
            outFlags = s.getRflags();
        } else {
            Vm vm = Vm.create(cpu, vmx, List.of(new MemorySlot(0, SLOT, 0)), new MonitorArea(AREA), VmConfig.defaults());
            stop = vm.vcpu().run(1000);
            detail = vm.vcpu().stopDetail() + "\n" + vm.vcpu().report();
            Vmcs v = vmx.currentVmcs();
            outRegs = s.gpr.clone();
            outRegs[CpuState.RSP] = v.get(GUEST_RSP);
            rip = v.get(GUEST_RIP);
            outFlags = v.get(GUEST_RFLAGS);
            vm.destroy();
            unassigned = UnassignedMemory.of(vm.vcpu()).reads() + UnassignedMemory.of(vm.vcpu()).writes();
        }
        byte[] outRam = new byte[WINDOW];
        memory.read(RAM_WINDOW, outRam, 0, WINDOW);
        return new Result(stop, detail, outRegs, rip, outFlags, device.bytes.clone(), outRam,
                device.accesses + unassigned);
    }

    private static void longMode(SparseMemory memory, CpuState s) {
        memory.write64(PML4, (PML4 + 0x1000) | 3);
        memory.write64(PML4 + 0x1000, (PML4 + 0x2000) | 3); // PDPT[0]: 0-1 GiB
        memory.write64(PML4 + 0x1000 + 8, (PML4 + 0x4000) | 3); // PDPT[1]: 1-2 GiB
        memory.write64(PML4 + 0x1000 + 3 * 8, (PML4 + 0x3000) | 3); // PDPT[3]: 3-4 GiB
        for (int i = 0; i < 8; i++) {
            memory.write64(PML4 + 0x2000 + 8L * i, ((long) i << 21) | 0x83);
        }
        for (int i = 0; i < 512; i++) {
            memory.write64(PML4 + 0x3000 + 8L * i, (0xc0000000L + ((long) i << 21)) | 0x83 | 0x18); // PCD|PWT
            memory.write64(PML4 + 0x4000 + 8L * i, (0x40000000L + ((long) i << 21)) | 0x83);
        }
        memory.write64(GDT + 8, 0x00AF9B000000FFFFL);
        memory.write64(GDT + 16, 0x00CF93000000FFFFL);
        s.seg[CpuState.CS].set(0x08, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_L
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x10, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G);
        }
        s.cr3 = PML4;
        s.cr4 = CpuState.CR4_PAE;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET | CpuState.CR0_NE | CpuState.CR0_PG;
    }

    private static void protectedMode(SparseMemory memory, CpuState s) {
        memory.write64(GDT + 8, 0x00CF9B000000FFFFL);
        memory.write64(GDT + 16, 0x00CF93000000FFFFL);
        s.seg[CpuState.CS].set(0x08, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                | Segment.ATTR_G);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x10, 0, 0xffffffffL, 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G);
        }
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_ET;
        s.cr4 = 0;
        s.efer = 0;
    }
}
