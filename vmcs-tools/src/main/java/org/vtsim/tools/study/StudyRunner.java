package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.stats.ExitStatsReport;
import org.vtsim.platform.boot.BootImageException;

/**
 * Runs the runs of a study, each on its own {@link Machine}, on a fixed pool of worker threads. Runs are
 * deterministic and share nothing, so the figures do not depend on the number of threads or the order in
 * which runs finish. Equal runs ({@link RunSpec#key()}) run once. Nothing a run does — a refused
 * configuration, an unsupported feature, a crash, a limit, even an exception from the machine — stops the
 * others: it becomes that run's {@link Measurement}.
 */
public final class StudyRunner {
    private final MachineConfig base;
    private final int jobs;
    private final long timeoutNanos;
    private final RunListener listener;
    private final Set<Machine> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /**
     * @param base the configuration every run starts from (RAM, costs, instruction limit); the runner sets
     *     the image's command line, mode, VMX, host page size and serial port
     * @param jobs worker threads (at least 1)
     * @param timeoutNanos host-time limit per run (0: none)
     */
    public StudyRunner(MachineConfig base, int jobs, long timeoutNanos, RunListener listener) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
        this.base = base;
        this.jobs = jobs;
        this.timeoutNanos = timeoutNanos;
        this.listener = listener == null ? RunListener.NONE : listener;
    }

    /** The distinct runs among {@code specs} (first occurrence order). */
    public static List<RunSpec> distinct(List<RunSpec> specs) {
        Map<String, RunSpec> m = new LinkedHashMap<>();
        for (RunSpec s : specs) {
            m.putIfAbsent(s.key(), s);
        }
        return new ArrayList<>(m.values());
    }

    /** Runs every distinct spec and returns the measurements by {@link RunSpec#key()}. */
    public Map<String, Measurement> runAll(List<RunSpec> specs) {
        List<RunSpec> todo = distinct(specs);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, todo.size())), r -> {
            Thread t = new Thread(r, "vtsim-study-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Map<String, Future<Measurement>> futures = new LinkedHashMap<>();
        try {
            for (RunSpec s : todo) {
                futures.put(s.key(), pool.submit(() -> runOne(s)));
            }
            Map<String, Measurement> out = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Measurement>> e : futures.entrySet()) {
                out.put(e.getKey(), await(e.getValue()));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static Measurement await(Future<Measurement> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            return Measurement.failed(Outcome.INTERNAL_ERROR, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Measurement.failed(Outcome.LIMIT_REACHED, "not run: the study was interrupted");
        }
    }

    /** Asks every running machine to stop at its next slice and the runs not yet started not to start. */
    public void stop() {
        stopped = true;
        for (Machine m : running) {
            m.requestStop();
        }
    }

    /** One run, start to finish; never throws. */
    Measurement runOne(RunSpec s) {
        long start = System.nanoTime();
        Measurement m;
        if (stopped) {
            m = Measurement.failed(Outcome.LIMIT_REACHED, "not run: the study was interrupted");
            listener.finished(s, m, 0);
            return m;
        }
        BoundedOutput serial = new BoundedOutput();
        MachineConfig config = new MachineConfig(base.ramBytes(), base.cpuHz(), base.costs(), s.args(),
                base.modules(), base.maxInstructions(), base.epoch(), serial, s.workload().vmx(), s.mode(), null,
                s.hostLargePages());
        Machine machine;
        try {
            machine = Machine.boot(config, s.workload().image(), s.workload().bytes());
        } catch (BootImageException | IllegalArgumentException | UnsupportedFeature e) {
            // A configuration the machine refuses (e.g. a mode still being built): this run's result.
            m = Measurement.failed(outcomeOf(e), message(e));
            listener.finished(s, m, System.nanoTime() - start);
            return m;
        } catch (RuntimeException e) {
            m = Measurement.failed(Outcome.INTERNAL_ERROR, "at boot: " + e);
            listener.finished(s, m, System.nanoTime() - start);
            return m;
        }
        running.add(machine);
        try {
            listener.started(s, () -> machine.cpu().instructions());
            if (stopped) {
                machine.requestStop();
            }
            RunResult r = machine.run(timeoutNanos);
            Map<String, Long> reasons = new LinkedHashMap<>();
            if (machine.vm() != null) {
                for (ExitStatsReport.Row row : machine.vm().vcpu().recorder().report().reasons()) {
                    reasons.put(row.key(), row.count());
                }
            }
            m = Measurement.of(r, reasons, serial.toByteArray());
        } catch (UnsupportedFeature e) {
            m = Measurement.failed(Outcome.UNSUPPORTED, message(e));
        } catch (RuntimeException | StackOverflowError e) {
            m = Measurement.failed(Outcome.INTERNAL_ERROR, String.valueOf(e));
        } finally {
            running.remove(machine);
        }
        listener.finished(s, m, System.nanoTime() - start);
        return m;
    }

    private static Outcome outcomeOf(Exception e) {
        String msg = String.valueOf(e.getMessage());
        if (e instanceof UnsupportedFeature || msg.startsWith("unsupported")) {
            return Outcome.UNSUPPORTED;
        }
        return null; // refused: a malformed image or a configuration the machine rejects

    }

    /** The exception's message on one line, with a doubled "unsupported: " prefix said once. */
    private static String message(Exception e) {
        String msg = e.getMessage();
        msg = msg == null ? e.toString() : msg.replace('\n', ' ');
        while (msg.startsWith("unsupported: unsupported: ")) {
            msg = msg.substring("unsupported: ".length());
        }
        return msg;
    }
}
