package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/** Single facts about translated blocks, each checked against the interpreter alone. */
class BlockTranslationExamplesTest {
    private record Outcome(StopReason why, String detail, long instructions, long cycles, long rip, long cr2,
            long rax, long rbx, long rcx) {
    }

    private static Outcome run(String hex, long[] regs, int hot) {
        Cpu cpu = Machines.longModePaged(hex, CostProfile.skylake());
        if (hot == 0) {
            cpu.setBlockTranslation(false);
        } else {
            cpu.setBlockTranslation(hot);
        }
        System.arraycopy(regs, 0, cpu.state().gpr, 0, regs.length);
        StopReason why = cpu.run(1_000_000);
        long[] g = cpu.state().gpr;
        if (hot != 0) {
            assertTrue(cpu.blockInstructions() > 0, "no translated block ran");
        }
        return new Outcome(why, cpu.stopDetail(), cpu.instructions(), cpu.cycles(), cpu.state().rip, cpu.state().cr2,
                g[0], g[3], g[1]);
    }

    /**
     * Self-modifying code inside a block: a store patches the immediate of an instruction further on
     * in the same block, which must run with the new immediate (the write drops the page's decoded
     * instructions, SDM Vol. 3A 11.6: the processor snoops stores to code it has fetched).
     */
    @Test
    void aStoreIntoTheRunningBlockIsSeenByItsLaterInstructions() {
        // loop: mov [rip+3],ecx ; add ebx,eax ; mov eax,imm32 ; add ebx,eax ; add ecx,1 ; sub r9,1 ; jnz loop ; hlt
        String code = "890d03000000 01c3 b800000000 01c3 83c101 4983e901 75e8 f4";
        long[] regs = new long[16];
        regs[0] = 7; // rax
        regs[1] = 100; // rcx
        regs[9] = 500; // r9: iterations
        Outcome interpreted = run(code, regs, 0);
        long ebx = 0;
        long eax = 7;
        for (long ecx = 100; ecx < 600; ecx++) {
            ebx += eax; // the add before the patched mov sees the last iteration's value
            eax = ecx; // the patched immediate
            ebx += eax;
        }
        assertEquals(StopReason.HALTED, interpreted.why);
        assertEquals(ebx & 0xffffffffL, interpreted.rbx);
        // Made at first sight only: the write drops the page's translations too, so this loop never gets hot.
        assertEquals(interpreted, run(code, regs, 1));
    }

    /**
     * 32-bit code runs in blocks only under a flat code segment: with a CS base other than 0, EIP is not
     * the linear address blocks are found by, so the interpreter runs it alone, with the same results.
     */
    @Test
    void codeUnderACodeSegmentWithABaseIsNotTranslated() {
        // loop: add eax,ebx ; add eax,ecx ; sub edx,1 ; jnz loop ; hlt
        String code = "01d8 01c8 83ea01 75f7 f4";
        long[] outcome = new long[2];
        for (int hot : new int[] {0, 1}) {
            Cpu cpu = Machines.protectedMode(code, CostProfile.skylake());
            if (hot == 0) {
                cpu.setBlockTranslation(false);
            } else {
                cpu.setBlockTranslation(hot);
            }
            CpuState s = cpu.state();
            s.seg[CpuState.CS].base = 0x1000;
            s.seg[CpuState.CS].limit = 0xffffeL;
            s.rip = Machines.CODE - 0x1000; // the same linear address
            s.gpr[1] = 3;
            s.gpr[2] = 1000;
            s.gpr[3] = 5;
            assertEquals(StopReason.HALTED, cpu.run(100_000), cpu.stopDetail());
            assertEquals(0, cpu.blockInstructions());
            outcome[hot] = cpu.cycles() * 31 + s.gpr[0];
            assertEquals(8000, s.gpr[0]);
        }
        assertEquals(outcome[0], outcome[1]);
    }

    /**
     * A page fault in the middle of a block: the instructions before it are retired and counted, RIP
     * and CR2 name the faulting load (SDM Vol. 3A 6.5: a fault is reported at the faulting
     * instruction), the rest of the block does not run.
     */
    @Test
    void aFaultInsideABlockStopsItAtTheFaultingInstruction() {
        // add rax,rbx ; add rax,rbx ; mov rcx,[rdx] (rdx unmapped: beyond the 1 GiB identity map) ;
        // add rax,rcx ; hlt. The first instruction runs alone (its fetch translated a page); the block
        // from the second retires one instruction, then faults.
        String code = "4801d8 4801d8 488b0a 4801c8 f4";
        long[] regs = new long[16];
        regs[0] = 1;
        regs[3] = 2;
        regs[2] = 0x8000_0000L;
        Outcome interpreted = run(code, regs, 0);
        assertEquals(StopReason.SHUTDOWN, interpreted.why, interpreted.detail); // no IDT: #PF, #GP, #DF, shutdown
        assertEquals(2, interpreted.instructions);
        assertEquals(0x8000_0000L, interpreted.cr2);
        assertEquals(5, interpreted.rax);
        assertEquals(interpreted, run(code, regs, 1));
    }
}
