package org.vtsim.tools.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The figures of one row of results.csv / results.json, by column name, in column order: the fixed
 * columns, then one column per exit reason, memory counter and translation counter that any run of the
 * study reported ({@code exits.REASON}, {@code memory.NAME}, {@code translation.NAME}), so counters a new
 * back-end adds (shadow paging's {@code shadow.*}) appear without a change here. A value is a String, a
 * Long, a Double (NaN: no figure), a Boolean, or null (no figure).
 */
public final class Columns {
    private Columns() {
    }

    /** Every column of the study, in order. */
    public static List<String> names(List<Study.Result> results) {
        List<String> names = new ArrayList<>(List.of("workload", "guest", "args", "sweep", "sweep_value", "mode",
                "host_pages", "outcome", "exit_status", "detail", "instructions", "cycles", "overhead_vs_native",
                "exits", "exits_per_million_instructions", "idle_cycles", "tlb_misses", "walk_references",
                "walk_references_per_miss", "guest_page_faults", "same_output_as_native"));
        TreeSet<String> reasons = new TreeSet<>();
        TreeSet<String> memory = new TreeSet<>();
        TreeSet<String> translation = new TreeSet<>();
        for (Study.Result r : results) {
            for (Study.Row row : r.rows()) {
                reasons.addAll(row.m().exitsByReason().keySet());
                memory.addAll(row.m().memory().keySet());
                translation.addAll(row.m().translation().keySet());
            }
        }
        reasons.forEach(k -> names.add("exits." + k));
        memory.forEach(k -> names.add("memory." + k));
        translation.forEach(k -> names.add("translation." + k));
        return names;
    }

    /** One row's values by column (every name of {@link #names} present). */
    public static Map<String, Object> values(Study.Result r, Study.Row row, List<String> names) {
        Measurement m = row.m();
        Map<String, Object> v = new LinkedHashMap<>();
        SweepPoint p = r.kase().point();
        v.put("workload", r.kase().label());
        v.put("guest", r.kase().workload().image());
        v.put("args", row.spec().args());
        v.put("sweep", p == null ? null : p.name());
        v.put("sweep_value", p == null ? null : p.value());
        v.put("mode", row.spec().mode().label());
        v.put("host_pages", row.spec().mode().virtualized() ? (row.spec().hostLargePages() ? "2m" : "4k") : null);
        v.put("outcome", m.outcomeName());
        v.put("exit_status", m.completed() ? (Object) (long) m.exitStatus() : null);
        v.put("detail", m.detail());
        boolean ran = m.ran();
        boolean vm = row.spec().mode().virtualized();
        v.put("instructions", ran ? m.instructions() : null);
        v.put("cycles", ran ? m.cycles() : null);
        v.put("overhead_vs_native", row.overhead());
        v.put("exits", ran && vm ? m.exits() : null);
        v.put("exits_per_million_instructions", ran && vm && m.instructions() > 0
                ? m.exits() * 1e6 / m.instructions() : null);
        v.put("idle_cycles", ran && vm ? m.idleCycles() : null);
        v.put("tlb_misses", ran ? m.tlbMisses() : null);
        v.put("walk_references", ran ? m.walkReferences() : null);
        v.put("walk_references_per_miss", ran ? m.walkReferencesPerMiss() : null);
        v.put("guest_page_faults", ran && m.guestPageFaults() >= 0 ? m.guestPageFaults() : null);
        v.put("same_output_as_native", row.sameOutputAsNative());
        for (String n : names) {
            if (n.startsWith("exits.")) {
                v.put(n, ran && vm ? m.exitsByReason().getOrDefault(n.substring(6), 0L) : null);
            } else if (n.startsWith("memory.")) {
                v.put(n, m.memory().get(n.substring(7)));
            } else if (n.startsWith("translation.")) {
                v.put(n, m.translation().get(n.substring(12)));
            }
        }
        return v;
    }
}
