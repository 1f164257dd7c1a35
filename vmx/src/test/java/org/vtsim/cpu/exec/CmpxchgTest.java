package org.vtsim.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.cpu.StopReason;

/**
 * CMPXCHG with a 32-bit operand in 64-bit mode (SDM Vol. 2A CMPXCHG; SDM Vol. 1 3.4.1.1: a
 * 32-bit register write zero-extends). The failing-comparison case is the one the conformance
 * differential test found (family CMPXCHG_R32, seed 0xe57add8b86c6db37).
 */
class CmpxchgTest {
    private static final String CMPXCHG_R8D_R13D = "450fb1e8"; // cmpxchg r8d,r13d
    private static final String CMPXCHG_M32_R13D = "440fb12b"; // cmpxchg [rbx],r13d

    private static Cpu step(String hex, long rax, long r8) {
        Cpu cpu = Machines.longMode(hex, CostProfile.skylake());
        CpuState s = cpu.state();
        s.gpr[CpuState.RAX] = rax;
        s.gpr[8] = r8;
        s.gpr[13] = 0x7fffffffffffffffL;
        s.gpr[CpuState.RBX] = 0x20000;
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.step(), cpu.stopDetail());
        return cpu;
    }

    @Test
    void failedComparisonLeavesRegisterDestinationUntouchedAndLoadsEax() {
        Cpu cpu = step(CMPXCHG_R8D_R13D, 0x0a62eb7367d12b95L, 0x5991ea37f09ac01aL);
        CpuState s = cpu.state();
        assertEquals(0x5991ea37f09ac01aL, s.gpr[8], "destination not written: upper half kept");
        assertEquals(0xf09ac01aL, s.gpr[CpuState.RAX], "EAX loaded, RAX upper half zeroed");
        assertEquals(0, s.getRflags() & CpuState.ZF);
    }

    @Test
    void successfulComparisonWritesZeroExtendedSourceAndKeepsRax() {
        Cpu cpu = step(CMPXCHG_R8D_R13D, 0x0a62eb73f09ac01aL, 0x5991ea37f09ac01aL);
        CpuState s = cpu.state();
        assertEquals(0xffffffffL, s.gpr[8], "r8d <- r13d, zero-extended");
        assertEquals(0x0a62eb73f09ac01aL, s.gpr[CpuState.RAX], "accumulator not written");
        assertEquals(CpuState.ZF, s.getRflags() & CpuState.ZF);
    }

    @Test
    void failedComparisonWritesMemoryDestinationBackUnchanged() {
        Cpu cpu = Machines.longMode(CMPXCHG_M32_R13D, CostProfile.skylake());
        CpuState s = cpu.state();
        cpu.memoryPath().write(CpuState.DS, 0x20000, 8, 0x1122334455667788L);
        s.gpr[CpuState.RAX] = -1L;
        s.gpr[13] = 7;
        s.gpr[CpuState.RBX] = 0x20000;
        long before = cpu.counters().memoryAccesses;
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.step(), cpu.stopDetail());
        // One read and the write-back (SDM: the processor never produces a locked read without a write).
        assertEquals(2, cpu.counters().memoryAccesses - before);
        assertEquals(0x1122334455667788L, cpu.memoryPath().read(CpuState.DS, 0x20000, 8));
        assertEquals(0x55667788L, s.gpr[CpuState.RAX]);
    }
}
