package org.vtsim.conformance.differential;

import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.NoDevices;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.system.Cpuid;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;

/**
 * Runs a {@link TestCase} on the model the way the native harness runs it on the host: 64-bit
 * mode, CPL 3, IF = 1, the same code and scratch addresses. The CPU is wired as for any guest —
 * the page walker and TLBs translate every access through real page tables, and exceptions are
 * delivered through a real IDT ({@link SystemArea}) — so the test also covers translation and
 * delivery on user-mode code. The sequence is followed by HLT, which at CPL 3 raises #GP(0) (SDM
 * Vol. 2A HLT): that marks its end. An exception stops the run in its handler stub; the state at
 * the fault is then the register file (untouched by delivery, except RSP) with RSP, RIP and
 * RFLAGS taken from the exception frame, which is what the host's signal frame shows.
 */
final class ModelRunner {
    private final PhysicalMemory memory = new SparseMemory();
    private final NoDevices platform = new NoDevices();
    private final CostProfile costs = CostProfile.skylake();
    private final byte[] codePage = new byte[Layout.CODE_SIZE];
    /**
     * Run the next cases through translated blocks made at first sight (every run of two or more
     * plain instructions), rather than through the interpreter alone.
     */
    boolean translate;
    /** Instructions run inside translated blocks, over all cases. */
    long translatedInstructions;

    MachineState run(TestCase c) {
        java.util.Arrays.fill(codePage, (byte) 0);
        System.arraycopy(c.code(), 0, codePage, 0, c.code().length);
        codePage[c.code().length] = (byte) 0xf4; // hlt: #GP(0) at CPL 3 marks the end
        memory.write(Layout.CODE, codePage, 0, codePage.length);
        memory.write(Layout.DATA, TestCase.initialMemory(c.memorySeed()), 0, Layout.DATA_SIZE);
        SystemArea.build(memory);
        Cpu cpu = new Cpu(memory, platform, costs);
        CpuState s = cpu.state();
        SystemArea.enterUserMode(s);
        cpu.controlRegistersLoaded();
        System.arraycopy(c.regs(), 0, s.gpr, 0, 16);
        s.setRflags(c.rflags());
        s.rip = Layout.CODE;
        if (translate) {
            cpu.setBlockTranslation(1);
        } else {
            cpu.setBlockTranslation(false);
        }
        StopReason why = cpu.run(100_000);
        translatedInstructions += cpu.blockInstructions();
        byte[] mem = new byte[Layout.DATA_SIZE];
        memory.read(Layout.DATA, mem, 0, mem.length);
        long[] regs = s.gpr.clone();
        int vector = why == StopReason.HALTED && s.cpl == 0 ? SystemArea.vectorAt(s.rip) : -1;
        if (vector < 0) {
            return new MachineState(regs, s.getRflags(), mem, 255, s.rip,
                    "model stopped: " + why + " " + cpu.stopDetail() + " (rip " + Long.toHexString(s.rip) + ")");
        }
        // The frame: [error code], RIP, CS, RFLAGS, RSP, SS (SDM Vol. 3A 6.14.2, Figure 6-9).
        long frame = s.gpr[CpuState.RSP] + (SystemArea.hasErrorCode(vector) ? 8 : 0);
        long faultRip = memory.read64(frame);
        // RF is set in the saved image of a fault (SDM Vol. 3A 18.3.1.1); the host's signal frame
        // is compared without it.
        long rflags = memory.read64(frame + 16) & ~CpuState.RF;
        regs[CpuState.RSP] = memory.read64(frame + 24);
        long end = Layout.CODE + c.code().length;
        if (vector == Vectors.GP && faultRip == end) {
            return new MachineState(regs, rflags, mem, MachineState.NO_FAULT, 0, "");
        }
        return new MachineState(regs, rflags, mem, vector, faultRip,
                "model " + Vectors.name(vector) + " at " + Long.toHexString(faultRip));
    }

    /** What the model's CPUID advertises (leaf 1 ECX, leaf 7 EBX, leaf 80000001H ECX). */
    static HostFeatures features() {
        Cpuid cpuid = new Cpuid(CpuidModel.skylake());
        return HostFeatures.fromCpuid(cpuid.query(1, 0)[2], cpuid.query(7, 0)[1], cpuid.query(0x8000_0001, 0)[2]);
    }
}
