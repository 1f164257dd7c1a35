package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.RunResult;

/**
 * Speed work must not change what the model computes or counts: every bundled guest image
 * (guests/images, the native workloads of Guests.NAMES and the VMX ones) runs with its default
 * command line and the default cost profile, and its outcome, exit status, serial output (CRC),
 * instructions, cycles, every translation counter of the run summary, the unimplemented
 * instructions met and the CPU's memory/MMIO/port/event counters must equal the figures recorded
 * from main before the optimisations (resource guest-counters.txt). A guest image added after the
 * recording is reported and skipped until its line is recorded.
 *
 * <p>To re-record after a deliberate model change (never for a speed change):
 * {@code -Dvtsim.recordCounters=src/test/resources/org/vtsim/cpu/guest-counters.txt}.
 */
class GuestCountersTest {
    private static final Path IMAGES = Path.of("..", "guests", "images");
    private static final String RESOURCE = "guest-counters.txt";

    @Test
    void everyBundledGuestCountsExactlyAsRecorded() throws Exception {
        List<Path> images;
        try (Stream<Path> s = Files.list(IMAGES)) {
            images = s.filter(p -> p.getFileName().toString().endsWith(".elf")).sorted().toList();
        }
        assertFalse(images.isEmpty(), "no guest images under " + IMAGES.toAbsolutePath());
        String record = System.getProperty("vtsim.recordCounters");
        if (record != null) {
            List<String> lines = new ArrayList<>();
            for (Path image : images) {
                lines.add(summary(image));
            }
            Files.writeString(Path.of(record), String.join("\n", lines) + "\n");
            return;
        }
        Map<String, String> expected = new TreeMap<>();
        try (InputStream in = GuestCountersTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, "missing test resource " + RESOURCE + " (record it from main first)");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    expected.put(line.substring(0, line.indexOf(' ')), line);
                }
            }
        }
        assertFalse(expected.isEmpty(), RESOURCE + " is empty");
        StringBuilder want = new StringBuilder();
        StringBuilder got = new StringBuilder();
        for (Path image : images) {
            String name = nameOf(image);
            if (!expected.containsKey(name)) {
                // A guest added after the recording: not guarded until someone records it.
                System.out.println("GuestCountersTest: no recorded counters for " + name + ", not compared");
                continue;
            }
            want.append(expected.remove(name)).append('\n');
            got.append(summary(image)).append('\n');
        }
        assertEquals(Map.of(), expected, "recorded guests whose image is gone");
        assertEquals(want.toString(), got.toString());
    }

    private static String nameOf(Path image) {
        String file = image.getFileName().toString();
        return file.substring(0, file.length() - ".elf".length());
    }

    private static String summary(Path image) throws IOException, org.vtsim.platform.boot.BootImageException {
        String file = image.getFileName().toString();
        String name = nameOf(image);
        Path argsFile = IMAGES.resolve(name + ".args");
        String args = Files.exists(argsFile) ? Files.readString(argsFile).strip() : "";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.defaults(out).withAppend(args).withMaxInstructions(200_000_000);
        if (name.startsWith("vmx")) {
            config = config.withVmx(true);
        }
        Machine m = Machine.boot(config, file, Files.readAllBytes(image));
        RunResult r = m.run();
        CRC32 crc = new CRC32();
        crc.update(out.toByteArray());
        Counters c = m.cpu().counters();
        StringBuilder sb = new StringBuilder(name);
        sb.append(" outcome=").append(r.outcome()).append(" status=").append(r.exitStatus())
                .append(" serial.crc=").append(Long.toHexString(crc.getValue()))
                .append(" instructions=").append(r.instructions()).append(" cycles=").append(r.cycles())
                .append(" memory=").append(c.memoryAccesses).append(" mmio=").append(c.mmioAccesses)
                .append(" ports=").append(c.portAccesses).append(" events=").append(c.events);
        for (Map.Entry<String, Long> e : new TreeMap<>(r.translation()).entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        sb.append(" unimplemented=").append(new TreeMap<>(r.unimplemented()));
        return sb.toString();
    }
}
