package org.vtsim.tools.study;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Progress of a study on stderr: on a terminal a bar redrawn in place (runs done, the runs in flight with
 * their instructions so far); otherwise one line per finished run, so logs stay readable.
 */
public final class Progress implements RunListener, AutoCloseable {
    private final PrintWriter err;
    private final int total;
    private final boolean bar;
    private final AtomicInteger done = new AtomicInteger();
    private final Map<RunSpec, LongSupplier> running = new ConcurrentHashMap<>();
    private final long start = System.nanoTime();
    private final Thread ticker;
    private volatile boolean closed;

    /**
     * @param total the number of runs
     * @param bar a redrawn bar (for a terminal) rather than one line per run
     */
    public Progress(PrintWriter err, int total, boolean bar) {
        this.err = err;
        this.total = total;
        this.bar = bar;
        if (bar) {
            ticker = new Thread(this::tick, "vtsim-progress");
            ticker.setDaemon(true);
            ticker.start();
        } else {
            ticker = null;
        }
    }

    /** Whether file descriptor 2 is a terminal (Linux: /proc/self/fd/2 names a tty), else whether there is a console. */
    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }

    @Override
    public void started(RunSpec spec, LongSupplier instructions) {
        running.put(spec, instructions);
    }

    @Override
    public void finished(RunSpec spec, Measurement m, long hostNanos) {
        running.remove(spec);
        int n = done.incrementAndGet();
        if (!bar) {
            String what = m.ran() ? String.format(Locale.ROOT, "%s, %,d cycles", m.outcomeLabel(), m.cycles())
                    : m.detail().startsWith(m.outcomeLabel()) ? m.detail() : m.outcomeLabel() + ": " + m.detail();
            synchronized (err) {
                err.printf(Locale.ROOT, "vtsim: [%d/%d] %s: %s (%.1f s)%n", n, total, spec.describe(), what,
                        hostNanos / 1e9);
                err.flush();
            }
        } else {
            draw();
        }
    }

    private void tick() {
        while (!closed) {
            draw();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void draw() {
        if (closed) {
            return;
        }
        int n = done.get();
        int width = 24;
        int filled = total == 0 ? width : n * width / total;
        StringBuilder s = new StringBuilder("\r[");
        s.append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
        s.append(n).append('/').append(total).append(String.format(Locale.ROOT, " %.0fs", (System.nanoTime() - start) / 1e9));
        for (Map.Entry<RunSpec, LongSupplier> e : running.entrySet()) {
            s.append(String.format(Locale.ROOT, " | %s %.1fM", e.getKey().describe(),
                    e.getValue().getAsLong() / 1e6));
        }
        int columns = columns();
        if (s.length() > columns) {
            s.setLength(columns);
        }
        s.append("\u001b[K"); // erase the rest of the line (ECMA-48 EL)
        synchronized (err) {
            err.print(s);
            err.flush();
        }
    }

    private static int columns() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100")) - 1);
        } catch (NumberFormatException e) {
            return 99;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (bar) {
            draw();
            closed = true;
            ticker.interrupt();
            synchronized (err) {
                err.println();
                err.flush();
            }
        }
        closed = true;
    }
}
