package org.vtsim.conformance.differential;

import java.io.ByteArrayOutputStream;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds a {@link TestCase} from a seed: random initial registers and status flags, a random
 * memory seed, and 1..{@code maxLength} instructions from the enabled families. Deterministic in
 * the seed, so a printed seed replays the case.
 */
final class SequenceGenerator {
    private final Set<Family> families;
    private final HostFeatures features;
    private final int maxLength;
    final int[] familyCounts = new int[Family.values().length];

    SequenceGenerator(Set<Family> families, HostFeatures features, int maxLength) {
        this.families = families;
        this.features = features;
        this.maxLength = maxLength;
    }

    TestCase generate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Gen g = new Gen(rnd, families, features);
        long[] regs = new long[16];
        for (int i = 0; i < 16; i++) {
            regs[i] = g.value(8);
        }
        regs[Reg.RSP] = Layout.STACK_INIT;
        long rflags = (rnd.nextLong() & Flags.ARITH) | Flags.FIXED | (rnd.nextInt(4) == 0 ? Flags.DF : 0);
        long memorySeed = rnd.nextLong();
        int n = 1 + rnd.nextInt(maxLength);
        for (int i = 0; i < n && g.codeLength < Layout.CODE_SIZE - Layout.STUB_SIZE - 256; i++) {
            g.emitRandomFamily();
        }
        boolean fault = false;
        if (g.enabled.contains(Family.DIV_FAULT) && rnd.nextInt(20) == 0) {
            Gen.Mark m = g.mark();
            try {
                MulDiv.divFault(g);
                fault = true;
            } catch (Encoder.Unencodable e) {
                g.reset(m);
            }
        }
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        for (Insn insn : g.insns) {
            code.writeBytes(insn.bytes());
        }
        for (int i = 0; i < familyCounts.length; i++) {
            familyCounts[i] += g.familyCounts[i];
        }
        return new TestCase(seed, regs, rflags, memorySeed, code.toByteArray(), g.insns, g.undefined, fault, g.undefinedAfter);
    }
}
