package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;

class ExitRecorderTest {

    @Test
    void reportSumsAreConsistent() {
        qt().withExamples(200).forAll(longs().all(), integers().between(1, 400)).checkAssert((seed, n) -> {
            List<ExitSequences.Exit> exits = ExitSequences.generate(seed, n);
            ExitRecorder rec = new ExitRecorder();
            long start = Math.floorMod(seed, 1_000_000L);
            long end = ExitSequences.run(rec, exits, start, 1234);
            ExitStatsReport rep = rec.report();
            List<ExitStatsReport.Row> reasons = rep.reasons();

            assertEquals((long) n, rep.totals().exits());
            assertEquals((long) n, reasons.stream().mapToLong(ExitStatsReport.Row::count).sum());
            long handling = exits.stream().mapToLong(ExitSequences.Exit::handlingCycles).sum();
            assertEquals(handling, rep.totals().cyclesInExits());
            assertEquals(end - start, rep.totals().cyclesInExits() + rep.totals().cyclesInGuest());
            assertEquals(handling, reasons.stream().mapToLong(ExitStatsReport.Row::totalCycles).sum());

            checkPercentages(reasons, handling > 0);
            for (ExitStatsReport.Row r : reasons) {
                checkRow(r);
                // an oracle over the raw sequence
                List<ExitSequences.Exit> mine = exits.stream().filter(e -> e.reason() == r.number()).toList();
                assertEquals(mine.size(), r.count(), r.key());
                assertEquals(mine.stream().mapToLong(ExitSequences.Exit::handlingCycles).min().getAsLong(),
                        r.minCycles());
                assertEquals(mine.stream().mapToLong(ExitSequences.Exit::handlingCycles).max().getAsLong(),
                        r.maxCycles());
                assertEquals(ExitRecorder.reasonName((int) r.number()), r.key());
            }
            for (Breakdown b : Breakdown.values()) {
                List<ExitStatsReport.Row> rows = rep.breakdown(b);
                long reasonCount = reasons.stream().filter(r -> covers(b, (int) r.number()))
                        .mapToLong(ExitStatsReport.Row::count).sum();
                long reasonCycles = reasons.stream().filter(r -> covers(b, (int) r.number()))
                        .mapToLong(ExitStatsReport.Row::totalCycles).sum();
                assertEquals(reasonCount, rows.stream().mapToLong(ExitStatsReport.Row::count).sum(), b.id);
                assertEquals(reasonCycles, rows.stream().mapToLong(ExitStatsReport.Row::totalCycles).sum(), b.id);
                if (reasonCount > 0) {
                    checkPercentages(rows, reasonCycles > 0);
                }
                rows.forEach(ExitRecorderTest::checkRow);
            }
            long instructions = exits.get(exits.size() - 1).instructions() + 7;
            assertEquals(instructions, rep.totals().guestInstructions());
            assertEquals(n * 1e6 / instructions, rep.totals().exitsPerMillionInstructions(), 1e-9);
        });
    }

    private static boolean covers(Breakdown b, int reason) {
        return switch (b) {
            case IO_PORT -> reason == ExitReason.IO_INSTRUCTION.number;
            case MSR -> reason == ExitReason.RDMSR.number || reason == ExitReason.WRMSR.number;
            case CR -> reason == ExitReason.CONTROL_REGISTER_ACCESSES.number;
            case EPT_VIOLATION -> reason == ExitReason.EPT_VIOLATION.number;
            case EXCEPTION -> reason == ExitReason.EXCEPTION_OR_NMI.number;
        };
    }

