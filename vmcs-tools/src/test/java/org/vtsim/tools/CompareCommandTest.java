package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.RunResult;
import org.w3c.dom.Document;

/**
 * {@code vtsim compare} on small guests: the files it writes agree with each other and with direct
 * machine runs, a failing run is a cell and not the end of the study, the plots are well-formed SVG.
 */
class CompareCommandTest {
    /** compute with small parameters: about 0.3 M instructions. */
    private static final String COMPUTE = "compute iters=1 n=64 mat=4 crc=256";

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private static Result vtsim(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    private static RunResult direct(String guest, String args, Mode mode) throws Exception {
        MachineConfig c = MachineConfig.defaults(OutputStream.nullOutputStream()).withAppend(args).withMode(mode);
        return Machine.boot(c, guest, Guests.image(guest)).run();
    }

    @Test
    void nativeAndEptOfTwoGuestsAgreeWithDirectRuns() throws Exception {
        Path out = dir.resolve("study");
        Result r = vtsim("compare", "hello", COMPUTE, "--mode", "native,ept", "--out", out.toString(), "-j", "2",
                "--progress", "lines");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        for (String f : List.of("results.csv", "results.json", "overhead.svg", "cycles.svg", "exits.svg",
                "index.html")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " written");
        }
        CsvTable csv = new CsvTable(Files.readString(out.resolve("results.csv")));
        assertEquals(4, csv.rows.size());
        for (String[] w : new String[][] {{"hello", "hello", Guests.defaultArgs("hello")},
            {COMPUTE, "compute", "iters=1 n=64 mat=4 crc=256"}}) {
            Map<String, String> nat = csv.row(w[0], "native");
            Map<String, String> ept = csv.row(w[0], "ept");
            RunResult dn = direct(w[1], w[2], Mode.NATIVE);
            RunResult de = direct(w[1], w[2], Mode.EPT);
            assertEquals(Long.toString(dn.cycles()), nat.get("cycles"), w[0]);
            assertEquals(Long.toString(de.cycles()), ept.get("cycles"), w[0]);
            assertEquals(Long.toString(de.exits()), ept.get("exits"), w[0]);
            assertEquals("1.0", nat.get("overhead_vs_native"));
            assertEquals((double) de.cycles() / dn.cycles(), Double.parseDouble(ept.get("overhead_vs_native")), 1e-12);
            assertEquals("", nat.get("exits"), "a native run has no exits column value");
            assertEquals("true", ept.get("same_output_as_native"));
            assertEquals(w[2], ept.get("args"));
            // per-reason counts add up to the total
            long sum = 0;
            for (Map.Entry<String, String> e : ept.entrySet()) {
                if (e.getKey().startsWith("exits.") && !e.getValue().isEmpty()) {
                    sum += Long.parseLong(e.getValue());
                }
            }
            assertEquals(de.exits(), sum, w[0]);
            assertEquals(Long.toString(de.memory().get("guest.pageFaults")), ept.get("guest_page_faults"));
            long misses = de.translation().getOrDefault("tlb.misses", 0L) + de.translation().getOrDefault("ept.walks", 0L);
            assertEquals(Long.toString(misses), ept.get("tlb_misses"));
            assertTrue(Long.parseLong(ept.get("memory.ept.tableBytes")) > 0, "EPT tables were built");
        }
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"schema\": \"vtsim-compare/1\""), json);
        assertTrue(json.contains("\"native_baseline\": true"), json);
        assertEquals(4, json.split("\"exits_by_reason\"", -1).length - 1, "one object per run");
        assertTrue(json.contains("\"cycles\": " + csv.row("hello", "ept").get("cycles")), json);
        // the text table: per workload, cycles and overhead
        assertTrue(r.out().contains("== hello"), r.out());
        assertTrue(r.out().contains("overhead vs native"), r.out());
        assertTrue(r.out().contains("IO_INSTRUCTION"), r.out());
        // one progress line per run on a stderr that is not a terminal
        assertEquals(4, r.err().lines().filter(l -> l.matches("vtsim: \\[\\d/4\\] .*")).count(), r.err());
        for (Path svg : svgs(out)) {
            Document d = parse(svg);
            assertEquals("svg", d.getDocumentElement().getTagName(), svg.toString());
        }
        String overhead = Files.readString(out.resolve("overhead.svg"));
        assertTrue(overhead.contains(">native</text>") && overhead.contains(">ept</text>"), "legend names the modes");
        assertTrue(overhead.contains(">" + COMPUTE + "</text>"), "categories are labelled");
        String html = Files.readString(out.resolve("index.html"));
        for (Path svg : svgs(out)) {
            assertTrue(html.contains("src=\"" + svg.getFileName() + "\""), svg + " embedded");
        }
        assertTrue(html.contains("href=\"results.csv\"") && html.contains("<table>"), html);
    }

    @Test
    void aFailingRunIsACellNotTheEndOfTheStudy() throws Exception {
        Path out = dir.resolve("fail");
        // vmx-basic is a hypervisor: under the monitor it would need nested VMX, which is refused; hello with a
        // tiny instruction limit ends by the limit; shadow is reported whatever its state.
        Result r = vtsim("compare", "hello", "vmx-basic", "--mode", "native,ept,shadow", "--out", out.toString(),
                "--progress", "none", "--max-instructions", "300000");
        assertEquals(ExitStatus.STUDY_INCOMPLETE, r.status(), r.err());
        CsvTable csv = new CsvTable(Files.readString(out.resolve("results.csv")));
        assertEquals(6, csv.rows.size());
        Map<String, String> nested = csv.row("vmx-basic", "ept");
        assertEquals("UNSUPPORTED", nested.get("outcome"));
        assertTrue(nested.get("detail").contains("nested VMX"), nested.get("detail"));
        assertEquals("", nested.get("cycles"));
        assertEquals("", nested.get("overhead_vs_native"));
        Map<String, String> limited = csv.row("hello", "native");
        assertEquals("LIMIT_REACHED", limited.get("outcome"));
        assertEquals("300000", limited.get("instructions"), "figures up to the limit are kept");
        assertEquals("", csv.row("hello", "ept").get("overhead_vs_native"), "no overhead against a cut-short run");
        Map<String, String> shadow = csv.row("hello", "shadow");
        if (!shadow.get("outcome").equals("LIMIT_REACHED")) {
            assertFalse(shadow.get("detail").isEmpty(), "a failed shadow run says why: " + shadow);
            assertTrue(r.out().contains("shadow: " + shadow.get("detail").substring(0, 20)), r.out());
        }
        assertTrue(r.out().contains("ept: unsupported:"), r.out());
        assertTrue(r.out().contains("native: limit: instruction limit of 300000 reached"), r.out());
        for (Path svg : svgs(out)) {
            parse(svg);
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("nested VMX"), "the HTML report carries the detail");
    }

    @Test
    void withoutNativeTheHeaderSaysThereIsNoOverhead() throws Exception {
        Path out = dir.resolve("nonative");
        Result r = vtsim("compare", COMPUTE, "--mode", "ept", "--out", out.toString(), "--progress", "none",
                "--no-plots");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        assertTrue(r.out().startsWith("note: native is not among the modes"), r.out());
        assertFalse(Files.exists(out.resolve("overhead.svg")));
        assertFalse(Files.exists(out.resolve("index.html")), "--no-plots: CSV and JSON only");
        assertEquals("", new CsvTable(Files.readString(out.resolve("results.csv"))).row(COMPUTE, "ept")
                .get("overhead_vs_native"));
    }

    @Test
    void aSweepRunsEveryValueAndPlotsAgainstIt() throws Exception {
        Path out = dir.resolve("sweep");
        Result r = vtsim("compare", "memwalk touches=3000", "--sweep", "ws=64,512", "--mode", "native,ept", "--out",
                out.toString(), "--progress", "none");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        CsvTable csv = new CsvTable(Files.readString(out.resolve("results.csv")));
        assertEquals(4, csv.rows.size());
        Map<String, String> small = csv.row("memwalk touches=3000 ws=64", "ept");
        assertEquals("touches=3000 ws=64", small.get("args"));
        assertEquals("ws", small.get("sweep"));
        assertEquals("64", small.get("sweep_value"));
        RunResult direct = direct("memwalk", "touches=3000 ws=512", Mode.EPT);
        assertEquals(Long.toString(direct.cycles()), csv.row("memwalk touches=3000 ws=512", "ept").get("cycles"));
        Path lines = out.resolve("sweep-memwalk_touches_3000-cycles.svg");
        assertTrue(Files.isRegularFile(lines), "line plot written");
        parse(lines);
        String svg = Files.readString(lines);
        assertTrue(svg.contains(">64</text>") && svg.contains(">512</text>") && svg.contains(">ws</text>"), svg);
        assertTrue(svg.contains("<polyline"), svg);
        assertTrue(Files.isRegularFile(out.resolve("sweep-memwalk_touches_3000-overhead.svg")));
    }

    @Test
    void theProcessCountAxisSwitchesAddressSpacesWithoutChangingTheOutput() throws Exception {
        Path out = dir.resolve("procs");
        Result r = vtsim("compare", "memwalk ws=64 touches=3000 switch=100", "--sweep", "procs=1,4", "--mode",
                "native,ept", "--out", out.toString(), "--progress", "none", "--no-plots");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        CsvTable csv = new CsvTable(Files.readString(out.resolve("results.csv")));
        String w = "memwalk ws=64 touches=3000 switch=100";
        Map<String, String> one = csv.row(w + " procs=1", "native");
        Map<String, String> four = csv.row(w + " procs=4", "native");
        // 3000 touches, a CR3 load every 100: 30 switches, each a TLB flush (SDM Vol. 3A 4.10.4.1)
        long extra = Long.parseLong(four.get("translation.invalidations"))
                - Long.parseLong(one.get("translation.invalidations"));
        assertTrue(extra >= 30, "address-space switches flush: " + extra);
        assertEquals("true", csv.row(w + " procs=4", "ept").get("same_output_as_native"));
        assertTrue(Long.parseLong(four.get("tlb_misses")) > Long.parseLong(one.get("tlb_misses")));
    }

    @Test
    void hostPageSweepSharesTheNativeRunAndForces4KiBMappings() throws Exception {
        Path out = dir.resolve("host");
        Result r = vtsim("compare", "memwalk ws=4096 pages=2m touches=2000", "--sweep", "host-pages=4k,2m", "--mode",
                "native,ept", "--out", out.toString(), "--progress", "lines", "--no-plots");
        assertEquals(ExitStatus.OK, r.status(), r.err());
        assertEquals(3, r.err().lines().filter(l -> l.startsWith("vtsim: [")).count(), "native runs once: " + r.err());
        CsvTable csv = new CsvTable(Files.readString(out.resolve("results.csv")));
        String w = "memwalk ws=4096 pages=2m touches=2000";
        Map<String, String> small = csv.row(w + " host-pages=4k", "ept");
        Map<String, String> large = csv.row(w + " host-pages=2m", "ept");
        assertEquals("4k", small.get("host_pages"));
        assertEquals("0", small.get("memory.ept.populated2m"), "4 KiB host pages only");
        assertTrue(Long.parseLong(large.get("memory.ept.populated2m")) > 0, "2 MiB host pages used");
        assertEquals(csv.row(w + " host-pages=4k", "native").get("cycles"), csv.row(w + " host-pages=2m", "native")
                .get("cycles"));
        assertNotEquals(small.get("cycles"), large.get("cycles"));
    }

    @Test
    void theOutputIsTheSameWhateverTheNumberOfJobs() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String[] common = {"compare", "hello", COMPUTE, "--mode", "native,ept", "--progress", "none", "--out"};
        assertEquals(ExitStatus.OK, vtsim(concat(common, a.toString(), "-j", "1")).status());
        assertEquals(ExitStatus.OK, vtsim(concat(common, b.toString(), "-j", "2")).status());
        for (Path f : files(a)) {
            if (!f.getFileName().toString().equals("index.html")) { // it quotes the command line, which differs
                assertEquals(Files.readString(f), Files.readString(b.resolve(f.getFileName())), f.toString());
            }
        }
        assertEquals(files(a).size(), files(b).size());
    }

    @Test
    void badCommandLinesAreOneLineUsageErrors() {
        for (String[] args : new String[][] {{"compare", "hello", "--mode", "turbo"},
            {"compare", "hello", "--mode", "ept,ept"}, {"compare", "hello", "--sweep", "ws"},
            {"compare", "hello", "--sweep", "host-pages=1g"}, {"compare", "nosuchguest"},
            {"compare", "hello", "hello"}, {"compare", "hello", "--jobs", "0"},
            {"compare", "hello", "--sweep", "host-pages=4k", "--no-host-large-pages"}}) {
            Result r = vtsim(args);
            assertEquals(ExitStatus.USAGE, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static List<Path> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    private static List<Path> svgs(Path d) throws Exception {
        return files(d).stream().filter(p -> p.toString().endsWith(".svg")).toList();
    }

    static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(svg.toFile());
    }
}
