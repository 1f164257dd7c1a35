package org.vtsim.conformance.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The comparison notices every kind of difference and ignores only the SDM-undefined flags. */
class ComparisonTest {
    private static final long[] REGS = new long[16];

    private static MachineState state(long[] regs, long rflags, byte[] mem, int fault, long rip) {
        return new MachineState(regs, rflags, mem, fault, rip, "");
    }

    private static TestCase caseWithUndefined(long undefined) {
        return new TestCase(7, REGS, Flags.FIXED, 1, new byte[0], List.of(), undefined, false);
    }

    @Test
    void detectsRegisterFlagMemoryAndFaultDifferences() {
        byte[] mem = TestCase.initialMemory(1);
        MachineState host = state(REGS.clone(), Flags.FIXED | Flags.CF, mem, MachineState.NO_FAULT, 0);
        TestCase c = caseWithUndefined(0);
        assertEquals(List.of(), Comparison.differences(c, host, host));

        long[] r = REGS.clone();
        r[13] = 1;
        assertEquals(1, Comparison.differences(c, host, state(r, host.rflags(), mem, -1, 0)).size());
        assertEquals(1, Comparison.differences(c, host, state(REGS, Flags.FIXED | Flags.DF | Flags.CF, mem, -1, 0)).size());
        byte[] m2 = mem.clone();
        m2[Layout.DATA_SIZE - 1] ^= 1;
        assertEquals(1, Comparison.differences(c, host, state(REGS, host.rflags(), m2, -1, 0)).size());
        assertTrue(Comparison.differences(c, host, state(REGS, host.rflags(), mem, 0, Layout.CODE)).get(0).startsWith("fault"));
    }

    @Test
    void ignoresOnlyTheUndefinedFlags() {
        byte[] mem = TestCase.initialMemory(1);
        MachineState host = state(REGS, Flags.FIXED | Flags.AF | Flags.OF, mem, MachineState.NO_FAULT, 0);
        MachineState model = state(REGS, Flags.FIXED, mem, MachineState.NO_FAULT, 0);
        assertEquals(List.of(), Comparison.differences(caseWithUndefined(Flags.AF | Flags.OF), host, model));
        assertEquals(1, Comparison.differences(caseWithUndefined(Flags.AF), host, model).size());
    }
}
