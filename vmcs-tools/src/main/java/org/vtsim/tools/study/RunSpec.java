package org.vtsim.tools.study;

import java.util.Objects;
import org.vtsim.machine.Mode;

/**
 * One run of a study: a workload at a sweep point (or none) in one mode. Runs are deterministic and
 * independent, so equal specs give equal figures and may share one run.
 *
 * @param point the sweep point, or null without a sweep
 * @param hostLargePages whether the monitor may map guest memory with 2 MiB pages (no meaning natively)
 */
public record RunSpec(Workload workload, SweepPoint point, Mode mode, boolean hostLargePages) {
    public RunSpec {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(mode, "mode");
    }

    /** The guest's kernel arguments for this run (the workload's, then the sweep parameter). */
    public String args() {
        return point == null ? workload.args() : workload.withMoreArgs(point.guestArg()).args();
    }

    /**
     * What the run depends on, for sharing equal runs: natively the host page size means nothing, so
     * a host-page sweep runs the native baseline once.
     */
    public String key() {
        return workload.label() + "\u0000" + workload.image() + "\u0000" + args() + "\u0000" + mode + "\u0000"
                + (mode.virtualized() && !hostLargePages ? "4k" : "2m");
    }

    /** "memwalk ws=1m ept" — for progress lines. */
    public String describe() {
        return workload.label() + (point == null ? "" : " " + point) + " " + mode.label();
    }
}
