package org.vtsim.conformance.equivalence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * Popek and Goldberg's equivalence property for the monitor: every bundled guest, with its default
 * arguments, prints the same serial output and ends with the same outcome and exit status natively and
 * unmodified under the monitor with EPT. One line differs by design: the {@code vmexit} guest's VMCALL
 * probe, which natively raises #UD ("vmcall: not in a VM") and under the monitor is a hypercall
 * (docs/hypercalls.md) — the only line allowed to differ, and only in that way.
 */
class NativeEptEquivalenceTest {
    static final long LIMIT = 2_000_000_000L;

    static Stream<String> guests() {
        return Guests.NAMES.stream();
    }

    record Run(RunResult result, String output) {
    }

    static Run run(String name, String args, Mode mode) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.defaults(serial).withAppend(args).withMaxInstructions(LIMIT)
                .withMode(mode);
        RunResult r = Machine.boot(config, name, Guests.image(name)).run();
        return new Run(r, serial.toString(StandardCharsets.ISO_8859_1));
    }

    /** The native output with the one line a VMM changes by design replaced by what the monitor prints. */
    static String expectedUnderMonitor(String name, String nativeOutput) {
        if (!name.equals("vmexit")) {
            return nativeOutput;
        }
        String probe = "vmcall: not in a VM\n";
        assertTrue(nativeOutput.contains(probe), "native vmexit output has no VMCALL probe line");
        return nativeOutput.replace(probe, "vmcall: " + iterations(nativeOutput) + " iterations\n");
    }

    private static String iterations(String vmexitOutput) {
        // The other tests report "<test>: N iterations" with the same iteration count.
        for (String line : vmexitOutput.split("\n")) {
            if (line.startsWith("cpuid: ") && line.endsWith(" iterations")) {
                return line.substring("cpuid: ".length(), line.length() - " iterations".length());
            }
        }
        throw new AssertionError("no cpuid line in the vmexit output");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guests")
    void sameOutputAndStatusNativelyAndUnderEpt(String name) throws Exception {
        String args = Guests.defaultArgs(name);
        Run n = run(name, args, Mode.NATIVE);
        Run e = run(name, args, Mode.EPT);
        assertEquals(Outcome.GUEST_EXIT, n.result().outcome(), () -> "native: " + n.result().detail());
        assertEquals(expectedUnderMonitor(name, n.output()), e.output(), () -> name + " under EPT: "
                + e.result().outcome() + " " + e.result().detail() + "\n" + e.result().report());
        assertEquals(n.result().outcome(), e.result().outcome(), () -> e.result().detail());
        assertEquals(n.result().exitStatus(), e.result().exitStatus());
        assertTrue(e.result().exits() > 0, "the monitor saw no exit: the guest did not run under it");
        System.out.printf("equivalence %-9s native %,14d cycles | ept %,14d cycles (x%.2f) %,9d exits, %.1f per "
                + "million instructions%n", name, n.result().cycles(), e.result().cycles(),
                (double) e.result().cycles() / n.result().cycles(), e.result().exits(),
                e.result().exitsPerMillionInstructions());
    }
}
