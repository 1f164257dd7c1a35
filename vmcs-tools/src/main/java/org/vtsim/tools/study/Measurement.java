package org.vtsim.tools.study;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/**
 * The figures of one run of a study, or why there are none. A run that ended other than by the guest's
 * exit (limit, crash, unsupported feature) keeps the figures it gathered until then; a run that never
 * started (the machine refused the configuration) has {@link #ran()} false and only its outcome and
 * detail.
 *
 * @param outcome how the run ended; null if the machine refused to boot the image (malformed, too big)
 * @param exitStatus the exit device's status for {@link Outcome#GUEST_EXIT}, else -1
 * @param detail one line saying why the run ended, for outcomes other than a guest exit ("" otherwise)
 * @param exitsByReason VM exits per basic exit reason (ExitRecorder names), sorted by name
 * @param translation the CPU's translation counters (RunResult.translation()), sorted by name
 * @param memory memory-virtualization counters (RunResult.memory()), sorted by name
 * @param output the guest's serial output (at most {@link #OUTPUT_LIMIT} bytes)
 */
public record Measurement(boolean ran, Outcome outcome, int exitStatus, String detail, long instructions, long cycles,
        long exits, long idleCycles, Map<String, Long> exitsByReason, Map<String, Long> translation,
        Map<String, Long> memory, byte[] output) {
    /** Serial output kept per run for the equivalence column; a guest printing more is compared on this prefix. */
    public static final int OUTPUT_LIMIT = 1 << 20;

    /** The translation counters whose sum is the TLB misses: walks of the native MMU and 2-D walks under EPT. */
    public static final String[] TLB_MISS_COUNTERS = {"tlb.misses", "ept.walks"};
    /** The translation counters whose sum is the page-walk memory references. */
    public static final String[] WALK_REFERENCE_COUNTERS = {"walk.references", "ept.walk.references"};
    /** The memory counter of page faults delivered to the guest's own handler. */
    public static final String GUEST_PAGE_FAULTS = "guest.pageFaults";

    public Measurement {
        detail = detail == null ? "" : detail;
        exitsByReason = Collections.unmodifiableMap(new TreeMap<>(exitsByReason));
        translation = Collections.unmodifiableMap(new TreeMap<>(translation));
        memory = Collections.unmodifiableMap(new TreeMap<>(memory));
        output = output == null ? new byte[0] : output;
    }

    /** A run's figures. */
    public static Measurement of(RunResult r, Map<String, Long> exitsByReason, byte[] output) {
        return new Measurement(true, r.outcome(), r.exitStatus(), r.outcome() == Outcome.GUEST_EXIT ? "" : r.detail(),
                r.instructions(), r.cycles(), r.exits(), r.idleCycles(), exitsByReason, r.translation(), r.memory(),
                output);
    }

    /** A run that could not start or could not finish measuring (the machine threw). */
    public static Measurement failed(Outcome outcome, String detail) {
        return new Measurement(false, outcome, -1, detail, 0, 0, 0, 0, Map.of(), Map.of(), Map.of(), null);
    }

    /** Whether the guest ran to its own exit (whatever status it chose), so its cycles are a whole run. */
    public boolean completed() {
        return ran && outcome == Outcome.GUEST_EXIT;
    }

    /** TLB misses: the sum of {@link #TLB_MISS_COUNTERS} present. */
    public long tlbMisses() {
        return sum(TLB_MISS_COUNTERS);
    }

    /** Page-walk memory references: the sum of {@link #WALK_REFERENCE_COUNTERS} present. */
    public long walkReferences() {
        return sum(WALK_REFERENCE_COUNTERS);
    }

    /** Walk references per TLB miss, or NaN without a miss. */
    public double walkReferencesPerMiss() {
        long m = tlbMisses();
        return m == 0 ? Double.NaN : (double) walkReferences() / m;
    }

    /** Page faults the guest's handler received, or -1 if the run did not report them. */
    public long guestPageFaults() {
        return memory.getOrDefault(GUEST_PAGE_FAULTS, -1L);
    }

    private long sum(String[] names) {
        long n = 0;
        for (String k : names) {
            n += translation.getOrDefault(k, 0L);
        }
        return n;
    }

    /** The outcome's name for CSV and JSON: an {@link Outcome} constant, or REFUSED. */
    public String outcomeName() {
        return outcome == null ? "REFUSED" : outcome.name();
    }

    /** A short outcome label for table cells: "ok", "exit 3", "limit", "unsupported", … */
    public String outcomeLabel() {
        if (outcome == null) {
            return "refused";
        }
        return switch (outcome) {
            case GUEST_EXIT -> exitStatus == 1 ? "ok" : "exit " + (exitStatus >>> 1);
            case LIMIT_REACHED -> "limit";
            case SHUTDOWN -> "shutdown";
            case HUNG -> "hung";
            case UNSUPPORTED -> "unsupported";
            case INTERNAL_ERROR -> "internal error";
        };
    }

    /** Whether the serial output equals {@code other}'s. */
    public boolean sameOutput(Measurement other) {
        return Arrays.equals(output, other.output);
    }
}
