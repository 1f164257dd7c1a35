package org.vtsim.monitor.stats;

/**
 * Receives each exit once it is complete (at the next VM entry, or at the end of the run), for traces.
 * Called by {@link ExitRecorder} on the simulation thread.
 */
public interface ExitSink extends AutoCloseable {
    /**
     * @param cycleAtExit the model cycle at which the exit happened
     * @param handlingCycles cycles from the exit to the next entry (or to the end of the run)
     * @param exitReason the exit-reason field (basic reason in bits 15:0, bit 31 for entry failures)
     * @param detail an {@link ExitDetail} key or {@link ExitDetail#NONE}
     */
    void exit(long cycleAtExit, long handlingCycles, int exitReason, long qualification, long guestRip, long detail);

    /** Ends the output; must be safe to call more than once. */
    @Override
    void close();
}
