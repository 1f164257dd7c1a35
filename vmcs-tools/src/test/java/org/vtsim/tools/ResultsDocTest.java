package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/results.md quotes the study's tables; they must be the tool's output, not typed in. Every line of a
 * quoted block must appear, in order, in the file the block names, and the default suite's file must be what
 * {@code vtsim compare} prints for the model as it is now (the command of docs/results/run-study.sh).
 */
class ResultsDocTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Pattern QUOTE = Pattern.compile(
            "<!-- quoted from docs/(results/[\\w.-]+\\.txt) -->\\n```text\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void everyQuotedBlockIsInItsFileInOrder() throws Exception {
        String doc = Files.readString(DOCS.resolve("results.md"));
        Matcher m = QUOTE.matcher(doc);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            List<String> source = Files.readAllLines(DOCS.resolve(m.group(1)));
            int at = 0;
            for (String line : m.group(2).split("\n")) {
                while (at < source.size() && !source.get(at).equals(line)) {
                    at++;
                }
                assertTrue(at < source.size(), "docs/results.md quotes a line that is not (in that order) in docs/"
                        + m.group(1) + ": '" + line + "' — regenerate with bash docs/results/run-study.sh");
                at++;
            }
        }
        assertTrue(blocks >= 6, "found " + blocks + " quoted blocks in docs/results.md");
    }

    @Test
    void theDefaultSuiteIsWhatTheModelGivesToday(@TempDir Path out) throws Exception {
        StringWriter tables = new StringWriter();
        int status = Main.execute(new PrintWriter(tables, true), new PrintWriter(new StringWriter(), true),
                "compare", "hello", "compute", "memwalk", "pt-churn", "io", "timer", "syscall",
                "--mode", "native,ept,shadow", "--out", out.toString(), "--progress", "none");
        assertEquals(0, status);
        assertEquals(Files.readString(DOCS.resolve("results/suite.txt")), tables.toString(),
                "docs/results/suite.txt is out of date: regenerate with bash docs/results/run-study.sh");
    }
}
