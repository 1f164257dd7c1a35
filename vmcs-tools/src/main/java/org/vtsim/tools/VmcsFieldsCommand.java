package org.vtsim.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.FieldWidth;
import org.vtsim.vmx.vmcs.VmcsField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vtsim vmcs fields}: the VMCS field table (SDM Vol. 3C Appendix B; width/type from 24.11.2). */
@Command(name = "fields", mixinStandardHelpOptions = true,
        description = {"Print the VMCS field table: name, encoding, width, type, access types, SDM name.",
            "Width and type are derived from the encoding (SDM 24.11.2); 64-bit fields also have the high",
            "access type at encoding+1."})
final class VmcsFieldsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelCpuOptions cpu;

    @Option(names = "--all", description = "Include the fields the model CPU does not have, marked 'absent'.")
    boolean all;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(table(cpu.capabilities(), all));
        out.flush();
        return ExitStatus.OK;
    }

    static String table(VmxCapabilities caps, boolean all) {
        int w = 0;
        for (VmcsField f : VmcsField.values()) {
            w = Math.max(w, f.name().length());
        }
        String fmt = "%-" + w + "s  %-8s  %-7s  %-14s  %-9s  %s%n";
        StringBuilder sb = new StringBuilder(String.format(fmt, "NAME", "ENCODING", "WIDTH", "TYPE", "ACCESS",
                "SDM NAME"));
        for (VmcsField f : VmcsField.values()) {
            boolean exists = caps.fieldExists(f);
            if (!exists && !all) {
                continue;
            }
            String sdm = f.sdmName + (exists ? "" : "  [absent: needs " + f.feature + "]");
            sb.append(String.format(fmt, f.name(), String.format("0x%04x", f.encoding), width(f.width()),
                    f.type().description, f.width() == FieldWidth.BITS_64 ? "full+high" : "full", sdm));
        }
        return sb.toString();
    }

    static String width(FieldWidth w) {
        return w == FieldWidth.NATURAL ? "natural" : w.bits + "-bit";
    }
}
