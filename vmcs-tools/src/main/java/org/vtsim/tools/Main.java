package org.vtsim.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vtsim} command line. Exit statuses: a guest run returns the guest's exit-device
 * status (always odd, as QEMU's isa-debug-exit makes it); vtsim's own outcomes are even — see
 * {@link ExitStatus}.
 */
@Command(name = "vtsim",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A cycle-level model of a VT-x capable x86-64 CPU with a thin KVM-like monitor.",
        subcommands = {RunCommand.class, CompareCommand.class, VmcsCommand.class, GuestsCommand.class, CostsCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the process exit status (for tests and {@link #main}). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** As {@link #execute(String...)}, with vtsim's own output and messages sent to the given writers. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // A bug in vtsim itself: say so on one line plus the trace for the report.
            cmd.getErr().println("vtsim: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return ExitStatus.INTERNAL_ERROR;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand (try 'vtsim run hello')");
    }
}
