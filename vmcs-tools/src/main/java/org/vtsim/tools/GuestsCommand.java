package org.vtsim.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vtsim.guests.Guests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the bundled guests and their default arguments. */
@Command(name = "guests", mixinStandardHelpOptions = true, description = "List the bundled guest workloads.")
final class GuestsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String name : Guests.allNames()) {
            out.printf("%-10s %-28s%s%n", name, Guests.defaultArgs(name),
                    Guests.needsVmx(name) ? "  (a hypervisor: runs with --vmx)" : "");
        }
        out.flush();
        return ExitStatus.OK;
    }
}
