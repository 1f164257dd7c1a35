package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The statistics know exit reasons and qualifications (org.vtsim.vmx), not the CPU, platform or machine. */
class StatsLayeringTest {
    @Test
    void importsOnlyTheVmxContracts() throws IOException {
        Path dir = Path.of("src/main/java/org/vtsim/monitor/stats");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "run from the vmx module");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() >= 10, "sources found: " + files);
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("import ") && line.contains("org.vtsim.")) {
                    assertTrue(line.startsWith("import org.vtsim.vmx.") || line.startsWith("import static org.vtsim.vmx."),
                            f.getFileName() + ": " + line);
                }
            }
        }
    }
}
