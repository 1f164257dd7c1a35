package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vtsim.guests.Guests;

/**
 * A malformed, truncated or non-multiboot image gives a one-line error naming the problem and a
 * non-zero status; no stack trace. Likewise a nonsense command line.
 */
class BadImageTest {
    @TempDir
    Path dir;

    private record Run(int status, String err) {
    }

    private static Run vtsim(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
        return new Run(status, err.toString());
    }

    private static void assertOneLineError(Run r, String mentions) {
        assertEquals(ExitStatus.USAGE, r.status(), r.err());
        String text = r.err().strip();
        assertFalse(text.contains("\n"), "expected one line, got:\n" + text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace: " + text);
        assertTrue(text.contains(mentions), "message should mention '" + mentions + "': " + text);
    }

    @Test
    void truncatedImage() throws Exception {
        byte[] full = Guests.image("hello");
        Path f = dir.resolve("truncated.elf");
        Files.write(f, Arrays.copyOf(full, full.length / 3));
        assertOneLineError(vtsim("run", f.toString()), "truncated.elf");
    }

    @Test
    void notAnImageAtAll() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "this is not a kernel\n".repeat(100));
        assertOneLineError(vtsim("run", f.toString()), "multiboot");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = dir.resolve("empty.elf");
        Files.write(f, new byte[0]);
        assertOneLineError(vtsim("run", f.toString()), "empty.elf");
    }

    @Test
    void missingImage() {
        assertOneLineError(vtsim("run", dir.resolve("nope.elf").toString()), "nope.elf");
    }

    @Test
    void nonsenseMemorySize() {
        assertOneLineError(vtsim("run", "hello", "--memory", "lots"), "lots");
    }

    @Test
    void unknownMode() {
        assertOneLineError(vtsim("run", "hello", "--mode", "turbo"), "turbo");
    }

    @Test
    void aGuestHypervisorUnderShadowPagingIsUnsupported() {
        assertOneLineError(vtsim("run", "hello", "--mode", "shadow", "--vmx"), "unsupported");
    }
}
