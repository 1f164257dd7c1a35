package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/**
 * A translated block must look at time at exactly the instruction boundaries the interpreter does
 * (SDM Vol. 3A 6.8.1: events are recognised at instruction boundaries; here, the devices are brought
 * up to date at the first boundary at or past their next event). A loop of loads and stores spread
 * over many 2 MiB pages (so TLB misses add translation cycles in the middle of blocks), a multiply
 * (cycles of its own) and a taken branch runs under real page tables, with device events at random
 * cycles; every time the core advances the devices it logs the cycle, the instructions retired and
 * RIP. With translated blocks (made at first sight, or once hot) the log must be the interpreter's.
 */
class BlockBoundaryTimingTest {
    // loop: mov rax,[rbx+rsi*8]; add rcx,rax; imul rdx,rcx; mov [rbx+rsi*8+8],rdx;
    //       add rsi,rdi; and rsi,r8; sub r9,1; jnz loop; hlt
    private static final String LOOP = "488b04f3 4801c1 480fafd1 488954f308 4801fe 4c21c6 4983e901 75e4 f4";
    // The same in 32-bit protected mode (flat segments, paging off):
    // loop: mov eax,[ebx+esi*4]; add ecx,eax; imul edx,ecx; mov [ebx+esi*4+4],edx;
    //       add esi,edi; and esi,0x3ffe; sub ebp,1; jnz loop; hlt
    private static final String LOOP32 = "8b04b3 01c1 0fafd1 8954b304 01fe 81e6fe3f0000 83ed01 75e7 f4";

    /** A platform whose next event moves on by a random interval each time it is reached. */
    private static final class LoggingPlatform extends NoDevices {
        final List<String> log = new ArrayList<>();
        final SplittableRandom rnd;
        final int meanInterval;
        Cpu cpu;
        long next;

        LoggingPlatform(long seed, int meanInterval) {
            this.rnd = new SplittableRandom(seed);
            this.meanInterval = meanInterval;
            this.next = 1 + rnd.nextInt(2 * meanInterval);
        }

        @Override
        public void advanceTo(long cycle) {
            if (cycle >= next) {
                log.add(cycle + "@" + cpu.instructions() + ":" + Long.toHexString(cpu.state().rip));
                next = cycle + 1 + rnd.nextInt(2 * meanInterval);
            }
        }

        @Override
        public long nextEventCycle() {
            return next;
        }
    }

    private static List<String> run(long seed, int meanInterval, int iterations, long stride, int hot,
            boolean longMode) {
        LoggingPlatform platform = new LoggingPlatform(seed, meanInterval);
        Cpu cpu = longMode ? Machines.longModePaged(LOOP, CostProfile.skylake(), platform)
                : Machines.protectedMode(LOOP32, CostProfile.skylake(), platform);
        platform.cpu = cpu;
        if (hot == 0) {
            cpu.setBlockTranslation(false);
        } else {
            cpu.setBlockTranslation(hot);
        }
        long[] g = cpu.state().gpr;
        g[1] = 1;
        g[2] = 3;
        g[6] = 0; // rsi
        g[7] = stride; // rdi: index stride
        if (longMode) {
            g[3] = 0x1000_0000L; // rbx: data from 256 MiB
            g[8] = (512L << 20) / 8 - 1 & ~1L; // r8: keeps the index within 512 MiB, even
            g[9] = iterations; // r9
        } else {
            g[3] = 0x10_0000L; // ebx: data from 1 MiB
            g[5] = iterations; // ebp
        }
        StopReason why = cpu.run(10_000_000);
        assertEquals(StopReason.HALTED, why, cpu.stopDetail());
        List<String> log = new ArrayList<>(platform.log);
        log.add("end " + cpu.cycles() + "@" + cpu.instructions() + " rcx=" + Long.toHexString(g[1]) + " rdx="
                + Long.toHexString(g[2]) + " blocks=" + (cpu.blockInstructions() > 0));
        return log;
    }

    @Test
    void devicesAreAdvancedAtTheSameBoundariesWithTranslatedBlocks() {
        sameBoundaries(true);
    }

    /** The same with 32-bit code under a flat code segment, which blocks also run. */
    @Test
    void devicesAreAdvancedAtTheSameBoundariesWithTranslatedBlocksOf32BitCode() {
        sameBoundaries(false);
    }

    private static void sameBoundaries(boolean longMode) {
        qt().withExamples(40).forAll(longs().all(), integers().between(5, 400), integers().between(300, 3000),
                longs().between(1, 1 << 20)).checkAssert((seed, interval, iterations, stride) -> {
                    List<String> interpreted = run(seed, interval, iterations, stride, 0, longMode);
                    for (int hot : new int[] {1, 256}) {
                        List<String> translated = run(seed, interval, iterations, stride, hot, longMode);
                        String tail = translated.get(translated.size() - 1);
                        assertTrue(tail.endsWith("blocks=true"), "no block ran (hot " + hot + ")");
                        translated.set(translated.size() - 1, tail.replace("blocks=true", "blocks=false"));
                        int i = 0;
                        while (i < Math.min(interpreted.size(), translated.size())
                                && interpreted.get(i).equals(translated.get(i))) {
                            i++;
                        }
                        assertEquals(interpreted.size() == i ? "(end)" : interpreted.get(i),
                                translated.size() == i ? "(end)" : translated.get(i),
                                "first difference, entry " + i + " (cycle@instructions:rip), hot " + hot);
                    }
                });
    }
}
