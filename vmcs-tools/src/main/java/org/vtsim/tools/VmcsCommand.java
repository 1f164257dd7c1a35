package org.vtsim.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vtsim vmcs …}: the VMCS field table, dumps, decoders, the entry-check explainer, capability MSRs. */
@Command(name = "vmcs", mixinStandardHelpOptions = true,
        description = "VMCS tools: field table, dump, decoders, VM-entry check explainer, capability MSRs "
                + "(docs/vmcs-tools.md).",
        subcommands = {VmcsFieldsCommand.class, VmcsDumpCommand.class, VmcsDecodeCommand.class,
            VmcsCheckCommand.class, VmcsCapabilitiesCommand.class})
final class VmcsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: fields, dump, decode, check or capabilities");
    }
}
