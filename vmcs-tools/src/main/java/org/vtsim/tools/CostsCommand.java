package org.vtsim.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the cost profile: every charged item, its cycles and the source of the figure. */
@Command(name = "costs", mixinStandardHelpOptions = true,
        description = "Print the cost profile (cycles per item, with sources).")
final class CostsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE", description = "A bundled profile by name (skylake, the "
            + "default; nehalem) or a properties file overriding items of the Skylake profile.")
    String profile;

    @Option(names = "--markdown", description = "Print the table as Markdown (docs/cost-model.md is made so).")
    boolean markdown;

    @Override
    public Integer call() {
        CostProfile p;
        try {
            p = profile == null ? CostProfile.skylake() : CostProfile.resolve(profile);
        } catch (IOException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("vtsim: cannot use cost profile " + profile + ": " + e.getMessage());
            return ExitStatus.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(markdown ? markdownTable(p) : plainTable(p));
        out.flush();
        return ExitStatus.OK;
    }

    static String markdownTable(CostProfile p) {
        StringBuilder sb = new StringBuilder();
        sb.append("| item | cycles | source |\n|---|---:|---|\n");
        for (Cost c : Cost.values()) {
            sb.append("| `").append(c.name()).append("` | ").append(p.cycles(c)).append(" | ")
                    .append(source(p, c).replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    static String plainTable(CostProfile p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("cost profile: %s%n", p.name()));
        for (Cost c : Cost.values()) {
            sb.append(String.format("  %-18s %6d  %s%n", c.name(), p.cycles(c), source(p, c)));
        }
        return sb.toString();
    }

    /** The default's source, or the profile that changed the figure (its file cites the source). */
    private static String source(CostProfile p, Cost c) {
        return p.cycles(c) == c.defaultCycles() ? c.source()
                : "profile " + p.name() + " (default " + c.defaultCycles() + "; the profile's file cites its source)";
    }
}