    /** Exact shares sum to 100; the two-decimal figures the table prints, to 100 ± half a unit per row. */
    private static void checkPercentages(List<ExitStatsReport.Row> rows, boolean anyTime) {
        double samples = rows.stream().mapToDouble(ExitStatsReport.Row::samplesPercent).sum();
        assertEquals(100, samples, 1e-9);
        double printed = rows.stream().mapToDouble(r -> Double.parseDouble(
                String.format(Locale.ROOT, "%.2f", r.samplesPercent()))).sum();
        assertEquals(100, printed, 0.005 * rows.size() + 1e-9);
        double time = rows.stream().mapToDouble(ExitStatsReport.Row::timePercent).sum();
        assertEquals(anyTime ? 100 : 0, time, 1e-9);
        double printedTime = rows.stream().mapToDouble(r -> Double.parseDouble(
                String.format(Locale.ROOT, "%.2f", r.timePercent()))).sum();
        assertEquals(anyTime ? 100 : 0, printedTime, 0.005 * rows.size() + 1e-9);
    }

    private static void checkRow(ExitStatsReport.Row r) {
        assertTrue(r.count() > 0);
        assertTrue(r.minCycles() <= r.meanCycles() + 1e-9 * r.maxCycles(), r.toString());
        assertTrue(r.meanCycles() <= r.maxCycles() + 1e-9 * r.maxCycles(), r.toString());
        assertEquals((double) r.totalCycles() / r.count(), r.meanCycles(), 1e-9 * Math.max(1, r.meanCycles()));
        assertTrue(r.relStddevPercent() >= 0 && r.stddevCycles() >= 0);
    }

    @Test
    void openExitIsClosedAtTheEndOfTheRun() {
        ExitRecorder rec = new ExitRecorder();
        rec.entry(100);
        rec.exit(150, ExitReason.TRIPLE_FAULT.number, 0, 0x1000, 40, ExitDetail.NONE);
        rec.finish(175, 40);
        ExitStatsReport rep = rec.report();
        assertEquals(1, rep.totals().exits());
        assertEquals(25, rep.reasons().get(0).totalCycles());
        assertEquals(50, rep.totals().cyclesInGuest());
        assertThrows(IllegalStateException.class, () -> rec.entry(200));
    }

    @Test
    void misuseFailsLoudly() {
        ExitRecorder rec = new ExitRecorder();
        rec.entry(0);
        // an I/O exit without its port, a CPUID exit with one
        assertThrows(IllegalArgumentException.class,
                () -> rec.exit(10, ExitReason.IO_INSTRUCTION.number, 0, 0, 0, ExitDetail.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> rec.exit(10, ExitReason.CPUID.number, 0, 0, 0, ExitDetail.io(0x80, 1, false)));
        rec.exit(10, ExitReason.CPUID.number, 0, 0, 5, ExitDetail.NONE);
        assertThrows(IllegalStateException.class, () -> rec.exit(11, ExitReason.CPUID.number, 0, 0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> rec.entry(9));
        rec.entry(20);
        assertThrows(IllegalStateException.class, () -> rec.entry(30));
        assertThrows(IllegalArgumentException.class, () -> rec.exit(40, ExitReason.CPUID.number, 0, 0, 4, 0));
    }

    @Test
    void entryFailureAndUnknownReasonsAreNamed() {
        assertEquals("ENTRY_FAILURE_INVALID_GUEST_STATE",
                ExitRecorder.reasonName(ExitReason.ENTRY_FAILURE_BIT | 33));
        assertEquals("CPUID", ExitRecorder.reasonName(10));
        assertEquals("UNKNOWN_35", ExitRecorder.reasonName(35));
        ExitRecorder rec = new ExitRecorder();
        rec.entry(0);
        rec.exit(5, ExitReason.ENTRY_FAILURE_BIT | 33, 0, 0, 0, ExitDetail.NONE);
        rec.entry(9);
        rec.exit(10, 200, 0, 0, 0, ExitDetail.NONE);
        rec.finish(12, 0);
        List<ExitStatsReport.Row> rows = rec.report().reasons();
        assertEquals(List.of("UNKNOWN_200", "ENTRY_FAILURE_INVALID_GUEST_STATE"),
                rows.stream().map(ExitStatsReport.Row::key).toList());
        assertEquals(0, rec.report().totals().exitsPerMillionInstructions());
    }
}
