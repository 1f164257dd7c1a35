package org.vtsim.tools;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vtsim.vmx.vmcs.VmcsDump;
import org.vtsim.vmx.vmcs.VmcsJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vtsim vmcs dump FILE.json}: a VMCS grouped as SDM 24.4–24.9. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print a VMCS (JSON, see docs/vmcs-tools.md) grouped as in SDM 24.4-24.9, control words "
                + "decoded, exit information explained.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:printed", "2:bad command line, unreadable file, malformed JSON or unknown field"})
final class VmcsDumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelCpuOptions cpu;

    @Parameters(index = "0", paramLabel = "FILE.json", description = "The VMCS in vtsim's JSON form.")
    Path file;

    @Option(names = "--nonzero", description = "Leave out fields holding 0.")
    boolean nonZero;

    @Override
    public Integer call() {
        VmcsJson.Document doc;
        try {
            doc = VmcsInput.read(file);
        } catch (VmcsInput.BadInput e) {
            spec.commandLine().getErr().println("vtsim: " + e.getMessage());
            return ExitStatus.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(VmcsDump.dump(doc.vmcs(), cpu.capabilities(), nonZero));
        out.flush();
        return ExitStatus.OK;
    }
}
