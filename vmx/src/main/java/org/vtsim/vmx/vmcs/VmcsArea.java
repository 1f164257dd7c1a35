package org.vtsim.vmx.vmcs;

/**
 * The groups the SDM describes the VMCS in (Vol. 3C 24.3, sections 24.4–24.9). The encoding's type
 * bits separate guest state, host state and exit information; the control fields are split by the
 * SDM into execution, exit and entry controls, which the encoding does not say, so the split is by
 * the section each control field is described in.
 */
public enum VmcsArea {
    GUEST_STATE("24.4", "Guest-state area"),
    HOST_STATE("24.5", "Host-state area"),
    VM_EXECUTION_CONTROLS("24.6", "VM-execution control fields"),
    VM_EXIT_CONTROLS("24.7", "VM-exit control fields"),
    VM_ENTRY_CONTROLS("24.8", "VM-entry control fields"),
    VM_EXIT_INFORMATION("24.9", "VM-exit information fields");

    public final String sdmSection;
    public final String title;

    VmcsArea(String sdmSection, String title) {
        this.sdmSection = sdmSection;
        this.title = title;
    }

    public static VmcsArea of(VmcsField f) {
        switch (f.type()) {
            case GUEST_STATE:
                return GUEST_STATE;
            case HOST_STATE:
                return HOST_STATE;
            case EXIT_INFORMATION:
                return VM_EXIT_INFORMATION;
            default:
                break;
        }
        return switch (f) {
            // SDM 24.7: VM-exit controls and the VM-exit MSR-store / MSR-load areas.
            case PRIMARY_VM_EXIT_CONTROLS, SECONDARY_VM_EXIT_CONTROLS, VM_EXIT_MSR_STORE_COUNT,
                    VM_EXIT_MSR_STORE_ADDRESS, VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDRESS -> VM_EXIT_CONTROLS;
            // SDM 24.8: VM-entry controls, MSR-load area, event injection (with FRED's event data).
            case VM_ENTRY_CONTROLS, VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDRESS,
                    VM_ENTRY_INTERRUPTION_INFORMATION, VM_ENTRY_EXCEPTION_ERROR_CODE, VM_ENTRY_INSTRUCTION_LENGTH,
                    INJECTED_EVENT_DATA -> VM_ENTRY_CONTROLS;
            default -> VM_EXECUTION_CONTROLS;
        };
    }
}
