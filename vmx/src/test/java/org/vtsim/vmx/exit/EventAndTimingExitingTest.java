package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/** Exception bitmap (SDM 25.2), TSC offsetting/scaling (25.3, 24.6.5), PAUSE-loop exiting (25.1.3). */
class EventAndTimingExitingTest {

    // ---- exception bitmap ----

    @Test
    void exceptionBitmapAndThePageFaultMaskMatchRule() {
        qt().withExamples(500).forAll(integers().between(0, 31), integers().all(), integers().all(),
                integers().between(0, 3)).checkAssert((vector, bitmap, pfec, how) -> {
                    // Make PFEC & mask = match true about half the time.
                    int mask = bitmap >>> 7 | 0x5;
                    int match = how == 0 ? pfec & mask : how == 1 ? (pfec & mask) ^ 1 : bitmap & mask;
                    boolean bit = (bitmap & 1 << vector) != 0;
                    boolean expected;
                    if (vector != 14) {
                        expected = bit;
                    } else if ((pfec & mask) == match) {
                        expected = bit; // equality: follow bit 14
                    } else {
                        expected = !bit; // otherwise the meaning of bit 14 is reversed
                    }
                    assertEquals(expected, ExceptionExiting.exits(vector, pfec, bitmap, mask, match));
                });
    }

    @Test
    void pageFaultIdioms() {
        int pf = 1 << 14;
        // Bit 14 set, mask = match = 0: every #PF exits (shadow paging).
        assertTrue(ExceptionExiting.exits(14, 0x7, pf, 0, 0));
        // Bit 14 set, mask 0, match ~0: no #PF exits, since 0 never equals the match value.
        assertFalse(ExceptionExiting.exits(14, 0x7, pf, 0, -1));
        // Bit 14 clear, mask = match = P (bit 0): exits exactly for not-present faults.
        assertTrue(ExceptionExiting.exits(14, 0x3, pf, 1, 1), "present fault, bit 14 set, match");
        assertTrue(ExceptionExiting.exits(14, 0x2, 0, 1, 1), "no match and bit 14 clear: exits");
        assertFalse(ExceptionExiting.exits(14, 0x3, 0, 1, 1), "match and bit 14 clear: no exit");
        assertTrue(ExceptionExiting.exits(6, 0, 1 << 6, 0, 0));
        assertFalse(ExceptionExiting.exits(13, 0, 1 << 6, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ExceptionExiting.exits(32, 0, -1, 0, 0));
        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.EXCEPTION_BITMAP, pf);
        vmcs.set(VmcsField.PAGE_FAULT_ERROR_CODE_MASK, 2);
        vmcs.set(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH, 2);
        assertTrue(ExceptionExiting.exits(vmcs, 14, 0x3), "write faults exit");
        assertFalse(ExceptionExiting.exits(vmcs, 14, 0x1), "read faults do not");
    }

    // ---- TSC ----

    private static final int OFFSETTING = PrimaryProcessorBasedControls.USE_TSC_OFFSETTING;
    private static final int SECONDARY = PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;
    private static final int SCALING = SecondaryProcessorBasedControls.USE_TSC_SCALING;

    @Test
    void scalingIsTheHighBitsOfTheUnsigned128BitProduct() {
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        qt().withExamples(500).forAll(longs().all(), longs().all()).checkAssert((tsc, mult) -> {
            BigInteger a = new BigInteger(Long.toUnsignedString(tsc));
            BigInteger b = new BigInteger(Long.toUnsignedString(mult));
            long expected = a.multiply(b).shiftRight(48).mod(two64).longValue();
            assertEquals(expected, TscVirtualization.scale(tsc, mult));
        });
        assertEquals(12345L, TscVirtualization.scale(12345L, 1L << 48), "multiplier 1.0");
        assertEquals(3000L, TscVirtualization.scale(2000L, 3L << 47), "multiplier 1.5");
    }

