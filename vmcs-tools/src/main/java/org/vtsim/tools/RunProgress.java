package org.vtsim.tools;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.vtsim.machine.Machine;

/**
 * The progress line of a long {@code vtsim run}: every few seconds of host time, one line on stderr with
 * the host time so far, guest instructions, simulated cycles, MIPS and (under the monitor) VM exits. The
 * counters are sampled from another thread while the simulation runs, so a line may be a moment stale; it
 * never changes what the run computes.
 */
final class RunProgress implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private RunProgress(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts printing every {@code periodSeconds} (first after one period). */
    static RunProgress start(PrintWriter err, String name, Machine machine, long periodSeconds) {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "vtsim-progress");
            th.setDaemon(true);
            return th;
        });
        long start = System.nanoTime();
        t.scheduleAtFixedRate(() -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            long instructions = machine.cpu().instructions();
            StringBuilder line = new StringBuilder(String.format("vtsim: %s: %.0f s, %,d instructions, %,d cycles, "
                    + "%.1f MIPS", name, seconds, instructions, machine.cpu().cycles(), instructions / seconds / 1e6));
            if (machine.vm() != null) {
                line.append(String.format(", %,d VM exits", machine.vm().vcpu().exits()));
            }
            err.println(line);
            err.flush();
        }, periodSeconds, periodSeconds, TimeUnit.SECONDS);
        return new RunProgress(t);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
