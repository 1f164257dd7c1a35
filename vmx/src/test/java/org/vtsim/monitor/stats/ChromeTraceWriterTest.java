package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.IoQualification;

class ChromeTraceWriterTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(String text) {
        return (List<Map<String, Object>>) (List<?>) MiniJson.parse(text);
    }

    @Test
    void completeEventsInSimulatedMicroseconds(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trace.json");
        ExitRecorder rec = new ExitRecorder(ChromeTraceWriter.open(file, 2000, 100)); // 2 GHz: 2000 cycles/µs
        rec.entry(0);
        long q = IoQualification.encode(1, false, false, false, true, 0x80);
        rec.exit(3000, ExitReason.IO_INSTRUCTION.number, q, 0x10203, 9, ExitDetail.io(0x80, 1, false));
        rec.entry(3000 + 4001);
        rec.finish(20000, 10);
        List<Map<String, Object>> ev = events(Files.readString(file));
        assertEquals(3, ev.size(), "two metadata events and one exit");
        assertEquals("M", ev.get(0).get("ph"));
        Map<String, Object> x = ev.get(2);
        assertEquals("IO_INSTRUCTION", x.get("name"));
        assertEquals("X", x.get("ph"));
        assertEquals(1.5, MiniJson.num(x.get("ts")));      // 3000 cycles / 2000 per µs
        assertEquals(2.001, MiniJson.num(x.get("dur")), 1e-12); // 4001 cycles = 2000.5 ns, rounded to 2001 ns
        @SuppressWarnings("unchecked")
        Map<String, Object> args = (Map<String, Object>) x.get("args");
        assertEquals(30L, args.get("reason"));
        assertEquals("0x10203", args.get("rip"));
        assertEquals("0x" + Long.toHexString(q), args.get("qualification"));
        assertEquals("OUT imm8, 1 byte, port 0x80", args.get("describe"));
        assertEquals("0x80:POUT:1", args.get("detail"));
        assertEquals(3000L, args.get("exit_cycle"));
        assertEquals(4001L, args.get("handling_cycles"));
    }

    @Test
    void capDropsAndRecordsTheCount() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChromeTraceWriter w = new ChromeTraceWriter(out, 1000, 3);
        for (int i = 0; i < 10; i++) {
            w.exit(i * 100L, 10, ExitReason.CPUID.number, 0, 0, ExitDetail.NONE);
        }
        w.close();
        w.close();
        assertEquals(3, w.written());
        assertEquals(7, w.dropped());
        List<Map<String, Object>> ev = events(out.toString(StandardCharsets.UTF_8));
        assertEquals(2 + 3 + 1, ev.size());
        Map<String, Object> last = ev.get(ev.size() - 1);
        assertEquals("dropped 7 events", last.get("name"));
        assertEquals("i", last.get("ph"));
        assertEquals(0.91, MiniJson.num(last.get("ts")), 1e-12); // end of the last exit seen: 910 cycles
        assertThrows(IllegalStateException.class, () -> w.exit(0, 1, 10, 0, 0, 0));
    }

    /**
     * Whatever the stream has received at any moment — which is all a crashed run leaves — is the
     * opening bracket and whole events: adding the closing bracket always gives valid JSON.
     */
    @Test
    void everyPrefixTheStreamSeesIsATruncatedValidArray() {
        List<Integer> boundaries = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        OutputStream spy = new OutputStream() {
            @Override
            public void write(int b) {
                all.write(b);
                boundaries.add(all.size());
            }

            @Override
            public void write(byte[] b, int off, int len) {
                all.write(b, off, len);
                boundaries.add(all.size());
            }
        };
        ChromeTraceWriter w = new ChromeTraceWriter(spy, 3000, 1_000_000);
        for (int i = 0; i < 5000; i++) { // several buffer flushes
            w.exit(i * 1000L, 100 + i, ExitReason.HLT.number, 0, 0xffffffff80001000L + i, ExitDetail.NONE);
        }
        int before = boundaries.size();
        assertTrue(before >= 2, "the buffer was flushed during the run");
        String text = all.toString(StandardCharsets.UTF_8);
        for (int k = 0; k < before; k++) {
            String prefix = text.substring(0, boundaries.get(k));
            int n = events(prefix + "]").size();
            assertTrue(n >= 2, "metadata first");
        }
        w.close();
        assertEquals(5002, events(all.toString(StandardCharsets.UTF_8)).size());
    }

    @Test
    void rejectsNonsenseConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new ChromeTraceWriter(new ByteArrayOutputStream(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ChromeTraceWriter(new ByteArrayOutputStream(), 1, -1));
    }
}
