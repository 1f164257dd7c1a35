package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vtsim run} under the monitor (the default mode): summary lines, statistics files, trace. */
class RunStatsTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void eptIsTheDefaultAndTheSummaryCountsExits() {
        String[] r = run("run", "hello");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].matches("(?s).*mode\\s+ept\\n.*"), r[1]);
        assertTrue(r[1].matches("(?s).*VM exits\\s+[1-9][0-9,]*\\n.*"), r[1]);
        assertTrue(r[1].contains("exits per million instr."), r[1]);
        assertTrue(r[1].matches("(?s).*instructions without an exit\\s+\\d{1,3}\\.\\d\\d %\\n.*"), r[1]);
    }

    @Test
    void theExitFreeShareIsTruncatedNotRounded() {
        assertEquals("99.99", RunSummary.percent(0.999_96));
        assertEquals("100.00", RunSummary.percent(1.0));
        assertEquals("0.00", RunSummary.percent(0.0));
    }

    @Test
    void nativeModeHasNoExitLines() {
        String[] r = run("run", "hello", "--mode", "native");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].matches("(?s).*mode\\s+native\\n.*"), r[1]);
        assertTrue(!r[1].contains("VM exits"), r[1]);
    }

    @Test
    void statsTablesJsonCsvAndTraceAreWritten() throws Exception {
        Path json = dir.resolve("s.json");
        Path csv = dir.resolve("s.csv");
        Path trace = dir.resolve("t.json");
        String[] r = run("run", "hello", "--stats", "--sort", "time", "--stats-json", json.toString(), "--stats-csv",
                csv.toString(), "--trace", trace.toString());
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("Analyze events for all VMs"), r[1]);
        assertTrue(r[1].contains("IO_INSTRUCTION"), r[1]);
        assertTrue(r[1].indexOf("Analyze events") > r[1].indexOf("host time"), "table after the summary");
        String j = Files.readString(json);
        assertTrue(j.contains("\"schema\": \"vtsim-exit-stats/1\""), j);
        assertTrue(Files.readString(csv).startsWith("table,key,number,count"));
        String t = Files.readString(trace).strip();
        assertTrue(t.startsWith("[") && t.endsWith("]") && t.contains("\"IO_INSTRUCTION\""), t);
    }

    @Test
    void aRunCutShortStillWritesItsStatistics() throws Exception {
        Path json = dir.resolve("limit.json");
        Path trace = dir.resolve("limit-trace.json");
        String[] r = run("run", "hello", "--max-instructions", "20000", "--stats-json", json.toString(), "--trace",
                trace.toString());
        assertEquals(Integer.toString(ExitStatus.LIMIT_REACHED), r[0], r[1]);
        assertTrue(Files.readString(json).contains("\"guest_instructions\": 20000"), Files.readString(json));
        String t = Files.readString(trace).strip();
        assertTrue(t.startsWith("[") && t.endsWith("]"), t);
    }

    @Test
    void statisticsNeedEpt() {
        String[] r = run("run", "hello", "--mode", "native", "--stats");
        assertEquals(Integer.toString(ExitStatus.USAGE), r[0], r[1]);
        assertTrue(r[1].contains("need --mode ept"), r[1]);
    }

    @Test
    void aGuestHypervisorRunsNativelyByDefaultAndRefusesEpt() {
        String[] r = run("run", "vmx-basic", "--mode", "ept");
        assertEquals(Integer.toString(ExitStatus.USAGE), r[0], r[1]);
        assertTrue(r[1].contains("nested VMX"), r[1]);
    }
}
