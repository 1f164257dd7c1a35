package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/**
 * One 32-bit program (assembled with GNU as --32) run in 32-bit protected mode and in
 * compatibility mode (IA-32e with a CS whose L = 0, D = 1; SDM Vol. 3A 2.2 and 5.2.1): both use
 * 32-bit operands, addresses and stack (SS.B = 1), so the results must agree.
 */
class LegacyModesEndToEndTest {
    // xor eax,eax; mov ecx,100; 1: add eax,ecx; loop 1b; mov ebx,0x20000; mov [ebx],eax; push eax;
    // call func; pop edx; movzx edi,byte [ebx+1]; imul edi,edi,7; mov edi,0x30000;
    // mov eax,0x11223344; mov ecx,3; cld; rep stosd; mov al,0x2a; out 0xf4,al; hlt
    // func: mov esi,[esp+4]; shl esi,1; ret
    static final String PROGRAM = "31c0b96400000001c8e2fcbb00000200890350e81f0000005a0fb67b016bff07bf000003"
            + "00b844332211b903000000fcf3abb02ae6f4f48b742404d1e6c3";

    private static void check(Cpu cpu) {
        StopReason r = cpu.run(10_000);
        assertEquals(StopReason.PLATFORM_STOP, r, cpu.stopDetail());
        CpuState s = cpu.state();
        assertEquals(5050, cpu.memoryPath().read(CpuState.DS, 0x20000, 4));
        assertEquals(5050, s.gpr[CpuState.RDX]);
        assertEquals(2 * 5050, s.gpr[CpuState.RSI]);
        assertEquals(0x1122332aL, s.gpr[CpuState.RAX]);
        assertEquals(0, s.gpr[CpuState.RCX]);
        assertEquals(0x3000c, s.gpr[CpuState.RDI]);
        for (int k = 0; k < 3; k++) {
            assertEquals(0x11223344L, cpu.memoryPath().read(CpuState.ES, 0x30000 + 4 * k, 4));
        }
        assertEquals(0, cpu.memoryPath().read(CpuState.ES, 0x3000c, 4));
        assertEquals(Machines.STACK_TOP, s.gpr[CpuState.RSP]);
        // 2 + 2*100 + 17 (incl. the 3 of func) instructions up to and including OUT.
        assertEquals(2 + 200 + 17, cpu.instructions());
        assertTrue(cpu.unimplementedInstructions().isEmpty());
    }

    @Test
    void protectedMode32() {
        Cpu cpu = Machines.protectedMode(PROGRAM, CostProfile.skylake());
        check(cpu);
        assertFalse(cpu.state().mode64());
    }

    @Test
    void compatibilityMode() {
        Cpu cpu = Machines.longMode(PROGRAM, CostProfile.skylake());
        CpuState s = cpu.state();
        s.seg[CpuState.CS].set(0x18, 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB
                | Segment.ATTR_G);
        // Garbage in upper halves: 32-bit register writes zero-extend in compatibility mode too
        // (SDM Vol. 1 3.4.1.1); the program overwrites every register it checks.
        s.gpr[CpuState.RDX] = 0xdead_0000_0000_0000L;
        s.gpr[CpuState.RSI] = 0xbeef_0000_0000_0000L;
        cpu.controlRegistersLoaded();
        check(cpu);
        assertTrue(s.longModeActive());
        assertFalse(s.mode64());
    }
}
