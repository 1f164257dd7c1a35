package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(ExitStatus.USAGE, Main.execute("frobnicate"));
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertEquals(ExitStatus.USAGE, Main.execute());
    }

    @Test
    void costsPrintsTheProfile() {
        assertEquals(ExitStatus.OK, Main.execute("costs"));
    }

    @Test
    void costsWithAMissingProfileFileFails() {
        assertEquals(ExitStatus.USAGE, Main.execute("costs", "--profile", "/nonexistent/profile.properties"));
    }
}
