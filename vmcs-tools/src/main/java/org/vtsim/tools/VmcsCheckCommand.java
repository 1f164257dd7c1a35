package org.vtsim.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vtsim.vmx.entry.EntryCheckFailure;
import org.vtsim.vmx.entry.VmEntryChecks;
import org.vtsim.vmx.vmcs.VmcsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vtsim vmcs check FILE.json}: runs every VM-entry check of SDM 26.2 and 26.3.1 on a VMCS
 * ({@link VmEntryChecks#checkAll}) and explains each failure: how the processor reports it, the SDM
 * section and the rule.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Explain every VM-entry check (SDM 26.2, 26.3.1) a VMCS fails, with its SDM section.",
            "FILE.json is a VMCS in vtsim's JSON form (docs/vmcs-tools.md); its optional \"memory\" words "
                + "are the physical memory the PDPTE checks read."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every check passes", "2:bad command line, unreadable file, malformed JSON or unknown field",
            "12:the model does not implement a check this VMCS needs (the message names it)",
            "14:some checks fail (each is listed)"})
final class VmcsCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelCpuOptions cpu;

    @Parameters(index = "0", paramLabel = "FILE.json", description = "The VMCS in vtsim's JSON form.")
    Path file;

    @Option(names = "--vmm-32bit", description = "The VMM executing VMLAUNCH runs outside IA-32e mode "
            + "(IA32_EFER.LMA = 0; changes the host-state checks of SDM 26.2.4). Default: a 64-bit VMM.")
    boolean vmm32;

    @Override
    public Integer call() {
        VmcsJson.Document doc;
        try {
            doc = VmcsInput.read(file);
        } catch (VmcsInput.BadInput e) {
            spec.commandLine().getErr().println("vtsim: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        List<EntryCheckFailure> failures;
        try {
            failures = new VmEntryChecks(cpu.capabilities()).checkAll(doc.vmcs(), doc.memoryImage(), !vmm32);
        } catch (UnsupportedOperationException e) {
            spec.commandLine().getErr().println("vtsim: cannot check " + file + ": " + e.getMessage());
            return ExitStatus.UNSUPPORTED;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(report(file.toString(), cpu.describe() + (vmm32 ? ", 32-bit VMM" : ""), failures));
        out.flush();
        return failures.isEmpty() ? ExitStatus.OK : ExitStatus.ENTRY_CHECKS_FAILED;
    }

    static String report(String file, String cpu, List<EntryCheckFailure> failures) {
        StringBuilder sb = new StringBuilder();
        if (failures.isEmpty()) {
            return sb.append(file).append(": every VM-entry check passes (SDM 26.2, 26.3.1; ").append(cpu)
                    .append(")\n").toString();
        }
        sb.append(file).append(": ").append(failures.size()).append(" VM-entry check")
                .append(failures.size() == 1 ? "" : "s").append(" fail (").append(cpu).append(")\n");
        EntryCheckFailure first = failures.get(0);
        for (EntryCheckFailure f : failures) {
            sb.append("  SDM ").append(f.sdmSection()).append(": ").append(f.rule()).append('\n');
            sb.append("      reported as ").append(f.kind().report);
            if (!f.kind().isVmFail()) {
                sb.append(", exit qualification ").append(f.qualification());
            }
            sb.append('\n');
        }
        sb.append("VMLAUNCH/VMRESUME would report the first: ").append(first.kind().report);
        if (!first.kind().isVmFail()) {
            sb.append(" (qualification ").append(first.qualification()).append(')');
        }
        return sb.append('\n').toString();
    }
}
