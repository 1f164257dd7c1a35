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
 * @param mode how the guest ran
 * @param exits VM exits (0 natively)
 * @param idleCycles cycles the vCPU spent halted under the monitor (0 natively)
 * @param memory memory-virtualization counters by name ({@code guest.pageFaults} in every mode: #PF the
 *     guest's handler received; {@code ept.*} under EPT, {@code shadow.*} under shadow paging)
 * @param report the monitor's report for a VM that stopped other than by the guest's exit (VMCS dump,
 *     failed entry checks, guest state), or ""
 */
public record RunResult(Outcome outcome, int exitStatus, String detail, long instructions, long cycles,
        Map<String, Long> unimplemented, Map<String, Long> translation, long hostNanos, Mode mode, long exits,
        long idleCycles, Map<String, Long> memory, String report) {
    public RunResult {
        unimplemented = Map.copyOf(unimplemented);
        translation = Map.copyOf(translation);
        memory = Map.copyOf(memory);
    }

    public double cyclesPerInstruction() {
        return instructions == 0 ? 0 : (double) cycles / instructions;
    }

    /** VM exits per million guest instructions. */
    public double exitsPerMillionInstructions() {
        return instructions == 0 ? 0 : exits * 1e6 / instructions;
    }

    /**
     * The share of guest instructions that ran without a VM exit (Popek and Goldberg's efficiency:
     * "a statistically dominant subset" runs directly), as a fraction in [0, 1]; 1 natively. An
     * instruction that exits is emulated by the monitor and does not retire in the guest, so it is not
     * in {@link #instructions}: the share is instructions / (instructions + exits). Every exit is
     * counted as one instruction that did not run directly, also the asynchronous ones (preemption
     * timer, external interrupt, interrupt window) that stand for no instruction, so this is a lower
     * bound.
     */
    public double instructionsWithoutExitShare() {
        long total = instructions + exits;
        return total == 0 ? 1 : (double) instructions / total;
    }

    /** Simulated instructions per host second, in millions. */
    public double mips() {
        return hostNanos == 0 ? 0 : instructions * 1e3 / hostNanos;
    }
}
