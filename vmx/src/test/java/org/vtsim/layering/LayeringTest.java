package org.vtsim.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the vmx module, checked on the sources: the CPU knows nothing of who drives
 * it — not the platform's devices, not the machine that wires a run together, not the monitor.
 * (That {@code ept} knows nothing of the CPU is enforced by the Maven module graph.)
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src", "main", "java", "org", "vtsim");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.vtsim\\.([a-z]+)\\b");

    @Test
    void cpuDependsOnNeitherPlatformNorMachineNorMonitor() throws IOException {
        assertEquals(List.of(), violations("cpu", List.of("platform", "machine", "monitor", "tools")));
    }

    /**
     * The CPU core reaches VMX only through {@code org.vtsim.cpu.VmxPort}: the VMX unit depends on the
     * core, never the reverse, so a CPU without VMX and the Java monitor see the same core.
     */
    @Test
    void cpuDoesNotDependOnTheVmxUnit() throws IOException {
        assertEquals(List.of(), violations("cpu", List.of("vmx")));
    }

    @Test
    void costProfileDependsOnNothingElse() throws IOException {
        assertEquals(List.of(), violations("cost", List.of("cpu", "platform", "machine", "monitor", "tools")));
    }

    @Test
    void platformDependsOnNeitherMachineNorMonitor() throws IOException {
        assertEquals(List.of(), violations("platform", List.of("machine", "monitor", "tools")));
    }

    private static List<String> violations(String layer, List<String> forbidden) throws IOException {
        List<String> found = new ArrayList<>();
        Path root = MAIN.resolve(layer);
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (forbidden.contains(m.group(1))) {
                        found.add(f + " -> org.vtsim." + m.group(1));
                    }
                }
            }
        }
        return found;
    }
}
