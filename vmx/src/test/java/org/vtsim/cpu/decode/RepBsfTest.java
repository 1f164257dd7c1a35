package org.vtsim.cpu.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.cpu.StopReason;

/**
 * SDM Vol. 2B TZCNT: "on processors that do not support TZCNT, the instruction byte encoding is
 * executed as BSF". The default CPUID model does not advertise BMI1, so F3 0F BC is BSF; it does
 * advertise LZCNT, so F3 0F BD is LZCNT.
 */
class RepBsfTest {
    private static Cpu run(String hex, long rax, long rbx) {
        Cpu cpu = Machines.longMode(hex, CostProfile.skylake());
        cpu.state().gpr[CpuState.RAX] = rax;
        cpu.state().gpr[CpuState.RBX] = rbx;
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.step(), cpu.stopDetail());
        return cpu;
    }

    @Test
    void repBsfOfZeroLeavesTheDestinationAsBsfDoes() {
        // f3 48 0f bc c3: rep bsf rax, rbx — with a zero source BSF leaves RAX and sets ZF,
        // whereas TZCNT would write 64 and set CF.
        Cpu cpu = run("f3480fbcc3", 0x1234, 0);
        assertEquals(0x1234, cpu.state().gpr[CpuState.RAX]);
        assertEquals(CpuState.ZF, cpu.state().getRflags() & CpuState.ZF);
    }

    @Test
    void repBsrIsLzcntBecauseLzcntIsAdvertised() {
        // f3 48 0f bd c3: lzcnt rax, rbx
        Cpu cpu = run("f3480fbdc3", 0x1234, 1);
        assertEquals(63, cpu.state().gpr[CpuState.RAX]);
    }
}
