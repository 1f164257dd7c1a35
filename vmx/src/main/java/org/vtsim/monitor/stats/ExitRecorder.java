package org.vtsim.monitor.stats;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.vtsim.vmx.ExitReason;

/**
 * Collects VM-exit statistics as the monitor runs a guest: the monitor calls {@link #entry} at every
 * VM entry (VMLAUNCH/VMRESUME), {@link #exit} at every VM exit, and {@link #finish} once when the run
 * ends. An exit's cost is the model cycles from the exit to the next entry — the "events handled time"
 * of {@code perf kvm stat}, which measures from the kvm_exit to the next kvm_entry trace point.
 *
 * <p>Constant space per exit reason and per breakdown key (Welford, {@link RunningStats}); recording
 * an exit whose reason and key were seen before allocates nothing. Not thread-safe: one recorder per
 * vCPU. Misuse (an exit while another is open, time going backwards, a detail that does not belong to
 * the reason) throws {@link IllegalStateException} / {@link IllegalArgumentException} rather than
 * producing numbers that do not add up.
 */
public final class ExitRecorder {
    private static final int DIRECT = 128;

    private final RunningStats[] byReason = new RunningStats[DIRECT];
    private final LongStatsMap otherReasons = new LongStatsMap();
    private final EnumMap<Breakdown, LongStatsMap> breakdowns = new EnumMap<>(Breakdown.class);
    private final ExitSink sink;

    private long exits;
    private long cyclesInExits;
    private long cyclesInGuest;
    private long instructions;
    private long firstEntry = -1;
    private long lastEntry = -1;
    private long lastCycle;
    private boolean open;
    private boolean finished;
    private long openCycle;
    private int openReason;
    private long openQualification;
    private long openRip;
    private long openDetail;

    public ExitRecorder() {
        this(null);
    }

    /** @param sink receives each completed exit (e.g. a {@link ChromeTraceWriter}); may be null */
    public ExitRecorder(ExitSink sink) {
        this.sink = sink;
        for (Breakdown b : Breakdown.values()) {
            breakdowns.put(b, new LongStatsMap());
        }
    }

    /**
     * A VM entry at {@code cycleAtEntry}: closes the open exit, if any, and starts guest time.
     */
    public void entry(long cycleAtEntry) {
        checkRunning();
        advance(cycleAtEntry);
        if (open) {
            close(cycleAtEntry);
        } else if (lastEntry >= 0) {
            throw new IllegalStateException("VM entry at cycle " + cycleAtEntry + " without an exit since the entry at "
                    + lastEntry);
        }
        if (firstEntry < 0) {
            firstEntry = cycleAtEntry;
        }
        lastEntry = cycleAtEntry;
    }

    /**
     * A VM exit.
     *
     * @param cycleAtExit the model cycle at which the exit completed (guest time ends here)
     * @param exitReason the exit-reason field (SDM 24.9.1): basic reason in bits 15:0, bit 31 for a VM-entry
     *     failure
     * @param qualification the exit qualification (0 where the reason defines none)
     * @param guestRip the guest RIP saved by the exit
     * @param instructionsRetired guest instructions retired since the start of the run (cumulative)
     * @param detail the breakdown key ({@link ExitDetail}); must be of the reason's breakdown —
     *     {@link ExitDetail#forExit} computes it — and {@link ExitDetail#NONE} for reasons without one
     */
    public void exit(long cycleAtExit, int exitReason, long qualification, long guestRip, long instructionsRetired,
            long detail) {
        checkRunning();
        if (open) {
            throw new IllegalStateException("VM exit at cycle " + cycleAtExit + " while the exit at " + openCycle
                    + " has had no VM entry");
        }
        Breakdown expected = (exitReason & ExitReason.ENTRY_FAILURE_BIT) != 0 ? null
                : ExitDetail.breakdownOf(exitReason & 0xffff);
        Breakdown got = ExitDetail.breakdown(detail);
        if (expected != got) {
            throw new IllegalArgumentException("exit reason " + reasonName(exitReason) + " needs a detail of "
                    + (expected == null ? "none" : expected) + ", got " + (got == null ? "none" : got));
        }
        if (instructionsRetired < instructions) {
            throw new IllegalArgumentException("instructions retired went back from " + instructions + " to "
                    + instructionsRetired);
        }
        advance(cycleAtExit);
        if (lastEntry >= 0) {
            cyclesInGuest += cycleAtExit - lastEntry;
            lastEntry = -1;
        }
        instructions = instructionsRetired;
        open = true;
        openCycle = cycleAtExit;
        openReason = exitReason;
        openQualification = qualification;
        openRip = guestRip;
        openDetail = detail;
    }

