package org.vtsim.vmx.entry;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.cpu.system.Msrs;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;

/**
 * What the entry checks need to know about the model processor beyond the VMX capability MSRs:
 * widths, the valid bits of the MSRs whose reserved bits VM entry checks, and the features the
 * model never has (SMM, SGX, RTM, CET, PKS), on which some rules depend.
 */
final class ProcessorFacts {
    /**
     * IA32_DEBUGCTL bits of a Skylake-class processor without RTM (SDM Vol. 4 Table 2-2 and
     * 17.4.1): LBR (0), BTF (1), TR (6), BTS (7), BTINT (8), BTS_OFF_OS (9), BTS_OFF_USR (10),
     * FREEZE_LBRS_ON_PMI (11), FREEZE_PERFMON_ON_PMI (12), ENABLE_UNCORE_PMI (13),
     * FREEZE_WHILE_SMM (14). All others are reserved.
     */
    static final long DEBUGCTL_VALID = 0x7fc3L;
    /** IA32_DEBUGCTL.BTF, used by the pending-debug-exception BS rule (SDM 26.3.1.5). */
    static final long DEBUGCTL_BTF = 1L << 1;
    /**
     * IA32_PERF_GLOBAL_CTRL bits: one enable per general-purpose and fixed counter CPUID.0AH reports
     * (SDM Vol. 3B 20.2.2). The model's CPUID leaf 0AH reports no counters, so every bit is reserved.
     */
    static final long PERF_GLOBAL_CTRL_VALID = 0;

    final VmxCapabilities caps;
    final int maxPhysAddr;
    /** Linear-address width for the canonical checks: 57 when the processor supports 5-level paging. */
    final int linearBits;
    final long eferValid;
    /** "Other event" (type 7) injection exists when the monitor trap flag does (SDM 26.2.1.3). */
    final boolean monitorTrapFlag;
    /** The model has no SMM, no SGX, no RTM: the rules that need them are always in force. */
    final boolean inSmm = false;
    final boolean sgx = false;
    final boolean rtm = false;

    ProcessorFacts(VmxCapabilities caps, CpuidModel cpu) {
        this.caps = caps;
        this.maxPhysAddr = caps.maxPhysAddr;
        this.linearBits = (caps.cr4Fixed1 & CpuState.CR4_LA57) != 0 ? 57 : 48;
        this.eferValid = Msrs.eferAllowed(cpu);
        this.monitorTrapFlag =
                ((caps.trueProcbasedCtls >>> 32) & PrimaryProcessorBasedControls.MONITOR_TRAP_FLAG) != 0;
    }
}
