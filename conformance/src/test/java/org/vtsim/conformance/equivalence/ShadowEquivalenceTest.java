package org.vtsim.conformance.equivalence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;

/**
 * Popek and Goldberg's equivalence property across the three memory-virtualization schemes: every bundled
 * guest, with its default arguments, prints the same serial output, ends with the same outcome and exit
 * status, and its page-fault handler receives the same number of #PF (RunResult.memory()
 * {@code guest.pageFaults}) natively, under EPT and under shadow paging. The exit microbenchmark
 * {@code vmexit} tells a VM by its VMCALL (docs/hypercalls.md), so its shadow run is held to its EPT run
 * byte for byte, and its native run to the EPT output with that one line changed as
 * {@link NativeEptEquivalenceTest#expectedUnderMonitor} allows. The shadow run is audited after every exit
 * ({@link AuditedRun}): each reachable shadow leaf agrees with the guest's walk composed with the slot map
 * and grants no more than the guest's tables (SDM Vol. 3A 4.7, 4.8; shadow paging has no SDM rule of its
 * own — the processor walks the monitor's tables, so the invariant is what makes it invisible).
 */
class ShadowEquivalenceTest {
    static final long LIMIT = 2_000_000_000L;

    static Stream<String> guests() {
        return Guests.NAMES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void sameOutputStatusAndPageFaultsNativelyUnderEptAndUnderShadowPaging(String name) throws Exception {
        String args = Guests.defaultArgs(name);
        AuditedRun n = AuditedRun.run(name, args, Mode.NATIVE, false, LIMIT);
        AuditedRun e = AuditedRun.run(name, args, Mode.EPT, false, LIMIT);
        AuditedRun s = AuditedRun.run(name, args, Mode.SHADOW, true, LIMIT);
        assertEquals(Outcome.GUEST_EXIT, n.result().outcome(), () -> "native: " + n.result().detail());
        assertEquals(Mode.SHADOW, s.result().mode());
        assertTrue(s.result().exits() > 0, "the monitor saw no exit: the guest did not run under it");
        assertTrue(s.result().memory().containsKey("shadow.faults"), () -> "no shadow counters: "
                + s.result().memory());
        // The reference for the shadow run: the EPT run, itself held to the native one.
        assertEquals(NativeEptEquivalenceTest.expectedUnderMonitor(name, n.output()), e.output(), name + " under EPT");
        assertEquals(e.output(), s.output(), () -> name + " under shadow paging: " + s.result().outcome() + " "
                + s.result().detail() + "\n" + s.result().report());
        assertEquals(n.result().outcome(), s.result().outcome(), () -> s.result().detail());
        assertEquals(n.result().exitStatus(), e.result().exitStatus(), "exit status under EPT");
        assertEquals(n.result().exitStatus(), s.result().exitStatus(), "exit status under shadow paging");
        assertEquals(n.guestPageFaults(), e.guestPageFaults(), "#PF the guest's handler received under EPT");
        assertEquals(n.guestPageFaults(), s.guestPageFaults(), "#PF the guest's handler received under shadow");
        assertTrue(s.problems().isEmpty(), () -> name + " " + args + ": shadow invariant broken\n"
                + String.join("\n", s.problems()));
        assertEquals(s.result().exits(), s.audits(), "audited after every exit");
        System.out.printf("shadow-equivalence %-9s native %,13d | ept %,13d (x%.2f, %,8d exits) | shadow %,13d "
                + "(x%.2f, %,8d exits, %,7d hidden #PF, %,6d reflected) | guest #PF %d | %,d audits%n", name,
                n.result().cycles(), e.result().cycles(), (double) e.result().cycles() / n.result().cycles(),
                e.result().exits(), s.result().cycles(), (double) s.result().cycles() / n.result().cycles(),
                s.result().exits(), s.memory("shadow.faults"), s.memory("shadow.guestFaults"),
                s.guestPageFaults(), s.audits());
    }
}
