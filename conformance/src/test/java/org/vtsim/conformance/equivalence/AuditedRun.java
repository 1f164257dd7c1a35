package org.vtsim.conformance.equivalence;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.shadow.ShadowAudit;
import org.vtsim.monitor.shadow.ShadowMmu;
import org.vtsim.monitor.stats.ExitSink;

/**
 * One run of a bundled guest under a mode, with the shadow MMU's invariant ({@link ShadowAudit}) checked
 * after every VM exit when the run is under shadow paging and auditing is asked for. The exit sink is
 * called once an exit's handling is complete (at the next VM entry), so the audit sees the shadow tables
 * the processor is about to use. Only the first problems are kept: after the first broken invariant the
 * rest of the run is no longer evidence of anything.
 *
 * @param machine the machine after the run (host memory, the VM)
 * @param result the run's result
 * @param output the serial output (ISO-8859-1, byte for byte)
 * @param problems the first invariant violations, each with the exit after which it was seen; empty if none
 * @param audits how many times the audit ran (0 unless auditing under shadow paging)
 */
public record AuditedRun(Machine machine, RunResult result, String output, List<String> problems, long audits) {
    /** Problems kept per run. */
    public static final int PROBLEMS = 5;

    public static AuditedRun run(String name, String args, Mode mode, boolean audit, long maxInstructions)
            throws Exception {
        return run(MachineConfig.defaults(new ByteArrayOutputStream()), name, args, mode, audit, maxInstructions);
    }

    /**
     * As {@link #run(String, String, Mode, boolean, long)}, from {@code base} (its serial stream, arguments,
     * mode and bound are replaced).
     */
    public static AuditedRun run(MachineConfig base, String name, String args, Mode mode, boolean audit,
            long maxInstructions) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        long[] audits = {0};
        Machine[] machine = new Machine[1];
        MachineConfig config = new MachineConfig(base.ramBytes(), base.cpuHz(), base.costs(), args, base.modules(),
                maxInstructions, base.epoch(), serial, base.vmx(), mode, null, base.hostLargePages());
        if (audit && mode == Mode.SHADOW) {
            config = config.withTrace(new ExitSink() {
                @Override
                public void exit(long cycle, long handling, int reason, long qualification, long rip, long detail) {
                    ShadowMmu mmu = machine[0] == null ? null : machine[0].vm().shadowMmu();
                    if (mmu == null || !problems.isEmpty()) {
                        return;
                    }
                    audits[0]++;
                    for (String p : ShadowAudit.check(mmu, PROBLEMS)) {
                        problems.add("after exit " + audits[0] + " (reason " + (reason & 0xffff) + ", guest rip 0x"
                                + Long.toHexString(rip) + "): " + p);
                    }
                }

                @Override
                public void close() {
                }
            });
        }
        Machine m = Machine.boot(config, name, Guests.image(name));
        machine[0] = m;
        RunResult r = m.run();
        return new AuditedRun(m, r, serial.toString(StandardCharsets.ISO_8859_1), List.copyOf(problems), audits[0]);
    }

    /** Page faults the guest's own handler received (RunResult.memory(), every mode). */
    public long guestPageFaults() {
        Long n = result.memory().get("guest.pageFaults");
        if (n == null) {
            throw new AssertionError("RunResult.memory() has no guest.pageFaults under " + result.mode());
        }
        return n;
    }

    /** A counter of RunResult.memory(), 0 when absent. */
    public long memory(String name) {
        return result.memory().getOrDefault(name, 0L);
    }
}
