package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.cpu.exec.BlockTranslator;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.stats.ExitSink;

/**
 * Block translation is a speed device only: every bundled guest, natively and under the monitor with
 * EPT and with shadow paging, must produce the same serial output, outcome, instructions, cycles,
 * counters, translation and memory-virtualization figures, and the same exits (cycle, reason,
 * qualification, RIP, handling cycles, in order) with translated blocks as with the interpreter alone.
 * The run must also have translated something, or the comparison proves nothing.
 */
class BlockTranslationEquivalenceTest {
    private static final Path IMAGES = Path.of("..", "guests", "images");

    static Stream<String[]> runs() throws Exception {
        List<String[]> runs = new ArrayList<>();
        try (Stream<Path> s = Files.list(IMAGES)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".elf")).sorted().toList()) {
                String name = p.getFileName().toString().replace(".elf", "");
                if (name.startsWith("vmx")) {
                    runs.add(new String[] {name, "NATIVE"}); // a guest-side hypervisor: VMX on, native only
                } else {
                    for (Mode m : Mode.values()) {
                        runs.add(new String[] {name, m.name()});
                    }
                }
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void translatedBlocksChangeNothingTheModelReports(String name, String mode) throws Exception {
        Run interpreted = run(name, Mode.valueOf(mode), false);
        Run translated = run(name, Mode.valueOf(mode), true);
        assertEquals(interpreted.report, translated.report);
        assertEquals(0, interpreted.blockInstructions, "translation was off");
        assertTrue(translated.blockInstructions > 0,
                "no translated block ran, so the comparison proves nothing (" + BlockTranslator.codes() + " codes)");
    }

    private record Run(String report, long blockInstructions) {
    }

    private static Run run(String name, Mode mode, boolean translate) throws Exception {
        Path image = IMAGES.resolve(name + ".elf");
        Path argsFile = IMAGES.resolve(name + ".args");
        String args = Files.exists(argsFile) ? Files.readString(argsFile).strip() : "";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder exits = new StringBuilder();
        MachineConfig config = MachineConfig.defaults(out).withAppend(args).withMaxInstructions(200_000_000)
                .withMode(mode).withVmx(name.startsWith("vmx"));
        if (mode.virtualized()) {
            config = config.withTrace(new ExitSink() {
                @Override
                public void exit(long cycle, long handling, int reason, long qualification, long rip, long detail) {
                    exits.append(cycle).append(' ').append(handling).append(' ').append(reason).append(' ')
                            .append(Long.toHexString(qualification)).append(' ').append(Long.toHexString(rip))
                            .append(' ').append(detail).append('\n');
                }

                @Override
                public void close() {
                }
            });
        }
        Machine m = Machine.boot(config, name + ".elf", Files.readAllBytes(image));
        m.cpu().setBlockTranslation(translate);
        RunResult r = m.run();
        Counters c = m.cpu().counters();
        return new Run("outcome=" + r.outcome() + " status=" + r.exitStatus() + " detail=" + r.detail()
                + " instructions=" + r.instructions() + " cycles=" + r.cycles() + " exits=" + r.exits()
                + " idle=" + r.idleCycles() + " memory=" + c.memoryAccesses + " mmio=" + c.mmioAccesses
                + " ports=" + c.portAccesses + " events=" + c.events + " pageFaults=" + c.pageFaults
                + "\ntranslation=" + new TreeMap<>(r.translation())
                + "\nmemory=" + new TreeMap<>(r.memory()) + "\nunimplemented=" + new TreeMap<>(r.unimplemented())
                + "\nreport=" + r.report() + "\nserial=" + out + "\nexits:\n" + exits,
                m.cpu().blockInstructions());
    }
}
