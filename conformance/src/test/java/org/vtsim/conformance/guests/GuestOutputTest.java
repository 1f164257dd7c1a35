package org.vtsim.conformance.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * Every bundled guest, run natively on the model with its default arguments, prints exactly
 * what the same C code prints when compiled for the host ({@code guests/expected/}) and ends
 * through the exit device with the success status.
 */
class GuestOutputTest {
    static Stream<String> guests() {
        return Guests.NAMES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void printsWhatTheHostBuildPrints(String name) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.defaults(serial).withAppend(Guests.defaultArgs(name))
                .withMaxInstructions(2_000_000_000L);
        RunResult r = Machine.boot(config, name, Guests.image(name)).run();
        String out = serial.toString(StandardCharsets.ISO_8859_1);
        assertEquals(Guests.expectedOutput(name), out, () -> name + " output differs; run ended: " + r.outcome()
                + " " + r.detail() + " after " + r.instructions() + " instructions; unimplemented: "
                + r.unimplemented());
        assertEquals(Outcome.GUEST_EXIT, r.outcome(), r::detail);
        assertEquals(Guests.STATUS_OK, r.exitStatus());
    }
}