    /**
     * Ends the run at {@code cycleAtEnd}: an open exit (the run stopped in a handler — triple fault,
     * limit, no handler) is closed there and counted; guest time since the last entry is added. Closes
     * the sink. Further {@code exit}/{@code entry} calls throw; {@link #report} stays available.
     */
    public void finish(long cycleAtEnd, long instructionsRetired) {
        if (finished) {
            return;
        }
        advance(cycleAtEnd);
        if (open) {
            close(cycleAtEnd);
        } else if (lastEntry >= 0) {
            cyclesInGuest += cycleAtEnd - lastEntry;
            lastEntry = -1;
        }
        instructions = Math.max(instructions, instructionsRetired);
        finished = true;
        if (sink != null) {
            sink.close();
        }
    }

    private void close(long cycleAtEntry) {
        long handling = cycleAtEntry - openCycle;
        statsFor(openReason).add(handling);
        Breakdown b = ExitDetail.breakdown(openDetail);
        if (b != null) {
            breakdowns.get(b).getOrCreate(openDetail).add(handling);
        }
        exits++;
        cyclesInExits += handling;
        open = false;
        if (sink != null) {
            sink.exit(openCycle, handling, openReason, openQualification, openRip, openDetail);
        }
    }

    private RunningStats statsFor(int exitReason) {
        if (exitReason >= 0 && exitReason < DIRECT) {
            RunningStats s = byReason[exitReason];
            if (s == null) {
                s = new RunningStats();
                byReason[exitReason] = s;
            }
            return s;
        }
        return otherReasons.getOrCreate(Integer.toUnsignedLong(exitReason));
    }

    private void advance(long cycle) {
        if (cycle < lastCycle) {
            throw new IllegalArgumentException("cycle " + cycle + " before the last event's " + lastCycle);
        }
        lastCycle = cycle;
    }

    private void checkRunning() {
        if (finished) {
            throw new IllegalStateException("the recorder has finished");
        }
    }

    /** The name a report uses for an exit-reason field: the {@link ExitReason} constant, or UNKNOWN_n. */
    public static String reasonName(int exitReason) {
        ExitReason r = ExitReason.byNumber(exitReason & 0xffff);
        String name = r == null || (exitReason & 0x7fff0000) != 0 ? "UNKNOWN_" + (exitReason & 0x7fffffff) : r.name();
        boolean failureName = r == ExitReason.ENTRY_FAILURE_INVALID_GUEST_STATE
                || r == ExitReason.ENTRY_FAILURE_MSR_LOADING || r == ExitReason.ENTRY_FAILURE_MACHINE_CHECK;
        return (exitReason & ExitReason.ENTRY_FAILURE_BIT) != 0 && !failureName ? "ENTRY_FAILURE_" + name : name;
    }

    /** Completed exits so far. */
    public long exits() {
        return exits;
    }

    /** A snapshot of the statistics so far (an open exit is not in it). */
    public ExitStatsReport report() {
        List<ExitStatsReport.Row> reasons = new ArrayList<>();
        for (int i = 0; i < DIRECT; i++) {
            if (byReason[i] != null) {
                reasons.add(row(reasonName(i), i, byReason[i], exits, cyclesInExits));
            }
        }
        for (long k : otherReasons.sortedKeys()) {
            reasons.add(row(reasonName((int) k), k, otherReasons.get(k), exits, cyclesInExits));
        }
        Map<Breakdown, List<ExitStatsReport.Row>> tables = new EnumMap<>(Breakdown.class);
        for (Breakdown b : Breakdown.values()) {
            LongStatsMap m = breakdowns.get(b);
            long n = 0;
            long cycles = 0;
            long[] keys = m.sortedKeys();
            for (long k : keys) {
                n += m.get(k).count();
                cycles += m.get(k).sum();
            }
            List<ExitStatsReport.Row> rows = new ArrayList<>();
            for (long k : keys) {
                rows.add(row(ExitDetail.label(k), k & ~(0xfL << 60), m.get(k), n, cycles));
            }
            tables.put(b, rows);
        }
        double perMillion = instructions == 0 ? 0 : exits * 1e6 / instructions;
        ExitStatsReport.Totals totals = new ExitStatsReport.Totals(exits, cyclesInExits, cyclesInGuest,
                instructions, perMillion);
        return new ExitStatsReport(reasons, tables, totals);
    }

    private static ExitStatsReport.Row row(String key, long number, RunningStats s, long allCount, long allCycles) {
        return new ExitStatsReport.Row(key, number, s.count(), percent(s.count(), allCount),
                percent(s.sum(), allCycles), s.sum(), s.min(), s.max(), s.mean(), s.stddev(),
                s.relStddevOfMeanPercent());
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
