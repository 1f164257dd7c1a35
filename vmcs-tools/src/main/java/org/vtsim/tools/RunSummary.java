package org.vtsim.tools;

import java.io.PrintWriter;
import java.util.Map;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;

/** The end-of-run summary vtsim prints on stderr. */
final class RunSummary {
    private RunSummary() {
    }

    static void print(PrintWriter err, String image, RunResult r) {
        err.println();
        err.println("vtsim: " + image + ": " + outcomeLine(r));
        if (!r.report().isEmpty()) {
            err.print(r.report().endsWith("\n") ? r.report() : r.report() + "\n");
        }
        err.printf("  %-28s %s%n", "mode", r.mode().label());
        err.printf("  %-28s %,d%n", "instructions", r.instructions());
        err.printf("  %-28s %,d%n", "simulated cycles", r.cycles());
        err.printf("  %-28s %.3f%n", "cycles per instruction", r.cyclesPerInstruction());
        if (r.mode() != Mode.NATIVE) {
            err.printf("  %-28s %,d%n", "VM exits", r.exits());
            err.printf("  %-28s %.1f%n", "exits per million instr.", r.exitsPerMillionInstructions());
            err.printf("  %-28s %s %%%n", "instructions without an exit", percent(r.instructionsWithoutExitShare()));
            err.printf("  %-28s %,d%n", "idle (halted) cycles", r.idleCycles());
        }
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(r.translation()).entrySet()) {
            err.printf("  %-28s %,d%n", e.getKey(), e.getValue());
        }
        // Memory virtualisation: guest.pageFaults always; ept.* or shadow.* and unassigned.* under the monitor.
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(r.memory()).entrySet()) {
            err.printf("  %-28s %,d%n", e.getKey(), e.getValue());
        }
        if (r.unimplemented().isEmpty()) {
            err.printf("  %-28s %s%n", "unimplemented instructions", "none");
        } else {
            long total = r.unimplemented().values().stream().mapToLong(Long::longValue).sum();
            err.printf("  %-28s %,d executions of %d encodings:%n", "unimplemented instructions", total,
                    r.unimplemented().size());
            new java.util.TreeMap<>(r.unimplemented()).forEach((k, v) -> err.printf("    %-40s %,d%n", k, v));
        }
        err.printf("  %-28s %.3f s (%.1f MIPS)%n", "host time", r.hostNanos() / 1e9, r.mips());
        err.flush();
    }

    /**
     * A share as a percentage with two decimals, truncated rather than rounded so that 99.996 % prints
     * 99.99, never 100.00 while some instruction did exit.
     */
    static String percent(double share) {
        return String.format("%.2f", Math.floor(share * 10_000) / 100);
    }

    static String outcomeLine(RunResult r) {
        return switch (r.outcome()) {
            case GUEST_EXIT -> "guest exited with status " + r.exitStatus() + " (exit code " + (r.exitStatus() >>> 1)
                    + ")";
            case SHUTDOWN -> "guest shut down: " + r.detail();
            case LIMIT_REACHED -> r.detail();
            case HUNG -> "guest hung: " + r.detail();
            case UNSUPPORTED -> r.detail().startsWith("unsupported") ? r.detail() : "unsupported: " + r.detail();
            case INTERNAL_ERROR -> "internal error in vtsim: " + r.detail();
        };
    }

    /** The process exit status for a run: the guest's, or vtsim's own (even) outcome status. */
    static int processStatus(RunResult r) {
        Outcome o = r.outcome();
        return switch (o) {
            case GUEST_EXIT -> r.exitStatus();
            case SHUTDOWN -> ExitStatus.GUEST_SHUTDOWN;
            case LIMIT_REACHED -> ExitStatus.LIMIT_REACHED;
            case HUNG -> ExitStatus.GUEST_HUNG;
            case UNSUPPORTED -> ExitStatus.UNSUPPORTED;
            case INTERNAL_ERROR -> ExitStatus.INTERNAL_ERROR;
        };
    }
}
