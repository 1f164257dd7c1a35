package org.vtsim.guests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where gcc and make exist: the committed images are what the sources build to, byte for
 * byte, and the host build of every native workload prints exactly expected/NAME.txt (VMX
 * workloads have no host build: their expected output is written from the SDM).
 */
class RebuildTest {

    private static Path out;

    @BeforeAll
    static void build() throws Exception {
        String reason = Toolchain.skipReason();
        if (reason != null) {
            System.out.println("RebuildTest skipped: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        out = Files.createTempDirectory("vtsim-guests-build");
        Toolchain.Result r = Toolchain.run(List.of("make", "-s", "-j2", "OUT=" + out,
                "BUILD=" + out.resolve("build"), "all", "host"), 600);
        assertEquals(0, r.status(), "make failed:\n" + r.stderr());
    }

    @AfterAll
    static void clean() throws Exception {
        if (out != null) {
            Toolchain.deleteTree(out);
        }
    }

    @Test
    void imagesRebuildByteForByte() throws Exception {
        for (String name : Guests.allNames()) {
            assertArrayEquals(Guests.image(name), Files.readAllBytes(out.resolve(name + ".elf")),
                    name + ".elf differs from the committed image: run make -C guests and commit images/");
        }
    }

    @Test
    void hostBuildsPrintTheExpectedOutput() throws Exception {
        for (String name : Guests.NAMES) {
            List<String> cmd = new ArrayList<>();
            cmd.add(out.resolve("build/host/" + name).toString());
            String args = Guests.defaultArgs(name);
            if (!args.isEmpty()) {
                cmd.addAll(List.of(args.split("\\s+")));
            }
            Toolchain.Result r = Toolchain.run(cmd, 120);
            assertEquals(0, r.status(), name + " host build failed: " + r.stderr());
            assertEquals(Guests.expectedOutput(name), r.stdout(),
                    name + ": host output differs from expected/" + name + ".txt (run make -C guests expected)");
        }
    }
}
