package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.vtsim.guests.Guests;

/** {@code vtsim run --vmx}: the guest-side hypervisor needs VMX, a native guest does not get it. */
class RunVmxOptionTest {
    private static final int GUEST_OK = 1;

    private static int run(StringWriter err, String... args) {
        return Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    @Test
    void bundledVmxGuestGetsVmxByDefaultAndSucceeds() {
        StringWriter err = new StringWriter();
        assertEquals(GUEST_OK, run(err, "run", "vmx-basic"), err.toString());
    }

    @Test
    void withoutVmxTheHypervisorGuestReportsItAndFails() {
        // CPUID.1:ECX.VMX = 0: the guest says so and exits with its failure status, not vtsim's.
        StringWriter err = new StringWriter();
        int status = run(err, "run", "vmx-basic", "--no-vmx");
        assertTrue(status % 2 == 1 && status != GUEST_OK, "status " + status + "\n" + err);
    }

    @Test
    void vmxGuestsAreListed() {
        assertTrue(Guests.allNames().contains("vmx-basic"));
        StringWriter out = new StringWriter();
        assertEquals(ExitStatus.OK, Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter()),
                "guests"));
        assertTrue(out.toString().contains("vmx-basic"), out.toString());
    }
}
