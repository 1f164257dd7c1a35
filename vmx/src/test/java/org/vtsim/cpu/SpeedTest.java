package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/**
 * Runs an integer loop under real 4-level paging and the Skylake cost profile, checks its
 * result against the same computation in Java, and prints the simulation speed. Iterations
 * from -Dvtsim.speed.iterations (default small so the suite stays fast).
 */
class SpeedTest {
    // mov ecx,N; xor eax,eax; mov rsi,0x40000; 1: add rax,rcx; mov rdx,rax; shr rdx,3; xor rax,rdx;
    // mov [rsi+8],rax; add rax,[rsi+8]; imul rdx,rax,13; cmp rdx,rax; setb bl; movzx ebx,bl;
    // add rax,rbx; dec ecx; jnz 1b; out 0xf4,al
    private static final String LOOP = "b9%s31c048c7c6000004004801c84889c248c1ea034831d04889460848034608"
            + "486bd00d4839c20f92c30fb6db4801d8ffc975d7e6f4";

    static long expected(int n) {
        long rax = 0;
        for (long rcx = n; rcx != 0; rcx--) {
            rax += rcx;
            long rdx = rax >>> 3;
            rax ^= rdx;
            rax += rax;
            rdx = rax * 13;
            rax += Long.compareUnsigned(rdx, rax) < 0 ? 1 : 0;
        }
        return rax;
    }

    @Test
    void integerLoopUnderPagingWithCosts() {
        int n = Integer.getInteger("vtsim.speed.iterations", 300_000);
        String imm = String.format("%02x%02x%02x%02x", n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
        Cpu cpu = Machines.longModePaged(String.format(LOOP, imm), CostProfile.skylake());
        long t0 = System.nanoTime();
        StopReason r = cpu.run(Long.MAX_VALUE);
        long ns = System.nanoTime() - t0;
        assertEquals(StopReason.PLATFORM_STOP, r, cpu.stopDetail());
        assertEquals(expected(n), cpu.state().gpr[CpuState.RAX]);
        assertEquals(4 + 13L * n, cpu.instructions());
        System.out.printf("vtsim speed: %d instructions in %.1f ms = %.1f MIPS (%d cycles, CPI %.2f) %s%n",
                cpu.instructions(), ns / 1e6, cpu.instructions() * 1e3 / ns, cpu.cycles(),
                (double) cpu.cycles() / cpu.instructions(), cpu.translationCounters());
    }
}
