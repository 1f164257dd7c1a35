package org.vtsim.conformance.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The host CPU is the oracle (issue 2, Checks): random user-mode integer instruction sequences run
 * natively through the gcc-built harness and on the model, and must leave the same registers,
 * flags (less those the SDM leaves undefined) and scratch memory. See conformance/DIFFERENTIAL.md.
 *
 * <p>System properties: {@code vtsim.diff.count} (sequences, default 100000), {@code
 * vtsim.diff.seed} (run seed, default fixed; {@code random} for a fresh one), {@code
 * vtsim.diff.case} (replay one case seed, printed on a mismatch), {@code vtsim.diff.families}
 * (comma-separated {@link Family} names), {@code vtsim.diff.maxLength} (instructions per sequence).
 */
class DifferentialTest {
    static final long DEFAULT_SEED = 0x76747369_6d646966L;
    /** Families the model does not yet run correctly; excluded by default and listed in the report. */
    static final Set<Family> KNOWN_FAILING = EnumSet.noneOf(Family.class);
    /**
     * One sequence in this many (the first included, so a replayed case is one) runs through translated
     * blocks made at first sight; the others run in the interpreter alone. Each translated sequence
     * generates classes of its own, hence not all of them.
     */
    static final int TRANSLATED_EVERY = 4;

    @Test
    void hostCpuIsTheOracle() throws Exception {
        String reason = NativeHarness.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "differential test skipped: " + reason);
        String seedProp = System.getProperty("vtsim.diff.seed", "");
        long runSeed = seedProp.isEmpty() ? DEFAULT_SEED : seedProp.equals("random") ? System.nanoTime() : Long.decode(seedProp);
        int count = Integer.getInteger("vtsim.diff.count", 100_000);
        int maxLength = Integer.getInteger("vtsim.diff.maxLength", 12);
        String replay = System.getProperty("vtsim.diff.case", "");
        Set<Family> families = families();
        long start = System.nanoTime();
        List<String> mismatches = new ArrayList<>();
        int mismatchCount = 0;
        try (NativeHarness h = NativeHarness.build(NativeHarnessTest.source())) {
            ModelRunner model = new ModelRunner();
            HostFeatures features = h.features.and(ModelRunner.features());
            SequenceGenerator gen = new SequenceGenerator(families, features, maxLength);
            System.out.printf("differential: run seed 0x%x, %d sequences, families %s, host %s, both %s%n", runSeed, count,
                    families, h.features, features);
            List<TestCase> all;
            if (!replay.isEmpty()) {
                all = List.of(gen.generate(Long.decode(replay)));
                count = 1;
            } else {
                all = null;
            }
            int batch = 4000;
            ExecutorService nativeSide = Executors.newSingleThreadExecutor();
            try {
                List<TestCase> cases = all != null ? all : generate(gen, runSeed, 0, Math.min(batch, count));
                Future<List<MachineState>> pending = submit(nativeSide, h, cases);
                for (int done = 0; done < count; ) {
                    List<MachineState> expected = pending.get();
                    int next = done + cases.size();
                    List<TestCase> nextCases = null;
                    if (next < count) {
                        nextCases = generate(gen, runSeed, next, Math.min(batch, count - next));
                        pending = submit(nativeSide, h, nextCases);
                    }
                    for (int i = 0; i < cases.size(); i++) {
                        TestCase c = cases.get(i);
                        model.translate = (done + i) % TRANSLATED_EVERY == 0;
                        List<String> d = Comparison.differences(c, expected.get(i), model.run(c));
                        if (!d.isEmpty()) {
                            mismatchCount++;
                            if (mismatches.size() < 10) {
                                mismatches.add(shortest(h, model, c, runSeed, done + i, d));
                            }
                        }
                    }
                    done = next;
                    cases = nextCases;
                }
            } finally {
                nativeSide.shutdownNow();
            }
            double secs = (System.nanoTime() - start) / 1e9;
            report(gen, count, secs, mismatchCount, families);
            System.out.printf("  every %dth sequence ran through translated blocks: %d instructions in blocks%n",
                    TRANSLATED_EVERY, model.translatedInstructions);
        }
        mismatches.forEach(System.out::println);
        assertEquals(0, mismatchCount, mismatchCount + " of " + count + " sequences differ between host and model; first:\n"
                + (mismatches.isEmpty() ? "" : mismatches.get(0)));
    }

    private static Set<Family> families() {
        String p = System.getProperty("vtsim.diff.families", "");
        if (p.isEmpty()) {
            Set<Family> s = EnumSet.allOf(Family.class);
            s.removeAll(KNOWN_FAILING);
            return s;
        }
        Set<Family> s = EnumSet.noneOf(Family.class);
        for (String f : p.split(",")) {
            s.add(Family.valueOf(f.trim()));
        }
        return s;
    }

    /** Case {@code i} of a run has seed mix(runSeed, i): every case replays on its own. */
    static long caseSeed(long runSeed, int i) {
        long z = runSeed + 0x9e3779b97f4a7c15L * (i + 1L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static List<TestCase> generate(SequenceGenerator gen, long runSeed, int from, int n) {
        List<TestCase> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(gen.generate(caseSeed(runSeed, from + i)));
        }
        return l;
    }

    private static Future<List<MachineState>> submit(ExecutorService ex, NativeHarness h, List<TestCase> cases) {
        return ex.submit(() -> h.run(cases));
    }

    /** Describes the shortest prefix of a failing case that still fails (cut only at block boundaries). */
    private static String shortest(NativeHarness h, ModelRunner model, TestCase c, long runSeed, int index, List<String> d)
            throws Exception {
        List<TestCase> prefixes = new ArrayList<>();
        for (int n = 1; n < c.insns().size(); n++) {
            TestCase p = c.prefix(n);
            if (p != null) {
                prefixes.add(p);
            }
        }
        List<MachineState> native_ = h.run(prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            List<String> pd = Comparison.differences(prefixes.get(i), native_.get(i), model.run(prefixes.get(i)));
            if (!pd.isEmpty()) {
                return Comparison.describe(runSeed, index, prefixes.get(i), pd);
            }
        }
        return Comparison.describe(runSeed, index, c, d);
    }

    private static void report(SequenceGenerator gen, int count, double secs, int mismatches, Set<Family> families) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("differential report: %d sequences in %.1f s, %d mismatches%n", count, secs, mismatches));
        long total = 0;
        for (Family f : Family.values()) {
            int n = gen.familyCounts[f.ordinal()];
            total += n;
            sb.append(String.format("  %-20s %9d%s%n", f, n, families.contains(f) ? "" : KNOWN_FAILING.contains(f)
                    ? "   (excluded: known model failures)" : "   (not selected)"));
        }
        sb.append(String.format("  %-20s %9d instructions under test (plus set-up moves)%n", "total", total));
        System.out.print(sb);
    }
}
