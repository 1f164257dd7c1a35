package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;

/**
 * The text table keeps the layout of {@code perf kvm stat report}: its header line is perf's byte for byte
 * (tools/perf/builtin-kvm.c print_result: "%20s %10s %9s %9s %11s %11s %16s "), rows use perf's widths with
 * "cy" where perf prints "us".
 */
class PerfKvmTableTest {

    /** Three CPUID exits of 1000, 1200 and 1400 cycles, one OUT to port 0x80 of 5000 cycles. */
    private static ExitStatsReport example() {
        ExitRecorder rec = new ExitRecorder();
        rec.entry(0);
        long t = 0;
        for (long handling : new long[] {1000, 1200, 1400}) {
            t += 100;
            rec.exit(t, ExitReason.CPUID.number, 0, 0x100000, 0, ExitDetail.NONE);
            t += handling;
            rec.entry(t);
        }
        rec.exit(t + 100, ExitReason.IO_INSTRUCTION.number, 0x800048, 0x100010, 0, ExitDetail.io(0x80, 1, false));
        rec.entry(t + 5100);
        rec.finish(10000, 2_000_000);
        return rec.report();
    }

    @Test
    void goldenLayoutSortedBySamples() {
        // CPUID: mean 1200, sample stddev 200, stddev of the mean 200/sqrt(3) = 115.47 → 9.62 % of 1200;
        // time shares 3600/8600 and 5000/8600 of the 8600 handling cycles
        String expected = """

                Analyze events for all VMs, all VCPUs (times in model cycles):

                             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\s

                               CPUID          3    75.00%    41.86%      1000cy      1400cy   1200.00cy ( +-   9.62% )
                      IO_INSTRUCTION          1    25.00%    58.14%      5000cy      5000cy   5000.00cy ( +-   0.00% )

                Total Samples:4, Total events handled time:8600cy.


                Breakdown of IO_INSTRUCTION exits by IO Port Access (times in model cycles):

                      IO Port Access    Samples  Samples%     Time%    Min Time    Max Time         Avg time\s

                         0x80:POUT:1          1   100.00%   100.00%      5000cy      5000cy   5000.00cy ( +-   0.00% )

                Total Samples:1, Total events handled time:5000cy.

                Guest instructions:2000000, exits per million instructions:2.00.
                Cycles in guest:1400 (14.00%), in exits:8600 (86.00%).
                """;
        assertEquals(expected, PerfKvmTable.format(example(), ExitStatsReport.Sort.SAMPLES));
    }

    @Test
    void sortByTimePutsTheCostliestReasonFirst() {
        String text = PerfKvmTable.format(example(), ExitStatsReport.Sort.TIME);
        int io = text.indexOf("      IO_INSTRUCTION          1");
        int cpuid = text.indexOf("               CPUID          3");
        assertEquals(true, io > 0 && cpuid > io, text);
        assertEquals(ExitStatsReport.Sort.TIME, ExitStatsReport.Sort.parse("time"));
        assertEquals(ExitStatsReport.Sort.SAMPLES, ExitStatsReport.Sort.parse("sample"));
        assertThrows(IllegalArgumentException.class, () -> ExitStatsReport.Sort.parse("count"));
    }

    @Test
    void keyColumnWidensForLongNames() {
        ExitRecorder rec = new ExitRecorder();
        rec.entry(0);
        rec.exit(10, ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, 0, 0, 0, ExitDetail.NONE);
        rec.entry(20);
        rec.finish(30, 0);
        String text = PerfKvmTable.format(rec.report(), ExitStatsReport.Sort.SAMPLES);
        // 28 characters: perf's %20s would push the numbers right; the header widens with it
        assertEquals(true, text.contains("\n                     VM-EXIT    Samples"), text);
        assertEquals(true, text.contains("\nVMX_PREEMPTION_TIMER_EXPIRED          1   100.00%"), text);
    }
}
