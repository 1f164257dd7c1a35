package org.vtsim.bench;

import org.vtsim.machine.Machine;
import org.vtsim.machine.Mode;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.stats.ExitStatsReport;

/**
 * The guest page faults a monitor resolved without the guest seeing them in one run: under shadow paging
 * the #PF exits the shadow MMU fixed by filling its tables ({@code shadow.faults}, not those reflected into
 * the guest), under EPT the EPT-violation exits (SDM Vol. 3C 28.3.3.2, reason 48), natively none.
 */
final class MonitorFaults {
    private MonitorFaults() {
    }

    static long of(Machine m, RunResult r) {
        if (r.mode() == Mode.SHADOW) {
            return r.memory().getOrDefault("shadow.faults", 0L);
        }
        if (r.mode() == Mode.EPT) {
            for (ExitStatsReport.Row row : m.vm().vcpu().recorder().report().reasons()) {
                if (row.key().equals("EPT_VIOLATION")) {
                    return row.count();
                }
            }
        }
        return 0;
    }
}
