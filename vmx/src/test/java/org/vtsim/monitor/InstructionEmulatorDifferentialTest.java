package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.StopReason;

/**
 * Equivalence of emulation and execution: for random operands, every instruction form the monitor's
 * {@link InstructionEmulator} handles leaves registers, RIP, RFLAGS and memory (the device it reached and
 * RAM) exactly as the processor model executing the same bytes natively does. The native run reaches the
 * device through the CPU's own MMIO path and unassigned memory through the PC's address space
 * ({@code PcPhysicalMemory}); the monitored run both through EPT violations and the emulator.
 */
class InstructionEmulatorDifferentialTest {
    static final int EXAMPLES = 700;

    @Test
    void emulatedInstructionsLeaveTheStateTheProcessorLeaves() {
        int[] emulatedCases = new int[1];
        qt().withExamples(EXAMPLES).forAll(integers().between(0, EmulatedInstructionGen.FAMILIES.length - 1),
                booleans().all(), booleans().all(), longs().all()).checkAssert((family, mode64, unassigned, seed) -> {
                    EmulatedInstructionGen.Case c = draw(EmulatedInstructionGen.FAMILIES[family], mode64,
                            unassigned ? EmulatorRig.UNASSIGNED : EmulatorRig.SCRATCH, seed);
                    EmulatorRig.Result nat = EmulatorRig.run(false, c.mode64(), c.code(), c.regs(), c.rflags(),
                            c.scratch(), c.ram());
                    EmulatorRig.Result emu = EmulatorRig.run(true, c.mode64(), c.code(), c.regs(), c.rflags(),
                            c.scratch(), c.ram());
                    String what = c.family() + (c.mode64() ? " 64-bit " : " 32-bit ") + (unassigned ? "unassigned " : "")
                            + c.hex() + " seed " + seed;
                    assertEquals(StopReason.HALTED, nat.stop(), () -> what + ": native " + nat.detail());
                    assertTrue(nat.sameAs(emu), () -> what + ": native vs monitor\n" + nat.difference(emu)
                            + "native  " + nat.state() + "\nmonitor " + emu.state());
                    if (emu.emulatedAccesses() > 0) { // under EPT only the emulator reaches the device
                        emulatedCases[0]++;
                    }
                });
        // Every form reaches the device or unassigned memory (a REP with a count of 0 does not): the
        // emulator really ran.
        assertTrue(emulatedCases[0] > EXAMPLES * 9 / 10, emulatedCases[0] + " of " + EXAMPLES + " cases exited");
    }

    /** The case for {@code seed}, drawing again while the draw is unusable. */
    static EmulatedInstructionGen.Case draw(String family, boolean mode64, long window, long seed) {
        for (long s = seed;; s++) {
            try {
                return EmulatedInstructionGen.generate(s, family, mode64, window);
            } catch (EmulatedInstructionGen.Retry r) {
                // the reg operand was the base register: next seed
            }
        }
    }
}
