package org.vtsim.tools.study;

import java.util.function.LongSupplier;

/** Told when each run of a study starts and ends (from the worker threads). */
public interface RunListener {
    /** @param instructions the run's instructions retired so far (racy reads, for progress display) */
    void started(RunSpec spec, LongSupplier instructions);

    void finished(RunSpec spec, Measurement m, long hostNanos);

    RunListener NONE = new RunListener() {
        @Override
        public void started(RunSpec spec, LongSupplier instructions) {
        }

        @Override
        public void finished(RunSpec spec, Measurement m, long hostNanos) {
        }
    };
}
