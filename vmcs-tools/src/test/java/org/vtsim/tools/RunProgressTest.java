package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code vtsim run --progress}: a nonsense value is a usage error; a short run prints no progress line. */
class RunProgressTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void aNonsenseValueIsAUsageError() {
        String[] r = run("run", "hello", "--progress", "sometimes");
        assertEquals(Integer.toString(ExitStatus.USAGE), r[0]);
        assertTrue(r[1].contains("--progress"), r[1]);
    }

    @Test
    void aShortRunPrintsNoProgressLine() {
        String[] r = run("run", "hello", "--progress", "lines");
        assertEquals("1", r[0], r[1]);
        assertTrue(!r[1].contains(" MIPS, "), r[1]);
    }
}
