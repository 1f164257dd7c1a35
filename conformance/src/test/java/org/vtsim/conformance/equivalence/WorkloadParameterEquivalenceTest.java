package org.vtsim.conformance.equivalence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.vtsim.machine.Mode;

/**
 * Equivalence as a property over the workloads' parameters (guests/README.md): for a guest and
 * parameters drawn at random — small sizes, so each pair of runs stays short — the serial output,
 * outcome and exit status are the same natively and under the monitor. Includes the crash paths
 * ({@code hello fault=...}), both timer sources and waits, 4 KiB and 2 MiB working sets.
 */
class WorkloadParameterEquivalenceTest {
    static final String[] GUESTS = {"hello", "compute", "memwalk", "pt-churn", "io", "timer", "syscall", "vmexit"};
    static final String[] FAULTS = {"", " fault=ud", " fault=pf", " fault=de", " fault=gp", " fault=bp"};

    /** Parameters of {@code guest} from three random numbers. */
    static String args(String guest, int a, int b, int c) {
        a = Math.floorMod(a, 1 << 20);
        b = Math.floorMod(b, 1 << 20);
        c = Math.floorMod(c, 1 << 20);
        return switch (guest) {
            case "hello" -> "who=w" + a + FAULTS[b % FAULTS.length];
            case "compute" -> "iters=1 n=" + (64 + a % 449) + " mat=" + (4 + b % 9) + " crc=" + (256 + c % 1793);
            case "memwalk" -> "ws=" + (256 + a % 1793) + " pages=" + (b % 2 == 0 ? "4k" : "2m") + " touches="
                    + (1000 + c % 19001) + " seed=" + (1 + a % 100);
            case "pt-churn" -> "rounds=" + (1 + a % 20) + " pages=" + (1 + b % 16);
            case "io" -> "count=" + (100 + a % 1901) + " fwcfg=" + (b % 2);
            case "timer" -> "src=" + (a % 2 == 0 ? "pit" : "apic") + " hz=" + (1000 + b % 19001) + " ticks="
                    + (10 + c % 91) + " wait=" + (c % 2 == 0 ? "hlt" : "spin");
            case "syscall" -> "count=" + (10 + a % 1991) + " procs=" + (1 + b % 3);
            case "vmexit" -> "iters=" + (10 + a % 191) + " hlt_iters=" + (1 + b % 10) + " quiet";
            default -> throw new IllegalArgumentException(guest);
        };
    }

    @Test
    void sameOutputAndStatusForRandomParameters() {
        qt().withExamples(12).forAll(integers().between(0, GUESTS.length - 1), integers().all(), integers().all(),
                integers().all()).checkAssert((g, a, b, c) -> {
                    String guest = GUESTS[g];
                    String args = args(guest, a, b, c);
                    try {
                        NativeEptEquivalenceTest.Run n = NativeEptEquivalenceTest.run(guest, args, Mode.NATIVE);
                        NativeEptEquivalenceTest.Run e = NativeEptEquivalenceTest.run(guest, args, Mode.EPT);
                        String what = guest + " " + args;
                        assertEquals(NativeEptEquivalenceTest.expectedUnderMonitor(guest, n.output()), e.output(),
                                () -> what + ": " + e.result().outcome() + " " + e.result().detail());
                        assertEquals(n.result().outcome(), e.result().outcome(), () -> what + ": "
                                + e.result().detail() + " vs native " + n.result().detail());
                        assertEquals(n.result().exitStatus(), e.result().exitStatus(), what);
                    } catch (Exception x) {
                        throw new AssertionError(guest + " " + args, x);
                    }
                });
    }
}
