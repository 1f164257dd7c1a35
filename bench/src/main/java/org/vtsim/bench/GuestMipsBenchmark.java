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
 * Guest MIPS: simulated instructions per host second on the bundled workloads, native mode,
 * with the default (Skylake) cost model on. Each invocation boots the guest and runs it to its
 * exit; the {@code instructions} aux counter turns JMH's time into instructions per second.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar GuestMips}; the figure to read is
 * {@code instructions} in ops/us, which is MIPS.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class GuestMipsBenchmark {
    @Param({"compute", "memwalk"})
    public String guest;

    private byte[] image;

    /** Per-iteration counter of simulated instructions: JMH reports it as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Simulated {
        public long instructions;

        @Setup(Level.Iteration)
        public void reset() {
            instructions = 0;
        }
    }

    @Setup
    public void load() {
        image = Guests.image(guest);
    }

    @Benchmark
    public RunResult runGuest(Simulated sim) throws Exception {
        MachineConfig config = MachineConfig.defaults(OutputStream.nullOutputStream())
                .withAppend(Guests.defaultArgs(guest));
        RunResult r = Machine.boot(config, guest, image).run();
        if (r.outcome() != Outcome.GUEST_EXIT || r.exitStatus() != Guests.STATUS_OK) {
            throw new IllegalStateException(guest + " did not succeed: " + r.outcome() + " " + r.detail());
        }
        sim.instructions += r.instructions();
        return r;
    }
}
