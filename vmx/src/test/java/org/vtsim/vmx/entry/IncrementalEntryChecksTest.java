package org.vtsim.vmx.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * {@link VmEntryChecks#firstFailure} is incremental ({@link EntryCheckMemo}): after a VMCS passed, it
 * re-runs only the check areas whose inputs changed. The property: over random sequences of VMCS and
 * memory mutations starting from a valid baseline (fields copied from another valid VMCS, restored,
 * bit-flipped, rewritten with their own value; rules broken by the breakers of {@link
 * VmEntryChecksTest}; the bytes the checks read in memory rewritten; the processor's IA-32e mode
 * flipped), the incremental answer after every step is the full checks' answer on the same state.
 */
class IncrementalEntryChecksTest {
    private static final int EXAMPLES = 120;
    private static final int STEPS = 40;
    private static final VmcsField[] FIELDS = VmcsField.values();

    private long stepsWithSkippedAreas;
    private long failingSteps;
    private long passingSteps;

    @Test
    void incrementalCheckingEqualsFullCheckingOverRandomMutations() {
        List<Breaker> breakers = VmEntryChecksTest.breakers().toList();
        for (Spec spec : List.of(Spec.any(), Spec.any().with(Spec.SKYLAKE_EPT_VPID))) {
            qt().withExamples(EXAMPLES)
                    .forAll(BaselineGen.baselines(spec), BaselineGen.baselines(spec), longs().all())
                    .checkAssert((b, donor, seed) -> mutateAndCompare(b, donor, new Random(seed), breakers));
        }
        // The property must have exercised both answers and the skipping it is about.
        assertTrue(stepsWithSkippedAreas > 0, "the memo never skipped an area");
        assertTrue(failingSteps > 0 && passingSteps > 0, failingSteps + " failing, " + passingSteps + " passing");
    }

    private void mutateAndCompare(Baseline b, Baseline donor, Random r, List<Breaker> breakers) {
        VmEntryChecks incremental = new VmEntryChecks(b.caps);
        Vmcs original = b.vmcs.copy();
        boolean originalIa32e = b.processorIa32e;
        List<long[]> memoryUndo = new ArrayList<>();
        compare(incremental, b, "baseline");
        List<String> history = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            if (r.nextInt(4) == 0) {
                // Back to the valid baseline (through set: only real changes count), so that many steps
                // start from a VMCS that passed, as a monitor's entries do.
                for (VmcsField f : FIELDS) {
                    b.vmcs.set(f, original.get(f));
                }
                for (int i = memoryUndo.size() - 1; i >= 0; i--) {
                    b.memory.write64(memoryUndo.get(i)[0], memoryUndo.get(i)[1]);
                }
                memoryUndo.clear();
                b.processorIa32e = originalIa32e;
                history.add("all restored");
            } else {
                history.add(mutate(b, donor, original, r, breakers, memoryUndo));
            }
            compare(incremental, b, String.join("; ", history));
        }
    }

    private String mutate(Baseline b, Baseline donor, Vmcs original, Random r, List<Breaker> breakers,
            List<long[]> memoryUndo) {
        Vmcs v = b.vmcs;
        VmcsField f = FIELDS[r.nextInt(FIELDS.length)];
        switch (r.nextInt(9)) {
            case 0, 1 -> {
                v.set(f, donor.vmcs.get(f));
                return f + " from another valid VMCS";
            }
            case 2, 3 -> {
                v.set(f, original.get(f));
                return f + " restored";
            }
            case 4 -> {
                int bit = r.nextInt(64);
                v.set(f, v.get(f) ^ 1L << bit);
                return f + " bit " + bit + " flipped";
            }
            case 5 -> {
                v.set(f, v.get(f));
                return f + " rewritten unchanged";
            }
            case 6 -> {
                Breaker br = breakers.get(r.nextInt(breakers.size()));
                if (!applies(br.spec(), b)) {
                    return "nothing";
                }
                br.edit().accept(b);
                return "breaker " + br;
            }
            case 7 -> {
                return memory(b, original, r, memoryUndo);
            }
            default -> {
                if (r.nextBoolean()) {
                    b.processorIa32e = !b.processorIa32e;
                    return "processor IA-32e mode " + b.processorIa32e;
                }
                return "nothing";
            }
        }
    }

    /** Rewrites memory the checks read: the VTPR byte, a PDPTE, the VMCS link page's header. */
    private static String memory(Baseline b, Vmcs original, Random r, List<long[]> undo) {
        Vmcs v = r.nextBoolean() ? b.vmcs : original;
        long pa = switch (r.nextInt(3)) {
            case 0 -> v.get(VIRTUAL_APIC_ADDRESS) + 0x80;
            case 1 -> PdpteChecks.tableAddress(v) + 8L * r.nextInt(4);
            default -> v.get(VMCS_LINK_POINTER);
        };
        if (pa < 0 || pa > b.memory.size() - 8) {
            return "nothing";
        }
        long value = switch (r.nextInt(3)) {
            case 0 -> r.nextLong();
            case 1 -> b.memory.read64(pa) ^ 1L << r.nextInt(64);
            default -> b.caps.revision() | (r.nextBoolean() ? 0x80000000L : 0);
        };
        undo.add(new long[] {pa, b.memory.read64(pa)});
        b.memory.write64(pa, value);
        return "memory 0x" + Long.toHexString(pa) + " = 0x" + Long.toHexString(value);
    }

    private static boolean applies(Spec s, Baseline b) {
        return s.caps() == b.caps && s.kinds().contains(b.kind)
                && (s.processorIa32e() == null || s.processorIa32e() == b.processorIa32e)
                && (!s.cplZero() || b.ssDpl() == 0);
    }

    private void compare(VmEntryChecks incremental, Baseline b, String history) {
        VmEntryChecks full = new VmEntryChecks(b.caps); // a fresh memo runs every area
        EntryCheckFailure expected = full.firstFailure(b.vmcs.copy(), b.memory, b.processorIa32e);
        long before = incremental.areasRun();
        EntryCheckFailure got = incremental.firstFailure(b.vmcs, b.memory, b.processorIa32e);
        assertSame(expected, got, () -> "after " + history);
        if (incremental.areasRun() - before < full.areasRun()) {
            stepsWithSkippedAreas++;
        }
        if (expected == null) {
            passingSteps++;
        } else {
            failingSteps++;
        }
    }

    @Test
    void aSecondEntryWithNothingChangedRunsNoArea() {
        qt().withExamples(20).forAll(BaselineGen.baselines(Spec.any())).checkAssert(b -> {
            VmEntryChecks checks = new VmEntryChecks(b.caps);
            assertNull(checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            long before = checks.areasRun();
            // Exit information and a field rewritten with its own value change nothing the checks read.
            b.vmcs.set(EXIT_REASON, 10);
            b.vmcs.set(GUEST_CS_SELECTOR, b.vmcs.get(GUEST_CS_SELECTOR));
            assertNull(checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            long memoryAreas = checks.areasRun() - before; // only areas that read memory run again
            assertTrue(memoryAreas <= 3, () -> memoryAreas + " areas ran again");
        });
    }

    @Test
    void aChangedFieldRunsTheAreasThatReadItAndFindsTheNewFailure() {
        qt().withExamples(20).forAll(BaselineGen.baselines(Spec.any().ia32e())).checkAssert(b -> {
            VmEntryChecks checks = new VmEntryChecks(b.caps);
            assertNull(checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            b.vmcs.set(GUEST_RIP, 1L << 62); // not canonical (26.3.1.4)
            EntryCheckFailure f = checks.firstFailure(b.vmcs, b.memory, b.processorIa32e);
            assertTrue(f == GuestRegisterChecks.RIP_CANONICAL || f == GuestRegisterChecks.RIP_HIGH, () -> "got " + f);
        });
    }

    @Test
    void anotherObserverOfTheVmcsMakesTheMemoRunEverything() {
        qt().withExamples(10).forAll(BaselineGen.baselines(Spec.any())).checkAssert(b -> {
            VmEntryChecks a = new VmEntryChecks(b.caps);
            VmEntryChecks other = new VmEntryChecks(b.caps);
            assertNull(a.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            assertNull(other.firstFailure(b.vmcs, b.memory, b.processorIa32e)); // takes the change set over
            b.vmcs.set(GUEST_RIP, 1L << 62);
            long before = a.areasRun();
            assertTrue(a.firstFailure(b.vmcs, b.memory, b.processorIa32e) != null);
            assertEquals(CheckArea.GUEST_RIP_AND_RFLAGS.ordinal() + 1, a.areasRun() - before);
        });
    }
}
