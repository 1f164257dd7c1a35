package org.vtsim.conformance.exits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * Popek and Goldberg's efficiency property for the monitor: for {@code compute} (default arguments)
 * under EPT, the share of guest instructions that ran without a VM exit is at least 99.9 %. The share
 * is what the run summary prints ("instructions without an exit"), {@link
 * RunResult#instructionsWithoutExitShare()}: instructions / (instructions + exits).
 */
class EfficiencyTest {
    @Test
    void computeRunsAtLeast999PerMilleOfItsInstructionsWithoutAnExit() throws Exception {
        MachineConfig config = MachineConfig.defaults(new ByteArrayOutputStream()).withAppend(Guests.defaultArgs("compute"))
                .withMaxInstructions(2_000_000_000L);
        RunResult nat = Machine.boot(config.withMode(Mode.NATIVE), "compute", Guests.image("compute")).run();
        RunResult ept = Machine.boot(config.withMode(Mode.EPT), "compute", Guests.image("compute")).run();
        assertEquals(Outcome.GUEST_EXIT, ept.outcome(), ept::detail);
        assertEquals(1, ept.exitStatus());
        assertTrue(ept.exits() > 0, "no exit: compute did not run under the monitor");
        // The share's premise: an exiting instruction is emulated, not retired by the guest, so the
        // native count is the EPT count plus (at most) one instruction per exit.
        assertTrue(nat.instructions() >= ept.instructions() && nat.instructions() - ept.instructions() <= ept.exits(),
                () -> "native " + nat.instructions() + " vs EPT " + ept.instructions() + " + " + ept.exits() + " exits");
        double share = ept.instructionsWithoutExitShare();
        System.out.printf("compute under EPT: %,d instructions, %,d exits, instructions without an exit %.4f %%%n",
                ept.instructions(), ept.exits(), share * 100);
        assertTrue(share >= 0.999, () -> "only " + share * 100 + " % of compute's instructions ran without an exit");
        assertEquals(1.0, nat.instructionsWithoutExitShare(), "natively nothing exits");
    }
}
