package org.vtsim.conformance.differential;

import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.EventPort;
import org.vtsim.cpu.NoDevices;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.system.Cpuid;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;

/**
 * Runs a {@link TestCase} on the model the way the native harness runs it on the host: 64-bit
 * mode, CPL 3, IF = 1, the same code and scratch addresses. The sequence is followed by HLT,
 * which at CPL 3 raises #GP(0) (SDM Vol. 2A HLT) — that marks its end. Exceptions are taken by
 * an {@link EventPort} of this test that records the vector and the faulting RIP and stops the
 * CPU with the register file as it was at the fault, which is what the host's signal frame
 * shows; event delivery through the IDT is tested elsewhere.
 */
final class ModelRunner {
    private final PhysicalMemory memory = new SparseMemory();
    private final NoDevices platform = new NoDevices();
    private final CostProfile costs = CostProfile.skylake();
    private final byte[] codePage = new byte[Layout.CODE_SIZE];

    /** The first exception of a run. */
    private static final class FaultRecorder implements EventPort {
        int vector = MachineState.NO_FAULT;
        long rip;

        @Override
        public boolean exception(CpuFault fault, long at) {
            vector = fault.vector;
            rip = at;
            return false; // stop here (the CPU reports SHUTDOWN), state untouched by a delivery
        }

        @Override
        public boolean externalInterrupt(int v, long at) {
            throw new IllegalStateException("no interrupt source in the differential test");
        }

        @Override
        public boolean software(int v, int kind, long at, int length) {
            vector = v;
            rip = at;
            return false;
        }
    }

    private Cpu freshCpu(FaultRecorder faults) {
        Cpu cpu = new Cpu(memory, platform, costs);
        cpu.setSystemUnits(NoSystemUnits.create(), faults);
        cpu.setTranslation(new FlatTranslation());
        CpuState s = cpu.state();
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_PG | CpuState.CR0_ET | CpuState.CR0_NE | CpuState.CR0_WP;
        s.cr4 = CpuState.CR4_PAE;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        int user = Segment.ATTR_S | (3 << Segment.ATTR_DPL_SHIFT) | Segment.ATTR_P | Segment.ATTR_G;
        s.seg[CpuState.CS].set(0x23, 0, 0xffff_ffffL, 0xb | user | Segment.ATTR_L);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(0x1b, 0, 0xffff_ffffL, 0x3 | user | Segment.ATTR_DB);
        }
        s.cpl = 3;
        return cpu;
    }

    MachineState run(TestCase c) {
        java.util.Arrays.fill(codePage, (byte) 0);
        System.arraycopy(c.code(), 0, codePage, 0, c.code().length);
        codePage[c.code().length] = (byte) 0xf4; // hlt: #GP(0) at CPL 3 marks the end
        memory.write(Layout.CODE, codePage, 0, codePage.length);
        memory.write(Layout.DATA, TestCase.initialMemory(c.memorySeed()), 0, Layout.DATA_SIZE);
        FaultRecorder faults = new FaultRecorder();
        Cpu cpu = freshCpu(faults);
        CpuState s = cpu.state();
        System.arraycopy(c.regs(), 0, s.gpr, 0, 16);
        s.setRflags(c.rflags());
        s.rip = Layout.CODE;
        StopReason why = cpu.run(100_000);
        byte[] mem = new byte[Layout.DATA_SIZE];
        memory.read(Layout.DATA, mem, 0, mem.length);
        long[] regs = s.gpr.clone();
        long rflags = s.getRflags();
        long end = Layout.CODE + c.code().length;
        if (faults.vector == Vectors.GP && faults.rip == end) {
            return new MachineState(regs, rflags, mem, MachineState.NO_FAULT, 0, "");
        }
        if (faults.vector != MachineState.NO_FAULT) {
            return new MachineState(regs, rflags, mem, faults.vector, faults.rip,
                    "model " + Vectors.name(faults.vector) + " at " + Long.toHexString(faults.rip));
        }
        return new MachineState(regs, rflags, mem, 255, s.rip,
                "model stopped: " + why + " " + cpu.stopDetail() + " (rip " + Long.toHexString(s.rip) + ")");
    }

    /** What the model's CPUID advertises (leaf 1 ECX, leaf 7 EBX, leaf 80000001H ECX). */
    static HostFeatures features() {
        Cpuid cpuid = new Cpuid(CpuidModel.skylake());
        return HostFeatures.fromCpuid(cpuid.query(1, 0)[2], cpuid.query(7, 0)[1], cpuid.query(0x8000_0001, 0)[2]);
    }
}