    @Test
    void guestTscFollowsOffsettingThenScaling() {
        long tsc = 1_000_000L;
        long offset = -400_000L;
        long half = 1L << 47;
        assertEquals(tsc, TscVirtualization.guestTsc(tsc, 0, 0, offset, half), "no offsetting: unchanged");
        assertEquals(600_000L, TscVirtualization.guestTsc(tsc, OFFSETTING, 0, offset, half));
        assertEquals(100_000L, TscVirtualization.guestTsc(tsc, OFFSETTING | SECONDARY, SCALING, offset, half),
                "scale first, then add the offset");
        assertEquals(600_000L, TscVirtualization.guestTsc(tsc, OFFSETTING, SCALING, offset, half),
                "scaling is a secondary control: ignored unless secondary controls are activated");
        assertEquals(tsc, TscVirtualization.guestTsc(tsc, SECONDARY, SCALING, offset, half),
                "scaling does not apply without offsetting");
        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, OFFSETTING | SECONDARY);
        vmcs.set(VmcsField.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, SCALING);
        vmcs.set(VmcsField.TSC_OFFSET, 5);
        vmcs.set(VmcsField.TSC_MULTIPLIER, 2L << 48);
        assertEquals(2 * tsc + 5, TscVirtualization.guestTsc(vmcs, tsc));

        int rdtsc = PrimaryProcessorBasedControls.RDTSC_EXITING;
        int rdtscp = SecondaryProcessorBasedControls.ENABLE_RDTSCP;
        assertTrue(TscVirtualization.rdtscExits(rdtsc));
        assertFalse(TscVirtualization.rdtscExits(OFFSETTING));
        assertTrue(TscVirtualization.rdtscpExits(rdtsc | SECONDARY, rdtscp));
        assertFalse(TscVirtualization.rdtscpExits(SECONDARY, rdtscp));
        assertFalse(TscVirtualization.rdtscpEnabled(rdtsc, rdtscp), "secondary controls not activated");
        assertFalse(TscVirtualization.rdtscpExits(rdtsc, rdtscp));
    }

    // ---- PAUSE ----

    private static final int PLE = SecondaryProcessorBasedControls.PAUSE_LOOP_EXITING;

    @Test
    void aSpinLoopExitsAtTheFirstPauseBeyondTheWindow() {
        // PAUSEs every d cycles (d <= gap) from t0: the loop starts at t0 and the first PAUSE with
        // t - t0 > window exits, i.e. PAUSE number floor(window / d) + 1 (counting from 0).
        qt().withExamples(200).forAll(integers().between(1, 128), integers().between(0, 5000), longs().between(0,
                1L << 40)).checkAssert((d, window, t0) -> {
                    PauseLoopExiting ple = new PauseLoopExiting();
                    ple.vmEntry();
                    int expectedExit = window / d + 1;
                    for (int k = 0; k <= expectedExit; k++) {
                        boolean exits = ple.pause(SECONDARY, PLE, 0, t0 + (long) k * d, 128, window);
                        assertEquals(k == expectedExit, exits, "PAUSE " + k);
                    }
                });
    }

    @Test
    void pauseLoopDetectionRules() {
        PauseLoopExiting ple = new PauseLoopExiting();
        ple.vmEntry();
        int gap = 100;
        int window = 1000;
        assertFalse(ple.pause(SECONDARY, PLE, 0, 0, gap, window));
        assertFalse(ple.pause(SECONDARY, PLE, 0, 100, gap, window), "100 is not more than the gap");
        assertFalse(ple.pause(SECONDARY, PLE, 0, 201, gap, window), "101 > gap: a new loop starts at 201");
        assertFalse(ple.pause(SECONDARY, PLE, 3, 1100, gap, window), "CPL 3 PAUSEs do not take part");
        assertFalse(ple.pause(SECONDARY, PLE, 0, 1150, gap, window), "949 after the gap: new loop at 1150");
        for (long t = 1250; t <= 2150; t += 100) {
            assertFalse(ple.pause(SECONDARY, PLE, 0, t, gap, window), "t=" + t);
        }
        assertTrue(ple.pause(SECONDARY, PLE, 0, 2151, gap, window), "1001 after the loop's first PAUSE");
        ple.vmEntry();
        assertFalse(ple.pause(SECONDARY, PLE, 0, 2152, gap, window), "first PAUSE after VM entry starts a loop");
        assertTrue(ple.pause(PrimaryProcessorBasedControls.PAUSE_EXITING, 0, 3, 0, gap, window),
                "PAUSE exiting: every PAUSE exits, at any CPL");
        assertFalse(ple.pause(0, PLE, 0, 1L << 50, gap, window), "PLE is a secondary control");
        // Unsigned 32-bit gap and window.
        PauseLoopExiting wide = new PauseLoopExiting();
        wide.vmEntry();
        assertFalse(wide.pause(SECONDARY, PLE, 0, 0, -1, -1));
        assertFalse(wide.pause(SECONDARY, PLE, 0, 0xffffffffL, -1, -1));
        assertTrue(wide.pause(SECONDARY, PLE, 0, 0x100000000L, -1, -1));
    }
}
