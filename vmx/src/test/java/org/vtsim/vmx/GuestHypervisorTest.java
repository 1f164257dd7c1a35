package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * The guest-side hypervisor of the guests module (guests/workloads/vmx-basic.c, committed image)
 * runs unchanged on the model: VMXON, capability MSRs, VMX instruction errors, VM-entry failures,
 * and a nested 64-bit guest whose exits it handles in x86 code, each compared with the SDM.
 */
class GuestHypervisorTest {
    private static final Path IMAGE = Path.of("..", "guests", "images", "vmx-basic.elf");
    /** Written from the SDM for the model CPU's capability MSRs (guests/README.md). */
    private static final Path EXPECTED = Path.of("..", "guests", "expected", "vmx-basic.txt");

    @Test
    void vmxBasicRunsWithNoMismatch() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = Machine.boot(MachineConfig.defaults(out).withVmx(true).withMaxInstructions(50_000_000),
                "vmx-basic.elf", Files.readAllBytes(IMAGE));
        RunResult r = m.run();
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Outcome.GUEST_EXIT, r.outcome(), r.detail() + "\n" + text);
        assertTrue(text.contains("34 checks, 0 mismatches with the SDM, 9 exits handled"), text);
        assertTrue(text.contains("exit 3: reason 30 (I/O instruction), qualification 0x800040, length 2"), text);
        // Every line, including the capability MSR values it read, is what the expected file says.
        assertEquals(Files.readString(EXPECTED), text);
    }
}
