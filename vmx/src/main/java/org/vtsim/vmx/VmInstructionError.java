package org.vtsim.vmx;

/**
 * VM-instruction error numbers, SDM Vol. 3C 31.4 (Table 31-1): the value VMfailValid stores in the
 * VM-instruction error field of the current VMCS.
 */
public enum VmInstructionError {
    VMCALL_IN_VMX_ROOT_OPERATION(1, "VMCALL executed in VMX root operation"),
    VMCLEAR_INVALID_ADDRESS(2, "VMCLEAR with invalid physical address"),
    VMCLEAR_VMXON_POINTER(3, "VMCLEAR with VMXON pointer"),
    VMLAUNCH_NON_CLEAR_VMCS(4, "VMLAUNCH with non-clear VMCS"),
    VMRESUME_NON_LAUNCHED_VMCS(5, "VMRESUME with non-launched VMCS"),
    VMRESUME_AFTER_VMXOFF(6, "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)"),
    ENTRY_INVALID_CONTROL_FIELDS(7, "VM entry with invalid control field(s)"),
    ENTRY_INVALID_HOST_STATE(8, "VM entry with invalid host-state field(s)"),
    VMPTRLD_INVALID_ADDRESS(9, "VMPTRLD with invalid physical address"),
    VMPTRLD_VMXON_POINTER(10, "VMPTRLD with VMXON pointer"),
    VMPTRLD_INCORRECT_REVISION(11, "VMPTRLD with incorrect VMCS revision identifier"),
    UNSUPPORTED_VMCS_COMPONENT(12, "VMREAD/VMWRITE from/to unsupported VMCS component"),
    VMWRITE_READ_ONLY_COMPONENT(13, "VMWRITE to read-only VMCS component"),
    VMXON_IN_VMX_ROOT_OPERATION(15, "VMXON executed in VMX root operation"),
    ENTRY_INVALID_EXECUTIVE_VMCS_POINTER(16, "VM entry with invalid executive-VMCS pointer"),
    ENTRY_NON_LAUNCHED_EXECUTIVE_VMCS(17, "VM entry with non-launched executive VMCS"),
    ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER(18,
            "VM entry with executive-VMCS pointer not VMXON pointer (when attempting to deactivate the "
            + "dual-monitor treatment of SMIs and SMM)"),
    VMCALL_NON_CLEAR_VMCS(19, "VMCALL with non-clear VMCS (when attempting to activate the dual-monitor "
            + "treatment of SMIs and SMM)"),
    VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS(20, "VMCALL with invalid VM-exit control fields"),
    VMCALL_INCORRECT_MSEG_REVISION(22, "VMCALL with incorrect MSEG revision identifier (when attempting to "
            + "activate the dual-monitor treatment of SMIs and SMM)"),
    VMXOFF_UNDER_DUAL_MONITOR(23, "VMXOFF under dual-monitor treatment of SMIs and SMM"),
    VMCALL_INVALID_SMM_MONITOR_FEATURES(24, "VMCALL with invalid SMM-monitor features (when attempting to "
            + "activate the dual-monitor treatment of SMIs and SMM)"),
    ENTRY_INVALID_EXECUTION_CONTROLS_IN_EXECUTIVE_VMCS(25,
            "VM entry with invalid VM-execution control fields in executive VMCS (when attempting to return "
            + "from SMM)"),
    ENTRY_EVENTS_BLOCKED_BY_MOV_SS(26, "VM entry with events blocked by MOV SS"),
    INVALID_OPERAND_TO_INVEPT_INVVPID(28, "Invalid operand to INVEPT/INVVPID");

    public final int number;
    public final String sdmText;

    VmInstructionError(int number, String sdmText) {
        this.number = number;
        this.sdmText = sdmText;
    }

    public static VmInstructionError byNumber(int number) {
        for (VmInstructionError e : values()) {
            if (e.number == number) {
                return e;
            }
        }
        return null;
    }
}
