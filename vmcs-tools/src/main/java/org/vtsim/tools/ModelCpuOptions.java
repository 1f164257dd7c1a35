package org.vtsim.tools;

import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;
import picocli.CommandLine.Option;

/**
 * Which model CPU the {@code vtsim vmcs} commands describe: the Skylake-class profile, with EPT and
 * VPID advertised only when asked (they decide which VMCS fields exist, SDM Appendix B).
 */
final class ModelCpuOptions {
    @Option(names = "--ept", description = "Model CPU advertises EPT (its fields exist, e.g. EPT_POINTER).")
    boolean ept;

    @Option(names = "--vpid", description = "Model CPU advertises VPID (VIRTUAL_PROCESSOR_IDENTIFIER exists).")
    boolean vpid;

    VmxCapabilities capabilities() {
        return VmxCapabilities.of(CpuidModel.skylake(), ept, vpid);
    }

    String describe() {
        return "Skylake-class model CPU" + (ept || vpid ? " with " + (ept ? "EPT" : "") + (ept && vpid ? " and " : "")
                + (vpid ? "VPID" : "") : " (no EPT, no VPID)");
    }
}
