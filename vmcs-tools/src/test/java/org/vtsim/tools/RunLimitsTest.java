package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A run cut short by a limit ends with its own status and still prints the whole summary. */
class RunLimitsTest {
    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void instructionLimitEndsTheRunWithStatus6AndASummary() {
        String[] r = run("run", "compute", "--max-instructions", "5000");
        assertEquals(Integer.toString(ExitStatus.LIMIT_REACHED), r[0], r[1]);
        assertTrue(r[1].contains("instruction limit of 5000 reached"), r[1]);
        assertTrue(r[1].matches("(?s).*instructions\\s+5,000\\n.*"), r[1]);
        assertTrue(r[1].contains("simulated cycles"), r[1]);
    }

    @Test
    void hostTimeLimitEndsTheRunWithStatus6AndASummary() {
        String[] r = run("run", "compute", "--append", "iters=100000", "--timeout", "0.2");
        assertEquals(Integer.toString(ExitStatus.LIMIT_REACHED), r[0], r[1]);
        assertTrue(r[1].contains("host time limit reached"), r[1]);
        assertTrue(r[1].contains("simulated cycles"), r[1]);
    }

    @Test
    void guestExceptionIsTheGuestsOwnStatus() {
        // The kit reports an unexpected exception on the serial port and exits with code 2.
        String[] r = run("run", "hello", "--append", "fault=ud");
        assertEquals("5", r[0], r[1]);
    }
}
