package org.vtsim.guests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs gcc/make without a shell, and says why a toolchain test must be skipped. */
final class Toolchain {

    static final Path GUESTS = Path.of("").toAbsolutePath();

    private Toolchain() {
    }

    record Result(int status, String stdout, String stderr) {
    }

    static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("vtsim-guests", ".out");
        Path err = Files.createTempFile("vtsim-guests", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(GUESTS.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** null when gcc and make work and gcc is the version the images were built with; else why not. */
    static String skipReason() {
        if (!Files.isRegularFile(GUESTS.resolve("Makefile"))) {
            return "guests/Makefile not found from " + GUESTS;
        }
        try {
            Result make = run(List.of("make", "--version"), 30);
            Result gcc = run(List.of("gcc", "--version"), 30);
            if (make.status() != 0 || gcc.status() != 0) {
                return "make or gcc not working";
            }
            String want = Files.readAllLines(GUESTS.resolve("images/TOOLCHAIN.txt")).get(0);
            String have = "gcc --version: " + gcc.stdout().lines().findFirst().orElse("");
            if (!want.equals(have)) {
                return "images were built with '" + want + "' but this machine has '" + have + "'";
            }
            return null;
        } catch (IOException e) {
            return "no toolchain: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
