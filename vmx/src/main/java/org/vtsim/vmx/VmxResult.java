package org.vtsim.vmx;

/**
 * How a VMX instruction ended, for a Java caller (x86 code sees the same outcome in RFLAGS: SDM
 * Vol. 3C 31.2 "Conventions"). Faults (#UD, #GP) are thrown as {@link org.vtsim.cpu.CpuFault}.
 */
public enum VmxResult {
    /** VMsucceed: CF = PF = AF = ZF = SF = OF = 0. */
    SUCCEED,
    /** VMfailInvalid: CF = 1, no current VMCS to hold an error number. */
    FAIL_INVALID,
    /** VMfailValid: ZF = 1, the error number is in the VM-instruction error field of the current VMCS. */
    FAIL_VALID,
    /** VMLAUNCH/VMRESUME entered the guest: the CPU is in VMX non-root operation. */
    VM_ENTERED,
    /**
     * VMLAUNCH/VMRESUME failed after the guest-state checks or during MSR loading (SDM 26.8): a VM-entry
     * failure exit loaded the host state; the exit reason (bit 31 set) is in the VMCS.
     */
    VM_ENTRY_FAILED
}
