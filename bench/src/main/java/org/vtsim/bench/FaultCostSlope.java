package org.vtsim.bench;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * The host cost of one guest page fault the monitor resolves, as {@link ShadowFaultBenchmark}'s slope,
 * measured so that a shared, loaded machine does not decide it: the configurations run interleaved, round
 * after round in one JVM (load that comes and goes hits them all alike), and each is summarised by its
 * median host time. Per mode, (median t(4 KiB host pages) − median t(2 MiB host pages)) / (faults(4k) −
 * faults(2m)) is the host time one more fault costs: the guest does the same either way, only the number
 * of faults changes. Prints one line per configuration and the slopes.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar org.vtsim.bench.FaultCostSlope [rounds]} (default 12,
 * the first 3 of them warm-up).
 */
public final class FaultCostSlope {
    private static final int WARMUP = 3;

    private record Config(String guest, String args, Mode mode, boolean largeHostPages) {
        String name() {
            return guest + " " + mode + (mode == Mode.NATIVE ? "" : largeHostPages ? " 2m" : " 4k");
        }
    }

    private FaultCostSlope() {
    }

    public static void main(String[] argv) throws Exception {
        int rounds = argv.length > 0 ? Integer.parseInt(argv[0]) : 12;
        List<Config> configs = new ArrayList<>();
        String[][] guests = {{"memwalk", "ws=16384 pages=2m touches=0"}, {"pt-churn", "rounds=20 pages=64"}};
        for (String[] g : guests) {
            configs.add(new Config(g[0], g[1], Mode.NATIVE, true));
            for (Mode m : new Mode[] {Mode.EPT, Mode.SHADOW}) {
                configs.add(new Config(g[0], g[1], m, false));
                configs.add(new Config(g[0], g[1], m, true));
            }
        }
        long[][] nanos = new long[configs.size()][rounds - WARMUP];
        long[] faults = new long[configs.size()];
        long[] exits = new long[configs.size()];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < configs.size(); i++) {
                Config c = configs.get(i);
                long t0 = System.nanoTime();
                Machine m = Machine.boot(MachineConfig.defaults(OutputStream.nullOutputStream()).withAppend(c.args())
                        .withMode(c.mode()).withHostLargePages(c.largeHostPages()), c.guest(), Guests.image(c.guest()));
                RunResult r = m.run();
                long t = System.nanoTime() - t0;
                if (r.outcome() != Outcome.GUEST_EXIT || r.exitStatus() != Guests.STATUS_OK) {
                    throw new IllegalStateException(c.name() + ": " + r.outcome() + " " + r.detail());
                }
                if (round >= WARMUP) {
                    nanos[i][round - WARMUP] = t;
                }
                faults[i] = MonitorFaults.of(m, r);
                exits[i] = r.exits();
            }
        }
        double[] median = new double[configs.size()];
        for (int i = 0; i < configs.size(); i++) {
            long[] t = nanos[i].clone();
            Arrays.sort(t);
            median[i] = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2.0;
            System.out.printf("%-22s median %8.1f ms (min %8.1f, max %8.1f) over %d runs, %,6d monitor faults, "
                    + "%,6d exits%n", configs.get(i).name(), median[i] / 1e6, t[0] / 1e6, t[t.length - 1] / 1e6,
                    t.length, faults[i], exits[i]);
        }
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            if (c.mode() == Mode.NATIVE || c.largeHostPages()) {
                continue;
            }
            long df = faults[i] - faults[i + 1];
            double dt = median[i] - median[i + 1];
            System.out.printf("slope %-10s %-6s: %s%n", c.guest(), c.mode(), df < 100
                    ? "n/a (" + df + " more faults with 4 KiB host pages)"
                    : String.format("%.1f us per fault (%.1f ms / %,d faults)", dt / df / 1e3, dt / 1e6, df));
        }
    }
}
