package org.vtsim.conformance.differential;

import java.util.List;

/**
 * One differential case: the initial register file and arithmetic flags, the seed of the scratch
 * memory contents (both sides fill it with splitmix64 from this seed), and the code. {@code
 * undefinedAtEnd} are the flags the SDM leaves undefined after the sequence, which are not compared.
 */
record TestCase(long seed, long[] regs, long rflags, long memorySeed, byte[] code, List<Insn> insns,
        long undefinedAtEnd, boolean expectsFault, List<Long> undefinedAfter) {

    TestCase(long seed, long[] regs, long rflags, long memorySeed, byte[] code, List<Insn> insns, long undefinedAtEnd,
            boolean expectsFault) {
        this(seed, regs, rflags, memorySeed, code, insns, undefinedAtEnd, expectsFault, List.of());
    }

    /** The scratch memory both sides start from. */
    static byte[] initialMemory(long memorySeed) {
        byte[] m = new byte[Layout.DATA_SIZE];
        long s = memorySeed;
        for (int i = 0; i < m.length; i += 8) {
            s += 0x9e3779b97f4a7c15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            for (int k = 0; k < 8; k++) {
                m[i + k] = (byte) (z >>> (8 * k));
            }
        }
        return m;
    }

    /**
     * The case cut after its first {@code n} instructions, or null when that would cut a skipped
     * block (a jump would then leave the code).
     */
    TestCase prefix(int n) {
        long end = n == insns.size() ? Layout.CODE + code.length : insns.get(n).address();
        for (int i = 0; i < n; i++) {
            if (insns.get(i).target() > end) {
                return null;
            }
        }
        byte[] cut = java.util.Arrays.copyOf(code, (int) (end - Layout.CODE));
        return new TestCase(seed, regs, rflags, memorySeed, cut, insns.subList(0, n), undefinedAfter.get(n - 1),
                expectsFault, undefinedAfter.subList(0, n));
    }

    String listing() {
        StringBuilder sb = new StringBuilder();
        for (Insn i : insns) {
            sb.append("    ").append(i).append('\n');
        }
        return sb.toString();
    }
}
