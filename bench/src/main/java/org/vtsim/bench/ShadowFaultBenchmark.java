package org.vtsim.bench;

import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * Host time per simulated guest page fault that the monitor resolves without the guest seeing it: under
 * shadow paging a #PF exit the shadow MMU fixes by filling shadow tables ({@code shadow.faults}; #PF in the
 * exception bitmap, SDM Vol. 3C 25.2), under EPT an EPT violation (SDM Vol. 3C 28.3.3.2) that backs a
 * guest page lazily ({@code EPT_VIOLATION} exits).
 *
 * <p>One operation is one guest run, booted and run to its exit (JMH average time, ns per run). The
 * {@code monitorFaults} and {@code exits} aux counters add up each run's faults and VM exits; in average
 * time mode JMH reports an aux counter as run time divided by the counter: host ns per fault (per exit)
 * with everything else the run does charged to the faults too — an upper bound.
 *
 * <p>The per-fault cost itself is a slope: {@code hostPages} maps guest memory with 4 KiB or 2 MiB host
 * pages and changes nothing else the guest does, so (t(4k) − t(2m)) / (faults(4k) − faults(2m)) within one
 * mode is the host time one more fault costs. {@code memwalk ws=16384 pages=2m touches=0} maps a 16 MiB
 * working set with guest 2 MiB pages, writes every word once and unmaps it: with 4 KiB host pages each of
 * its 4,096 4 KiB pieces faults once in either scheme; with 2 MiB host pages a handful do. Per run (vtsim
 * at commit 4024967; a model change may move these by a few):
 *
 * <ul>
 *   <li>EPT: 4,159 violations (4,388 exits) with 4 KiB host pages, 10 (239) with 2 MiB ones;</li>
 *   <li>shadow: 4,172 shadow faults (4,419 exits) with 4 KiB host pages, 31 (278) with 2 MiB ones.</li>
 * </ul>
 *
 * {@code pt-churn rounds=20 pages=64} is the churn case: 20 rounds of two address spaces of 64 guest 4 KiB
 * pages, fork, CR3 switches and unmaps, the same guest frames every round. EPT: 5,186 violations (5,425
 * exits) with 4 KiB host pages, 12 (251) with 2 MiB ones (a frame's first use only); shadow: 9,188 shadow
 * faults (12,989 exits: also about 2,855 emulated guest page-table writes, 80 CR3 loads, 640 INVLPGs) with
 * 4 KiB host pages and 9,141 with 2 MiB ones, as the guest's own pages are 4 KiB. {@link #nativeBaseline}
 * runs the guest without a monitor. {@link FaultCostSlope} measures the slopes so that a loaded machine does
 * not decide them (interleaved runs, medians).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ShadowFault}; results in docs/results.md ("Host cost
 * of a guest page fault").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ShadowFaultBenchmark {
    @Param({"memwalk", "pt-churn"})
    public String guest;

    /** Host page size the monitor maps guest memory with: 4k, or 2m where the guest's frames allow. */
    @Param({"4k", "2m"})
    public String hostPages;

    private byte[] image;
    private String args;

    /** Per-iteration sums: JMH divides the iteration's time by each. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Simulated {
        /** Shadow faults (shadow) or EPT violations (EPT). */
        public long monitorFaults;
        /** Every VM exit of the runs. */
        public long exits;

        @Setup(Level.Iteration)
        public void reset() {
            monitorFaults = 0;
            exits = 0;
        }
    }

    @Setup
    public void load() {
        image = Guests.image(guest);
        args = switch (guest) {
            case "memwalk" -> "ws=16384 pages=2m touches=0";
            case "pt-churn" -> "rounds=20 pages=64";
            default -> throw new IllegalArgumentException(guest);
        };
        if (!hostPages.equals("4k") && !hostPages.equals("2m")) {
            throw new IllegalArgumentException("hostPages=" + hostPages);
        }
    }

    private RunResult run(org.vtsim.machine.Mode mode, Machine[] machine) throws Exception {
        MachineConfig config = MachineConfig.defaults(OutputStream.nullOutputStream()).withAppend(args).withMode(mode)
                .withHostLargePages(hostPages.equals("2m"));
        Machine m = Machine.boot(config, guest, image);
        machine[0] = m;
        RunResult r = m.run();
        if (r.outcome() != Outcome.GUEST_EXIT || r.exitStatus() != Guests.STATUS_OK) {
            throw new IllegalStateException(guest + " " + args + " under " + mode + " did not succeed: " + r.outcome()
                    + " " + r.detail());
        }
        return r;
    }

    @Benchmark
    public RunResult shadow(Simulated sim) throws Exception {
        Machine[] m = new Machine[1];
        RunResult r = run(org.vtsim.machine.Mode.SHADOW, m);
        long faults = MonitorFaults.of(m[0], r);
        if (faults == 0) {
            throw new IllegalStateException("no shadow faults: " + r.memory());
        }
        sim.monitorFaults += faults;
        sim.exits += r.exits();
        return r;
    }

    @Benchmark
    public RunResult ept(Simulated sim) throws Exception {
        Machine[] m = new Machine[1];
        RunResult r = run(org.vtsim.machine.Mode.EPT, m);
        long violations = MonitorFaults.of(m[0], r);
        if (violations == 0) {
            throw new IllegalStateException("no EPT violations");
        }
        sim.monitorFaults += violations;
        sim.exits += r.exits();
        return r;
    }

    /** The same guest with no monitor (hostPages does not apply): the cost of the run without any fault. */
    @Benchmark
    public RunResult nativeBaseline() throws Exception {
        return run(org.vtsim.machine.Mode.NATIVE, new Machine[1]);
    }
}
