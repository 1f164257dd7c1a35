package org.vtsim.conformance.differential;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles {@code src/test/c/diff_harness.c} with gcc into a temporary directory and runs test
 * cases through it in batches (one process per batch; protocol in the C file's header comment).
 */
final class NativeHarness implements AutoCloseable {
    private static final int CASE_MAGIC = 0x45534143;
    private static final int HEADER_MAGIC = 0x56544446;

    private final Path dir;
    private final Path binary;
    final HostFeatures features;

    private NativeHarness(Path dir, Path binary, HostFeatures features) {
        this.dir = dir;
        this.binary = binary;
        this.features = features;
    }

    /** Why the native side cannot run here, or null if it can. */
    static String unavailableReason() {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            return "host is " + arch + ", not x86-64";
        }
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "host OS is not Linux (the harness uses Linux signals and mmap)";
        }
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "gcc --version failed";
            }
        } catch (IOException | InterruptedException e) {
            return "no gcc on PATH (" + e.getMessage() + ")";
        }
        return null;
    }

    static NativeHarness build(Path source) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vtsim-diff-");
        Path bin = dir.resolve("diff_harness");
        Process p = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", bin.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("gcc failed on " + source + ":\n" + out);
        }
        Process probe = new ProcessBuilder(bin.toString()).start();
        probe.getOutputStream().close();
        byte[] header = probe.getInputStream().readAllBytes();
        probe.waitFor();
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if (header.length < 16 || h.getInt(12) != HEADER_MAGIC) {
            throw new IOException("harness did not start: " + new String(probe.getErrorStream().readAllBytes()));
        }
        return new NativeHarness(dir, bin, HostFeatures.fromCpuid(h.getInt(0), h.getInt(4), h.getInt(8)));
    }

    /** Runs a batch in one harness process; results are in case order. */
    List<MachineState> run(List<TestCase> cases) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread writer = new Thread(() -> {
            try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                ByteBuffer b = ByteBuffer.allocate(8 + 16 * 8 + 16 + Layout.CODE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                for (TestCase c : cases) {
                    b.clear();
                    b.putInt(CASE_MAGIC).putInt(c.code().length);
                    for (long r : c.regs()) {
                        b.putLong(r);
                    }
                    b.putLong(c.rflags()).putLong(c.memorySeed()).put(c.code());
                    out.write(b.array(), 0, b.position());
                }
            } catch (IOException e) {
                // the reader reports the short output
            }
        }, "diff-harness-writer");
        writer.start();
        List<MachineState> results = new ArrayList<>(cases.size());
        try (InputStream raw = p.getInputStream(); DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            in.readFully(new byte[16]);
            byte[] rec = new byte[8 + 16 * 8 + 16 + Layout.DATA_SIZE];
            for (int i = 0; i < cases.size(); i++) {
                in.readFully(rec);
                ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
                int signal = b.getInt();
                b.getInt();
                long[] regs = new long[16];
                for (int r = 0; r < 16; r++) {
                    regs[r] = b.getLong();
                }
                long rflags = b.getLong();
                long faultRip = b.getLong();
                byte[] mem = new byte[Layout.DATA_SIZE];
                b.get(mem);
                results.add(new MachineState(regs, rflags, mem, signal == 0 ? MachineState.NO_FAULT : vectorOf(signal),
                        faultRip, signal == 0 ? "" : "signal " + signal));
            }
        }
        writer.join();
        if (p.waitFor() != 0) {
            throw new IOException("harness exited with " + p.exitValue());
        }
        return results;
    }

    /** The exception a Linux signal stands for (SIGFPE = #DE, SIGILL = #UD, SIGSEGV/SIGBUS = #GP/#PF). */
    private static int vectorOf(int signal) {
        return switch (signal) {
            case 8 -> 0;
            case 4 -> 6;
            case 5 -> 1;
            default -> 13;
        };
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(binary);
        Files.deleteIfExists(dir);
    }
}
