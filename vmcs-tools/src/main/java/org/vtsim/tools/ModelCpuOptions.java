package org.vtsim.tools;

import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;
import picocli.CommandLine.Option;

/**
 * Which model CPU the {@code vtsim vmcs} commands describe: the default Skylake-class profile
 * ({@link VmxCapabilities#skylake}, EPT and VPID advertised), or the same without EPT or VPID —
 * they decide which VMCS fields exist (SDM Appendix B) and which controls are allowed.
 */
final class ModelCpuOptions {
    @Option(names = "--ept", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Model CPU advertises EPT (default; --no-ept: fields such as EPT_POINTER do not exist).")
    boolean ept = true;

    @Option(names = "--vpid", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Model CPU advertises VPID (default; --no-vpid: VIRTUAL_PROCESSOR_IDENTIFIER does not exist).")
    boolean vpid = true;

    VmxCapabilities capabilities() {
        return VmxCapabilities.of(CpuidModel.skylake(), ept, vpid);
    }

    String describe() {
        if (ept && vpid) {
            return "Skylake-class model CPU (EPT and VPID)";
        }
        return "Skylake-class model CPU" + (ept ? " with EPT, no VPID" : vpid ? " with VPID, no EPT" : " (no EPT, no VPID)");
    }
}
