package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/** Runs a few real instructions (assembled with GNU as) in 64-bit mode. */
class LongModeEndToEndTest {
    // start: xor eax,eax; mov ecx,100; 1: add rax,rcx; dec ecx; jnz 1b; mov rbx,0x20000; mov [rbx],rax;
    // push rax; call func; pop rdx; lea rsi,[rip+data]; movzx edi,byte [rsi+1]; imul rdi,rdi,7;
    // mov r8,-1; shr r8,60; bsf r9,rbx; cqo; mov al,0x2a; out 0xf4,al; hlt
    // func: mov r10,[rsp+8]; shl r10,1; ret; data: .byte 1,9,3
    static final String PROGRAM = "31c0b9640000004801c8ffc975f948c7c30000020048890350e8260000005a488d3527000000"
            + "0fb67e01486bff0749c7c0ffffffff49c1e83c4c0fbccb4899b02ae6f4f44c8b54240849d1e2c3010903";

    @Test
    void sumLoopCallAndStop() {
        Cpu cpu = Machines.longMode(PROGRAM, CostProfile.skylake());
        StopReason r = cpu.run(10_000);
        assertEquals(StopReason.PLATFORM_STOP, r, cpu.stopDetail());
        CpuState s = cpu.state();
        assertEquals(5050 & ~0xffL | 0x2a, s.gpr[CpuState.RAX]);
        assertEquals(5050, cpu.memoryPath().read(CpuState.DS, 0x20000, 8));
        assertEquals(0, s.gpr[CpuState.RDX]); // CQO of a positive RAX (after pop rdx)
        assertEquals(63, s.gpr[CpuState.RDI]);
        assertEquals(15, s.gpr[8]);
        assertEquals(17, s.gpr[9]);
        assertEquals(2 * 5050, s.gpr[10]);
        assertEquals(Machines.STACK_TOP, s.gpr[CpuState.RSP]);
        // 2 + 3*100 + 17 (incl. the 3 of func) retired instructions, up to and including OUT.
        assertEquals(2 + 300 + 17, cpu.instructions());
        assertTrue(cpu.cycles() > cpu.instructions());
        assertTrue(cpu.unimplementedInstructions().isEmpty());
    }

    @Test
    void functionalResultsDoNotDependOnTheCostProfile() {
        Cpu a = Machines.longMode(PROGRAM, CostProfile.zero());
        Cpu b = Machines.longMode(PROGRAM, CostProfile.skylake());
        assertEquals(a.run(10_000), b.run(10_000));
        assertEquals(a.instructions(), b.instructions());
        assertEquals(a.state().rip, b.state().rip);
        assertEquals(a.state().getRflags(), b.state().getRflags());
        for (int i = 0; i < 16; i++) {
            assertEquals(a.state().gpr[i], b.state().gpr[i], "r" + i);
        }
        assertEquals(0, a.cycles());
        assertTrue(b.cycles() > 0);
    }

    @Test
    void unimplementedInstructionIsCountedAndRaisesUdThroughTheIdt() {
        // movups xmm0,[rax] (0f 10 00) is not modelled: #UD is delivered through a 64-bit
        // interrupt gate to a handler that halts (IF = 0, so the run ends HALTED there).
        Cpu cpu = Machines.longMode("0f1000", CostProfile.zero());
        var mem = cpu.memoryPath().ram();
        long handler = Machines.CODE + 0x100;
        mem.write8(handler, 0xf4); // hlt
        mem.write64(0x6008, 0x00af9b000000ffffL); // GDT[1]: 64-bit code, DPL 0
        long gate = 0x7000 + 16 * 6;
        mem.write64(gate, (handler & 0xffff) | 0x08L << 16 | 0x8eL << 40 | ((handler >>> 16) & 0xffff) << 48);
        mem.write64(gate + 8, handler >>> 32);
        CpuState s = cpu.state();
        s.gdtrBase = 0x6000;
        s.gdtrLimit = 0x17;
        s.idtrBase = 0x7000;
        s.idtrLimit = 0xfff;
        StopReason r = cpu.run(10);
        assertEquals(StopReason.HALTED, r, cpu.stopDetail());
        assertEquals(1L, cpu.unimplementedInstructions().get("0f 10 sse"));
        assertEquals(handler + 1, s.rip);
        // The frame: RIP of the faulting instruction, CS, RFLAGS, RSP, SS.
        assertEquals(Machines.CODE, cpu.memoryPath().read(CpuState.SS, Machines.STACK_TOP - 40, 8));
        assertEquals(0x08, cpu.memoryPath().read(CpuState.SS, Machines.STACK_TOP - 32, 8));
    }
}
