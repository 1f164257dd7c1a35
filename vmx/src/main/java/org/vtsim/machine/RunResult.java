package org.vtsim.machine;

import java.util.Map;

/**
 * The outcome and the measurements of one run: what the run summary prints and what the
 * study harness records.
 *
 * @param exitStatus the exit device's status ({@code (v << 1) | 1}) for {@link Outcome#GUEST_EXIT}, else -1
 * @param detail a one-line explanation for outcomes other than a guest exit
 * @param unimplemented instructions the guest met that the model lacks, by "opcode bytes mnemonic", with counts
 * @param translation the translation counters (TLB hits and misses, walks, walk references), by name
 */
public record RunResult(Outcome outcome, int exitStatus, String detail, long instructions, long cycles,
        Map<String, Long> unimplemented, Map<String, Long> translation, long hostNanos) {
    public RunResult {
        unimplemented = Map.copyOf(unimplemented);
        translation = Map.copyOf(translation);
    }

    public double cyclesPerInstruction() {
        return instructions == 0 ? 0 : (double) cycles / instructions;
    }

    /** Simulated instructions per host second, in millions. */
    public double mips() {
        return hostNanos == 0 ? 0 : instructions * 1e3 / hostNanos;
    }
}
