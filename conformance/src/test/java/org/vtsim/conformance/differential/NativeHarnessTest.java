package org.vtsim.conformance.differential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The native oracle itself: it runs what it is given, and generated sequences never fault on it. */
class NativeHarnessTest {
    static Path source() {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/test/c/diff_harness.c");
    }

    @Test
    void runsAKnownSequence() throws Exception {
        String reason = NativeHarness.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
        try (NativeHarness h = NativeHarness.build(source())) {
            long[] regs = new long[16];
            regs[Reg.RAX] = 0xffff_ffff_ffff_fffeL;
            regs[Reg.RBX] = 3;
            regs[Reg.RSP] = Layout.STACK_INIT;
            // add rax,rbx ; push rax ; mov BYTE PTR [rip->DATA], 0x5a
            byte[] code = {0x48, 0x01, (byte) 0xd8, 0x50, (byte) 0xc6, 0x05, 0, 0, 0, 0, 0x5a};
            long rel = Layout.DATA - (Layout.CODE + code.length);
            System.arraycopy(Encoder.imm(rel, 4), 0, code, 6, 4);
            TestCase c = new TestCase(1, regs, Flags.FIXED, 42, code, List.of(), 0, false);
            MachineState s = h.run(List.of(c)).get(0);
            assertEquals(MachineState.NO_FAULT, s.fault(), s.note());
            assertEquals(1, s.regs()[Reg.RAX]);
            assertEquals(Layout.STACK_INIT - 8, s.regs()[Reg.RSP]);
            assertEquals(Flags.CF, s.rflags() & Flags.ARITH & (Flags.CF | Flags.ZF | Flags.SF | Flags.OF));
            byte[] mem = TestCase.initialMemory(42);
            mem[0] = 0x5a;
            mem[(int) (Layout.STACK_INIT - 8 - Layout.DATA)] = 1;
            for (int i = 1; i < 8; i++) {
                mem[(int) (Layout.STACK_INIT - 8 - Layout.DATA) + i] = 0;
            }
            assertArrayEquals(mem, s.memory());
        }
    }

    @Test
    void generatedSequencesFaultNativelyExactlyWhenMeantTo() throws Exception {
        String reason = NativeHarness.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "skipped: " + reason);
        try (NativeHarness h = NativeHarness.build(source())) {
            SequenceGenerator gen = new SequenceGenerator(EnumSet.allOf(Family.class), h.features, 16);
            List<TestCase> cases = new ArrayList<>();
            int n = Integer.getInteger("vtsim.diff.nativeCount", 5000);
            for (int i = 0; i < n; i++) {
                cases.add(gen.generate(0xabc0000L + i));
            }
            List<MachineState> out = h.run(cases);
            List<String> faults = new ArrayList<>();
            int deliberate = 0;
            for (int i = 0; i < n; i++) {
                TestCase c = cases.get(i);
                MachineState s = out.get(i);
                // A deliberate #DE is the last instruction; nothing else may fault.
                boolean ok = c.expectsFault()
                        ? s.fault() == 0 && s.faultRip() == c.insns().get(c.insns().size() - 1).address()
                        : s.fault() == MachineState.NO_FAULT;
                deliberate += c.expectsFault() ? 1 : 0;
                if (!ok && faults.size() < 10) {
                    faults.add(String.format("seed %x: %s at %x%n%s", c.seed(), s.note(), s.faultRip(), c.listing()));
                }
            }
            assertEquals(List.of(), faults);
            assertTrue(deliberate > 0, "no deliberate #DE case generated");
        }
    }
}
