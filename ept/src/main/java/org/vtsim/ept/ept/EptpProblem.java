package org.vtsim.ept.ept;

/**
 * Why an EPTP value is invalid, one constant per rule of the VM-entry check on the EPT pointer
 * (SDM Vol. 3C 26.2.1.1, "If the enable EPT VM-execution control is 1, the EPTP VM-execution control
 * field must satisfy ..."), and of INVEPT's single-context descriptor check.
 */
public enum EptpProblem {
    /** Bits 2:0: a memory type the processor does not report in IA32_VMX_EPT_VPID_CAP (only UC and WB can be). */
    MEMORY_TYPE("EPT paging-structure memory type (bits 2:0) not supported"),
    /** Bits 5:3: the page-walk length minus 1 is not one the processor supports (3 for 4 levels, 4 for 5). */
    PAGE_WALK_LENGTH("page-walk length (bits 5:3) not supported"),
    /** Bit 6 is 1 but IA32_VMX_EPT_VPID_CAP bit 21 (A/D flags for EPT) is 0. */
    ACCESSED_DIRTY_UNSUPPORTED("A/D enable (bit 6) set without EPT A/D support"),
    /** Bit 7 is 1 but supervisor shadow-stack control is not supported (IA32_VMX_EPT_VPID_CAP bit 23). */
    SUPERVISOR_SHADOW_STACK_UNSUPPORTED("supervisor shadow-stack control (bit 7) set without support"),
    /** Bits 11:8 are reserved. */
    RESERVED_LOW("reserved bits 11:8 set"),
    /** Bits 63:N (N = MAXPHYADDR) are reserved. */
    RESERVED_HIGH("reserved bits 63:MAXPHYADDR set");

    private final String text;

    EptpProblem(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
