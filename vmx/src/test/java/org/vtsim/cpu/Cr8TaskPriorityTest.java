package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.PcPlatform;

/**
 * CR8 is the local APIC's task-priority class (SDM Vol. 3A 10.8.6.1): MOV to CR8 writes
 * TPR[7:4] = CR8[3:0] and clears TPR[3:0]; MOV from CR8 reads TPR[7:4].
 */
class Cr8TaskPriorityTest {
    // mov eax,0xb; mov cr8,rax; mov rbx,cr8; mov rcx,cr8
    private static final String CODE = "b80b000000" + "440f22c0" + "440f20c3" + "440f20c1";

    @Test
    void movToAndFromCr8GoesThroughTheLocalApicTpr() {
        SparseMemory mem = new SparseMemory(1L << 36);
        PcPlatform platform = PcPlatform.builder().memory(mem).build();
        Cpu cpu = Machines.longMode(CODE, CostProfile.zero(), mem, platform);
        platform.localApic().setTaskPriority(0x3c);
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.run(2), cpu.stopDetail());
        assertEquals(0xb0, platform.localApic().taskPriority(), "TPR[7:4] = 0xb, TPR[3:0] cleared");
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.run(1), cpu.stopDetail());
        assertEquals(0xb, cpu.state().gpr[CpuState.RBX]);
        // The APIC's TPR changed behind the CPU's back (an MMIO write to the TPR register):
        // CR8 follows it.
        platform.localApic().setTaskPriority(0x7f);
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.run(1), cpu.stopDetail());
        assertEquals(0x7, cpu.state().gpr[CpuState.RCX]);
    }

    @Test
    void withoutAnApicTheCpuKeepsCr8() {
        Cpu cpu = Machines.longMode(CODE, CostProfile.zero());
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.run(4), cpu.stopDetail());
        assertEquals(0xb, cpu.state().gpr[CpuState.RBX]);
        assertEquals(0xb, cpu.state().gpr[CpuState.RCX]);
    }
}
