package org.vtsim.vmx.vmcs;

/**
 * The processor feature whose support makes a VMCS field exist (SDM Vol. 3C Appendix B: "this
 * field exists only on processors that support the 1-setting of …"). VMREAD and VMWRITE of a
 * field whose feature the model CPU does not advertise fail with VM-instruction error 12, as on
 * hardware; which features are advertised is decided by the capability MSRs.
 */
public enum FieldFeature {
    /** Exists on every VMX processor. */
    ALWAYS,
    VPID,
    POSTED_INTERRUPTS,
    /** EPTP switching (VM function 0) and its EPTP-list address. */
    EPTP_SWITCHING,
    /** EPT-violation #VE: the virtualization-exception information address and the EPTP index. */
    EPT_VIOLATION_VE,
    VIRTUAL_INTERRUPT_DELIVERY,
    PAGE_MODIFICATION_LOGGING,
    EPT,
    TSC_SCALING,
    VM_FUNCTIONS,
    VMCS_SHADOWING,
    XSAVES,
    SGX,
    TPR_SHADOW,
    VIRTUALIZE_APIC_ACCESSES,
    PAUSE_LOOP_EXITING,
    PREEMPTION_TIMER,
    PAT,
    EFER,
    PERF_GLOBAL_CTRL,
    /** Intel MPX: IA32_BNDCFGS. */
    MPX,
    /** Intel Processor Trace: IA32_RTIT_CTL. */
    PROCESSOR_TRACE,
    /** The dual-monitor treatment of SMIs and SMM (executive-VMCS pointer). */
    DUAL_MONITOR_SMM,
    /**
     * Fields of processors newer than the Skylake-class model (FRED, CET, PKS, arch LBRs, HLAT,
     * PASID translation, SPP, tertiary controls, notify window, IPI virtualization, …). vtsim lists
     * them so encodings are recognised, and never advertises them.
     */
    LATER_GENERATION
}
