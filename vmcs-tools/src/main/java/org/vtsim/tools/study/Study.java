package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vtsim.machine.Mode;

/**
 * What a study runs: every workload, at every sweep point (if there is a sweep), in every mode. A sweep
 * varies one guest parameter (passed on the kernel command line) or the host page size
 * ({@link SweepPoint#HOST_PAGES}).
 *
 * @param sweepName the swept parameter, or null without a sweep
 * @param sweepValues its values in the order given (empty without a sweep)
 * @param hostLargePages whether the monitor may use 2 MiB pages (when the host page size is not swept)
 */
public record Study(List<Workload> workloads, List<Mode> modes, String sweepName, List<String> sweepValues,
        boolean hostLargePages) {
    public Study {
        workloads = List.copyOf(workloads);
        modes = List.copyOf(modes);
        sweepValues = List.copyOf(sweepValues);
        if (workloads.isEmpty() || modes.isEmpty()) {
            throw new IllegalArgumentException("a study needs at least one workload and one mode");
        }
        if ((sweepName == null) != sweepValues.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs a name and at least one value");
        }
    }

    /** Whether native is among the modes, so overheads vs native can be given. */
    public boolean hasNative() {
        return modes.contains(Mode.NATIVE);
    }

    public boolean swept() {
        return sweepName != null;
    }

    /** The cases (workload × sweep point) in table order. */
    public List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Workload w : workloads) {
            if (!swept()) {
                out.add(new Case(w, null));
            } else {
                for (String v : sweepValues) {
                    out.add(new Case(w, new SweepPoint(sweepName, v)));
                }
            }
        }
        return out;
    }

    /** Every run of the study, case by case, mode by mode (equal runs may repeat: the runner shares them). */
    public List<RunSpec> runs() {
        List<RunSpec> out = new ArrayList<>();
        for (Case c : cases()) {
            for (Mode m : modes) {
                out.add(c.spec(m, hostLargePages));
            }
        }
        return out;
    }

    /** The study's figures, given the measurements by {@link RunSpec#key()}. */
    public List<Result> results(Map<String, Measurement> byKey) {
        List<Result> out = new ArrayList<>();
        for (Case c : cases()) {
            List<Row> rows = new ArrayList<>();
            Measurement nat = hasNative() ? byKey.get(c.spec(Mode.NATIVE, hostLargePages).key()) : null;
            for (Mode m : modes) {
                RunSpec s = c.spec(m, hostLargePages);
                Measurement me = Objects.requireNonNull(byKey.get(s.key()), () -> "no measurement for " + s.describe());
                double overhead = nat != null && nat.completed() && me.completed() && nat.cycles() > 0
                        ? (double) me.cycles() / nat.cycles() : Double.NaN;
                Boolean same = nat != null && nat.ran() && me.ran() && nat.completed() && me.completed()
                        ? me.sameOutput(nat) : null;
                rows.add(new Row(s, me, overhead, same));
            }
            out.add(new Result(c, rows));
        }
        return out;
    }

    /** A workload at a sweep point (or without one). */
    public record Case(Workload workload, SweepPoint point) {
        /** "memwalk", or "memwalk ws=1m" in a sweep. */
        public String label() {
            return point == null ? workload.label() : workload.label() + " " + point;
        }

        RunSpec spec(Mode m, boolean hostLargePagesDefault) {
            boolean large = point != null && point.host() ? point.hostLargePages() : hostLargePagesDefault;
            return new RunSpec(workload, point, m, large);
        }
    }

    /** One case's rows, in mode order. */
    public record Result(Case kase, List<Row> rows) {
        public Result {
            rows = List.copyOf(rows);
        }

        /** The row of {@code m}, or null if the study did not run that mode. */
        public Row row(Mode m) {
            for (Row r : rows) {
                if (r.spec().mode() == m) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * One run's figures in a case.
     *
     * @param overhead cycles relative to the native run of the same case; NaN when there is no native run or
     *     either run did not complete
     * @param sameOutputAsNative whether the guest printed what it printed natively; null when not comparable
     */
    public record Row(RunSpec spec, Measurement m, double overhead, Boolean sameOutputAsNative) {
    }
}
