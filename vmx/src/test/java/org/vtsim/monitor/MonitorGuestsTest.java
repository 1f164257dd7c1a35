package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * Bundled guests under the monitor: the same serial output and outcome as natively (hello: I/O and CR0
 * emulation on the way to long mode; timer: PIT interrupts injected, STI;HLT woken; vmexit: every exit
 * microbenchmark including xAPIC MMIO and the VMCALL hypercall). The whole set is in conformance's
 * NativeEptEquivalenceTest.
 */
class MonitorGuestsTest {
    static final Path IMAGES = Path.of("..", "guests", "images");

    static RunResult run(String name, Mode mode, ByteArrayOutputStream out) throws Exception {
        Path image = IMAGES.resolve(name + ".elf");
        Path argsFile = IMAGES.resolve(name + ".args");
        String args = Files.exists(argsFile) ? Files.readString(argsFile).strip() : "";
        MachineConfig config = MachineConfig.defaults(out).withAppend(args).withMaxInstructions(300_000_000)
                .withMode(mode);
        return Machine.boot(config, name + ".elf", Files.readAllBytes(image)).run();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "timer", "vmexit"})
    void sameOutputNativeAndEpt(String name) throws Exception {
        ByteArrayOutputStream nativeOut = new ByteArrayOutputStream();
        RunResult n = run(name, Mode.NATIVE, nativeOut);
        ByteArrayOutputStream eptOut = new ByteArrayOutputStream();
        RunResult e = run(name, Mode.EPT, eptOut);
        System.out.println(name + ": native " + n.outcome() + " " + n.detail() + " cycles " + n.cycles() + "; ept "
                + e.outcome() + " " + e.detail() + " cycles " + e.cycles() + " exits " + e.exits() + "\n" + e.report());
        // vmexit's VMCALL probe: #UD natively, a hypercall under the monitor (docs/hypercalls.md).
        String expected = nativeOut.toString().replace("vmcall: not in a VM\n", "vmcall: 10000 iterations\n");
        assertEquals(expected, eptOut.toString());
        assertEquals(Outcome.GUEST_EXIT, e.outcome(), e.detail());
        assertEquals(n.exitStatus(), e.exitStatus());
        assertTrue(e.exits() > 0);
    }
}
