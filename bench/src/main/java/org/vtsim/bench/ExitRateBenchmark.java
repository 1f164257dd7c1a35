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
 * Simulated VM exits per host second on the CPUID exit microbenchmark: the {@code vmexit} guest with
 * {@code only=cpuid} (guests/README.md) under the monitor with EPT, Skylake costs. Each invocation
 * boots the guest and runs it to its exit; the {@code exits} aux counter (every VM exit of the run:
 * the {@code iters} CPUID exits plus the few of boot, serial output and EPT population) turns JMH's
 * time into exits per second. The anchor is Bochs 2.7 on the project's build machine: 41-47 k CPUID
 * exits per second (docs: shared brief references).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ExitRate}; read {@code exits} in ops/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ExitRateBenchmark {
    /** CPUID operations per run: large enough that boot and output exits are a small share. */
    @Param({"200000"})
    public long iters;

    private byte[] image;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Simulated {
        public long exits;
        public long cpuidExits;

        @Setup(Level.Iteration)
        public void reset() {
            exits = 0;
            cpuidExits = 0;
        }
    }

    @Setup
    public void load() {
        image = Guests.image("vmexit");
    }

    @Benchmark
    public RunResult cpuidExits(Simulated sim) throws Exception {
        MachineConfig config = MachineConfig.defaults(OutputStream.nullOutputStream())
                .withAppend("only=cpuid iters=" + iters).withMode(org.vtsim.machine.Mode.EPT);
        RunResult r = Machine.boot(config, "vmexit", image).run();
        if (r.outcome() != Outcome.GUEST_EXIT || r.exitStatus() != Guests.STATUS_OK) {
            throw new IllegalStateException("vmexit only=cpuid did not succeed: " + r.outcome() + " " + r.detail());
        }
        if (r.exits() < 2 * iters) {
            // the guest times the operation loop and nothing else exits per iteration
            sim.exits += r.exits();
        } else {
            throw new IllegalStateException("more exits than expected: " + r.exits());
        }
        sim.cpuidExits += iters;
        return r;
    }
}
