package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.PAUSE_EXITING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.PAUSE_LOOP_EXITING;

/**
 * PAUSE in VMX non-root operation, SDM Vol. 3C 25.1.3, with the PAUSE-loop-exiting state of one logical
 * processor.
 *
 * <ul>
 *   <li>"PAUSE exiting" 1: every PAUSE exits (at any CPL).</li>
 *   <li>"PAUSE exiting" 0, "PAUSE-loop exiting" 1, CPL 0: if the time since the previous PAUSE at CPL 0
 *       exceeds PLE_Gap, or this is the first PAUSE at CPL 0 since VM entry, this PAUSE starts a new
 *       loop. Otherwise, if the time since the PAUSE that started the current loop exceeds PLE_Window, the
 *       PAUSE exits.</li>
 *   <li>Otherwise PAUSE does not exit; PAUSE at CPL &gt; 0 does not take part in loop detection.</li>
 * </ul>
 *
 * Time is counted at the TSC rate (SDM 24.6.13); the caller passes the unadjusted TSC. PLE_Gap and
 * PLE_Window are 32-bit unsigned fields. Call {@link #vmEntry()} on every VM entry.
 */
public final class PauseLoopExiting {
    private boolean pausedSinceEntry;
    private long lastPause;
    private long loopStart;

    /** A VM entry: the next PAUSE at CPL 0 is the first of a loop. */
    public void vmEntry() {
        pausedSinceEntry = false;
    }

    /**
     * Whether this PAUSE exits; updates the loop-detection state.
     *
     * @param tsc the processor's TSC at this PAUSE
     * @param pleGap PLE_Gap (unsigned 32 bits)
     * @param pleWindow PLE_Window (unsigned 32 bits)
     */
    public boolean pause(int primaryControls, int secondaryControls, int cpl, long tsc, int pleGap,
            int pleWindow) {
        if ((primaryControls & PAUSE_EXITING) != 0) {
            return true;
        }
        if (cpl != 0 || (ExecutionControls.secondary(primaryControls, secondaryControls) & PAUSE_LOOP_EXITING)
                == 0) {
            return false;
        }
        boolean firstInLoop = !pausedSinceEntry
                || Long.compareUnsigned(tsc - lastPause, Integer.toUnsignedLong(pleGap)) > 0;
        pausedSinceEntry = true;
        lastPause = tsc;
        if (firstInLoop) {
            loopStart = tsc;
            return false;
        }
        return Long.compareUnsigned(tsc - loopStart, Integer.toUnsignedLong(pleWindow)) > 0;
    }
}
