package org.vtsim.vmx.vmcs;

import static org.vtsim.vmx.vmcs.FieldFeature.*;


/**
 * Every VMCS field of SDM Vol. 3C Appendix B, by its encoding. Width, type and index are derived
 * from the encoding bits (SDM 24.11.2), never listed a second time; 64-bit fields are listed once
 * (the full access type) and their "high" encodings are recognised by {@link #byEncoding(int)}.
 *
 * <p>Names follow the SDM's wording, in constant case.
 */
public enum VmcsField {
    // ---- B.1.1 16-bit control fields ----
    VIRTUAL_PROCESSOR_IDENTIFIER(0x0000, "Virtual-processor identifier (VPID)", VPID),
    POSTED_INTERRUPT_NOTIFICATION_VECTOR(0x0002, "Posted-interrupt notification vector", POSTED_INTERRUPTS),
    EPTP_INDEX(0x0004, "EPTP index", EPT_VIOLATION_VE),
    HLAT_PREFIX_SIZE(0x0006, "HLAT prefix size", LATER_GENERATION),
    LAST_PID_POINTER_INDEX(0x0008, "Last PID-pointer index", LATER_GENERATION),
    // ---- B.1.2 16-bit guest-state fields ----
    GUEST_ES_SELECTOR(0x0800, "Guest ES selector", ALWAYS),
    GUEST_CS_SELECTOR(0x0802, "Guest CS selector", ALWAYS),
    GUEST_SS_SELECTOR(0x0804, "Guest SS selector", ALWAYS),
    GUEST_DS_SELECTOR(0x0806, "Guest DS selector", ALWAYS),
    GUEST_FS_SELECTOR(0x0808, "Guest FS selector", ALWAYS),
    GUEST_GS_SELECTOR(0x080a, "Guest GS selector", ALWAYS),
    GUEST_LDTR_SELECTOR(0x080c, "Guest LDTR selector", ALWAYS),
    GUEST_TR_SELECTOR(0x080e, "Guest TR selector", ALWAYS),
    GUEST_INTERRUPT_STATUS(0x0810, "Guest interrupt status", VIRTUAL_INTERRUPT_DELIVERY),
    PML_INDEX(0x0812, "PML index", PAGE_MODIFICATION_LOGGING),
    GUEST_UINV(0x0814, "Guest UINV", LATER_GENERATION),
    // ---- B.1.3 16-bit host-state fields ----
    HOST_ES_SELECTOR(0x0c00, "Host ES selector", ALWAYS),
    HOST_CS_SELECTOR(0x0c02, "Host CS selector", ALWAYS),
    HOST_SS_SELECTOR(0x0c04, "Host SS selector", ALWAYS),
    HOST_DS_SELECTOR(0x0c06, "Host DS selector", ALWAYS),
    HOST_FS_SELECTOR(0x0c08, "Host FS selector", ALWAYS),
    HOST_GS_SELECTOR(0x0c0a, "Host GS selector", ALWAYS),
    HOST_TR_SELECTOR(0x0c0c, "Host TR selector", ALWAYS),
    // ---- B.2.1 64-bit control fields ----
    IO_BITMAP_A_ADDRESS(0x2000, "Address of I/O bitmap A", ALWAYS),
    IO_BITMAP_B_ADDRESS(0x2002, "Address of I/O bitmap B", ALWAYS),
    MSR_BITMAPS_ADDRESS(0x2004, "Address of MSR bitmaps", ALWAYS),
    VM_EXIT_MSR_STORE_ADDRESS(0x2006, "VM-exit MSR-store address", ALWAYS),
    VM_EXIT_MSR_LOAD_ADDRESS(0x2008, "VM-exit MSR-load address", ALWAYS),
    VM_ENTRY_MSR_LOAD_ADDRESS(0x200a, "VM-entry MSR-load address", ALWAYS),
    EXECUTIVE_VMCS_POINTER(0x200c, "Executive-VMCS pointer", DUAL_MONITOR_SMM),
    PML_ADDRESS(0x200e, "PML address", PAGE_MODIFICATION_LOGGING),
    TSC_OFFSET(0x2010, "TSC offset", ALWAYS),
    VIRTUAL_APIC_ADDRESS(0x2012, "Virtual-APIC address", TPR_SHADOW),
    APIC_ACCESS_ADDRESS(0x2014, "APIC-access address", VIRTUALIZE_APIC_ACCESSES),
    POSTED_INTERRUPT_DESCRIPTOR_ADDRESS(0x2016, "Posted-interrupt descriptor address", POSTED_INTERRUPTS),
    VM_FUNCTION_CONTROLS(0x2018, "VM-function controls", VM_FUNCTIONS),
    EPT_POINTER(0x201a, "EPT pointer (EPTP)", EPT),
    EOI_EXIT_BITMAP_0(0x201c, "EOI-exit bitmap 0", VIRTUAL_INTERRUPT_DELIVERY),
    EOI_EXIT_BITMAP_1(0x201e, "EOI-exit bitmap 1", VIRTUAL_INTERRUPT_DELIVERY),
    EOI_EXIT_BITMAP_2(0x2020, "EOI-exit bitmap 2", VIRTUAL_INTERRUPT_DELIVERY),
    EOI_EXIT_BITMAP_3(0x2022, "EOI-exit bitmap 3", VIRTUAL_INTERRUPT_DELIVERY),
    EPTP_LIST_ADDRESS(0x2024, "EPTP-list address", EPTP_SWITCHING),
    VMREAD_BITMAP_ADDRESS(0x2026, "VMREAD-bitmap address", VMCS_SHADOWING),
    VMWRITE_BITMAP_ADDRESS(0x2028, "VMWRITE-bitmap address", VMCS_SHADOWING),
    VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS(0x202a, "Virtualization-exception information address",
            EPT_VIOLATION_VE),
    XSS_EXITING_BITMAP(0x202c, "XSS-exiting bitmap", XSAVES),
    ENCLS_EXITING_BITMAP(0x202e, "ENCLS-exiting bitmap", SGX),
    SUB_PAGE_PERMISSION_TABLE_POINTER(0x2030, "Sub-page-permission-table pointer", LATER_GENERATION),
    TSC_MULTIPLIER(0x2032, "TSC multiplier", TSC_SCALING),
    TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS(0x2034, "Tertiary processor-based VM-execution controls",
            LATER_GENERATION),
    ENCLV_EXITING_BITMAP(0x2036, "ENCLV-exiting bitmap", LATER_GENERATION),
    LOW_PASID_DIRECTORY_ADDRESS(0x2038, "Low PASID directory address", LATER_GENERATION),
    HIGH_PASID_DIRECTORY_ADDRESS(0x203a, "High PASID directory address", LATER_GENERATION),
    SHARED_EPT_POINTER(0x203c, "Shared EPT pointer", LATER_GENERATION),
    PCONFIG_EXITING_BITMAP(0x203e, "PCONFIG-exiting bitmap", LATER_GENERATION),
    HLAT_POINTER(0x2040, "Hypervisor-managed linear-address translation pointer", LATER_GENERATION),
    PID_POINTER_TABLE_ADDRESS(0x2042, "PID-pointer table address", LATER_GENERATION),
    SECONDARY_VM_EXIT_CONTROLS(0x2044, "Secondary VM-exit controls", LATER_GENERATION),
    IA32_SPEC_CTRL_MASK(0x204a, "IA32_SPEC_CTRL mask", LATER_GENERATION),
    IA32_SPEC_CTRL_SHADOW(0x204c, "IA32_SPEC_CTRL shadow", LATER_GENERATION),
    INJECTED_EVENT_DATA(0x2052, "Injected-event data", LATER_GENERATION),
    // ---- B.2.2 64-bit read-only data fields ----
    GUEST_PHYSICAL_ADDRESS(0x2400, "Guest-physical address", EPT),
    ORIGINAL_EVENT_DATA(0x2404, "Original-event data", LATER_GENERATION),
    // ---- B.2.3 64-bit guest-state fields ----
    VMCS_LINK_POINTER(0x2800, "VMCS link pointer", ALWAYS),
    GUEST_IA32_DEBUGCTL(0x2802, "Guest IA32_DEBUGCTL", ALWAYS),
    GUEST_IA32_PAT(0x2804, "Guest IA32_PAT", PAT),
    GUEST_IA32_EFER(0x2806, "Guest IA32_EFER", EFER),
    GUEST_IA32_PERF_GLOBAL_CTRL(0x2808, "Guest IA32_PERF_GLOBAL_CTRL", PERF_GLOBAL_CTRL),
    GUEST_PDPTE0(0x280a, "Guest PDPTE0", EPT),
    GUEST_PDPTE1(0x280c, "Guest PDPTE1", EPT),
    GUEST_PDPTE2(0x280e, "Guest PDPTE2", EPT),
    GUEST_PDPTE3(0x2810, "Guest PDPTE3", EPT),
    GUEST_IA32_BNDCFGS(0x2812, "Guest IA32_BNDCFGS", MPX),
    GUEST_IA32_RTIT_CTL(0x2814, "Guest IA32_RTIT_CTL", PROCESSOR_TRACE),
    GUEST_IA32_LBR_CTL(0x2816, "Guest IA32_LBR_CTL", LATER_GENERATION),
    GUEST_IA32_PKRS(0x2818, "Guest IA32_PKRS", LATER_GENERATION),
    GUEST_IA32_FRED_CONFIG(0x281a, "Guest IA32_FRED_CONFIG", LATER_GENERATION),
    GUEST_IA32_FRED_RSP1(0x281c, "Guest IA32_FRED_RSP1", LATER_GENERATION),
    GUEST_IA32_FRED_RSP2(0x281e, "Guest IA32_FRED_RSP2", LATER_GENERATION),
    GUEST_IA32_FRED_RSP3(0x2820, "Guest IA32_FRED_RSP3", LATER_GENERATION),
    GUEST_IA32_FRED_STKLVLS(0x2822, "Guest IA32_FRED_STKLVLS", LATER_GENERATION),
    GUEST_IA32_FRED_SSP1(0x2824, "Guest IA32_FRED_SSP1", LATER_GENERATION),
    GUEST_IA32_FRED_SSP2(0x2826, "Guest IA32_FRED_SSP2", LATER_GENERATION),
    GUEST_IA32_FRED_SSP3(0x2828, "Guest IA32_FRED_SSP3", LATER_GENERATION),
    // ---- B.2.4 64-bit host-state fields ----
    HOST_IA32_PAT(0x2c00, "Host IA32_PAT", PAT),
    HOST_IA32_EFER(0x2c02, "Host IA32_EFER", EFER),
    HOST_IA32_PERF_GLOBAL_CTRL(0x2c04, "Host IA32_PERF_GLOBAL_CTRL", PERF_GLOBAL_CTRL),
    HOST_IA32_PKRS(0x2c06, "Host IA32_PKRS", LATER_GENERATION),
    HOST_IA32_FRED_CONFIG(0x2c08, "Host IA32_FRED_CONFIG", LATER_GENERATION),
    HOST_IA32_FRED_RSP1(0x2c0a, "Host IA32_FRED_RSP1", LATER_GENERATION),
    HOST_IA32_FRED_RSP2(0x2c0c, "Host IA32_FRED_RSP2", LATER_GENERATION),
    HOST_IA32_FRED_RSP3(0x2c0e, "Host IA32_FRED_RSP3", LATER_GENERATION),
    HOST_IA32_FRED_STKLVLS(0x2c10, "Host IA32_FRED_STKLVLS", LATER_GENERATION),
    HOST_IA32_FRED_SSP1(0x2c12, "Host IA32_FRED_SSP1", LATER_GENERATION),
    HOST_IA32_FRED_SSP2(0x2c14, "Host IA32_FRED_SSP2", LATER_GENERATION),
    HOST_IA32_FRED_SSP3(0x2c16, "Host IA32_FRED_SSP3", LATER_GENERATION),
    // ---- B.3.1 32-bit control fields ----
    PIN_BASED_VM_EXECUTION_CONTROLS(0x4000, "Pin-based VM-execution controls", ALWAYS),
    PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS(0x4002, "Primary processor-based VM-execution controls", ALWAYS),
    EXCEPTION_BITMAP(0x4004, "Exception bitmap", ALWAYS),
    PAGE_FAULT_ERROR_CODE_MASK(0x4006, "Page-fault error-code mask", ALWAYS),
    PAGE_FAULT_ERROR_CODE_MATCH(0x4008, "Page-fault error-code match", ALWAYS),
    CR3_TARGET_COUNT(0x400a, "CR3-target count", ALWAYS),
    PRIMARY_VM_EXIT_CONTROLS(0x400c, "Primary VM-exit controls", ALWAYS),
    VM_EXIT_MSR_STORE_COUNT(0x400e, "VM-exit MSR-store count", ALWAYS),
    VM_EXIT_MSR_LOAD_COUNT(0x4010, "VM-exit MSR-load count", ALWAYS),
    VM_ENTRY_CONTROLS(0x4012, "VM-entry controls", ALWAYS),
    VM_ENTRY_MSR_LOAD_COUNT(0x4014, "VM-entry MSR-load count", ALWAYS),
    VM_ENTRY_INTERRUPTION_INFORMATION(0x4016, "VM-entry interruption-information field", ALWAYS),
    VM_ENTRY_EXCEPTION_ERROR_CODE(0x4018, "VM-entry exception error code", ALWAYS),
    VM_ENTRY_INSTRUCTION_LENGTH(0x401a, "VM-entry instruction length", ALWAYS),
    TPR_THRESHOLD(0x401c, "TPR threshold", TPR_SHADOW),
    SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS(0x401e, "Secondary processor-based VM-execution controls",
            ALWAYS),
    PLE_GAP(0x4020, "PLE_Gap", PAUSE_LOOP_EXITING),
    PLE_WINDOW(0x4022, "PLE_Window", PAUSE_LOOP_EXITING),
    NOTIFY_WINDOW(0x4024, "Instruction-timeout control (notify window)", LATER_GENERATION),
    // ---- B.3.2 32-bit read-only data fields ----
    VM_INSTRUCTION_ERROR(0x4400, "VM-instruction error", ALWAYS),
    EXIT_REASON(0x4402, "Exit reason", ALWAYS),
    VM_EXIT_INTERRUPTION_INFORMATION(0x4404, "VM-exit interruption information", ALWAYS),
    VM_EXIT_INTERRUPTION_ERROR_CODE(0x4406, "VM-exit interruption error code", ALWAYS),
    IDT_VECTORING_INFORMATION(0x4408, "IDT-vectoring information field", ALWAYS),
    IDT_VECTORING_ERROR_CODE(0x440a, "IDT-vectoring error code", ALWAYS),
    VM_EXIT_INSTRUCTION_LENGTH(0x440c, "VM-exit instruction length", ALWAYS),
    VM_EXIT_INSTRUCTION_INFORMATION(0x440e, "VM-exit instruction information", ALWAYS),
    // ---- B.3.3 32-bit guest-state fields ----
    GUEST_ES_LIMIT(0x4800, "Guest ES limit", ALWAYS),
    GUEST_CS_LIMIT(0x4802, "Guest CS limit", ALWAYS),
    GUEST_SS_LIMIT(0x4804, "Guest SS limit", ALWAYS),
    GUEST_DS_LIMIT(0x4806, "Guest DS limit", ALWAYS),
    GUEST_FS_LIMIT(0x4808, "Guest FS limit", ALWAYS),
    GUEST_GS_LIMIT(0x480a, "Guest GS limit", ALWAYS),
    GUEST_LDTR_LIMIT(0x480c, "Guest LDTR limit", ALWAYS),
    GUEST_TR_LIMIT(0x480e, "Guest TR limit", ALWAYS),
    GUEST_GDTR_LIMIT(0x4810, "Guest GDTR limit", ALWAYS),
    GUEST_IDTR_LIMIT(0x4812, "Guest IDTR limit", ALWAYS),
    GUEST_ES_ACCESS_RIGHTS(0x4814, "Guest ES access rights", ALWAYS),
    GUEST_CS_ACCESS_RIGHTS(0x4816, "Guest CS access rights", ALWAYS),
    GUEST_SS_ACCESS_RIGHTS(0x4818, "Guest SS access rights", ALWAYS),
    GUEST_DS_ACCESS_RIGHTS(0x481a, "Guest DS access rights", ALWAYS),
    GUEST_FS_ACCESS_RIGHTS(0x481c, "Guest FS access rights", ALWAYS),
    GUEST_GS_ACCESS_RIGHTS(0x481e, "Guest GS access rights", ALWAYS),
    GUEST_LDTR_ACCESS_RIGHTS(0x4820, "Guest LDTR access rights", ALWAYS),
    GUEST_TR_ACCESS_RIGHTS(0x4822, "Guest TR access rights", ALWAYS),
    GUEST_INTERRUPTIBILITY_STATE(0x4824, "Guest interruptibility state", ALWAYS),
    GUEST_ACTIVITY_STATE(0x4826, "Guest activity state", ALWAYS),
    GUEST_SMBASE(0x4828, "Guest SMBASE", ALWAYS),
    GUEST_IA32_SYSENTER_CS(0x482a, "Guest IA32_SYSENTER_CS", ALWAYS),
    VMX_PREEMPTION_TIMER_VALUE(0x482e, "VMX-preemption timer value", PREEMPTION_TIMER),
    // ---- B.3.4 32-bit host-state field ----
    HOST_IA32_SYSENTER_CS(0x4c00, "Host IA32_SYSENTER_CS", ALWAYS),
    // ---- B.4.1 natural-width control fields ----
    CR0_GUEST_HOST_MASK(0x6000, "CR0 guest/host mask", ALWAYS),
    CR4_GUEST_HOST_MASK(0x6002, "CR4 guest/host mask", ALWAYS),
    CR0_READ_SHADOW(0x6004, "CR0 read shadow", ALWAYS),
    CR4_READ_SHADOW(0x6006, "CR4 read shadow", ALWAYS),
    CR3_TARGET_VALUE_0(0x6008, "CR3-target value 0", ALWAYS),
    CR3_TARGET_VALUE_1(0x600a, "CR3-target value 1", ALWAYS),
    CR3_TARGET_VALUE_2(0x600c, "CR3-target value 2", ALWAYS),
    CR3_TARGET_VALUE_3(0x600e, "CR3-target value 3", ALWAYS),
    // ---- B.4.2 natural-width read-only data fields ----
    EXIT_QUALIFICATION(0x6400, "Exit qualification", ALWAYS),
    IO_RCX(0x6402, "I/O RCX", ALWAYS),
    IO_RSI(0x6404, "I/O RSI", ALWAYS),
    IO_RDI(0x6406, "I/O RDI", ALWAYS),
    IO_RIP(0x6408, "I/O RIP", ALWAYS),
    GUEST_LINEAR_ADDRESS(0x640a, "Guest-linear address", ALWAYS),
    // ---- B.4.3 natural-width guest-state fields ----
    GUEST_CR0(0x6800, "Guest CR0", ALWAYS),
    GUEST_CR3(0x6802, "Guest CR3", ALWAYS),
    GUEST_CR4(0x6804, "Guest CR4", ALWAYS),
    GUEST_ES_BASE(0x6806, "Guest ES base", ALWAYS),
    GUEST_CS_BASE(0x6808, "Guest CS base", ALWAYS),
    GUEST_SS_BASE(0x680a, "Guest SS base", ALWAYS),
    GUEST_DS_BASE(0x680c, "Guest DS base", ALWAYS),
    GUEST_FS_BASE(0x680e, "Guest FS base", ALWAYS),
    GUEST_GS_BASE(0x6810, "Guest GS base", ALWAYS),
    GUEST_LDTR_BASE(0x6812, "Guest LDTR base", ALWAYS),
    GUEST_TR_BASE(0x6814, "Guest TR base", ALWAYS),
    GUEST_GDTR_BASE(0x6816, "Guest GDTR base", ALWAYS),
    GUEST_IDTR_BASE(0x6818, "Guest IDTR base", ALWAYS),
    GUEST_DR7(0x681a, "Guest DR7", ALWAYS),
    GUEST_RSP(0x681c, "Guest RSP", ALWAYS),
    GUEST_RIP(0x681e, "Guest RIP", ALWAYS),
    GUEST_RFLAGS(0x6820, "Guest RFLAGS", ALWAYS),
    GUEST_PENDING_DEBUG_EXCEPTIONS(0x6822, "Guest pending debug exceptions", ALWAYS),
    GUEST_IA32_SYSENTER_ESP(0x6824, "Guest IA32_SYSENTER_ESP", ALWAYS),
    GUEST_IA32_SYSENTER_EIP(0x6826, "Guest IA32_SYSENTER_EIP", ALWAYS),
    GUEST_IA32_S_CET(0x6828, "Guest IA32_S_CET", LATER_GENERATION),
    GUEST_SSP(0x682a, "Guest SSP", LATER_GENERATION),
    GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR(0x682c, "Guest IA32_INTERRUPT_SSP_TABLE_ADDR", LATER_GENERATION),
    // ---- B.4.4 natural-width host-state fields ----
    HOST_CR0(0x6c00, "Host CR0", ALWAYS),
    HOST_CR3(0x6c02, "Host CR3", ALWAYS),
    HOST_CR4(0x6c04, "Host CR4", ALWAYS),
    HOST_FS_BASE(0x6c06, "Host FS base", ALWAYS),
    HOST_GS_BASE(0x6c08, "Host GS base", ALWAYS),
    HOST_TR_BASE(0x6c0a, "Host TR base", ALWAYS),
    HOST_GDTR_BASE(0x6c0c, "Host GDTR base", ALWAYS),
    HOST_IDTR_BASE(0x6c0e, "Host IDTR base", ALWAYS),
    HOST_IA32_SYSENTER_ESP(0x6c10, "Host IA32_SYSENTER_ESP", ALWAYS),
    HOST_IA32_SYSENTER_EIP(0x6c12, "Host IA32_SYSENTER_EIP", ALWAYS),
    HOST_RSP(0x6c14, "Host RSP", ALWAYS),
    HOST_RIP(0x6c16, "Host RIP", ALWAYS),
    HOST_IA32_S_CET(0x6c18, "Host IA32_S_CET", LATER_GENERATION),
    HOST_SSP(0x6c1a, "Host SSP", LATER_GENERATION),
    HOST_IA32_INTERRUPT_SSP_TABLE_ADDR(0x6c1c, "Host IA32_INTERRUPT_SSP_TABLE_ADDR", LATER_GENERATION);

    /** The full-access encoding (bit 0 clear). */
    public final int encoding;
    /** The SDM's name for the field (Appendix B). */
    public final String sdmName;
    /** The feature whose support makes the field exist. */
    public final FieldFeature feature;
    private final FieldWidth width;
    /** {@code width().mask()}, kept here: every VMCS write truncates with it. */
    private final long mask;
    private final FieldType type;

    VmcsField(int encoding, String sdmName, FieldFeature feature) {
        this.encoding = encoding;
        this.sdmName = sdmName;
        this.feature = feature;
        this.width = FieldWidth.ofEncoding(encoding);
        this.mask = width.mask();
        this.type = FieldType.ofEncoding(encoding);
    }

    public FieldWidth width() {
        return width;
    }

    /** The value mask of the field's width (SDM 24.11.2). */
    public long mask() {
        return mask;
    }

    public FieldType type() {
        return type;
    }

    /** The index, encoding bits 9:1 (SDM 24.11.2); reported by IA32_VMX_VMCS_ENUM. */
    public int index() {
        return (encoding >>> 1) & 0x1ff;
    }

    /** Read-only data fields (type 1) are writable only with "VMWRITE to any field" (IA32_VMX_MISC bit 29). */
    public boolean readOnly() {
        return type == FieldType.EXIT_INFORMATION;
    }

    /**
     * Fields by encoding / 2 (bit 0 is the access type): encodings with bits 31:15 or 12 set name no
     * field, so every encoding that can name one is below 7000H. An array, so VMREAD and VMWRITE box nothing.
     */
    private static final VmcsField[] BY_ENCODING = new VmcsField[0x7000 >>> 1];

    static {
        for (VmcsField f : values()) {
            if ((f.encoding & 1) != 0 || (f.encoding & ~0x6fff) != 0 || BY_ENCODING[f.encoding >>> 1] != null) {
                throw new ExceptionInInitializerError("bad VMCS field table entry " + f);
            }
            BY_ENCODING[f.encoding >>> 1] = f;
        }
    }

    /**
     * The field an encoding names, for either access type, or {@code null}. The HIGH access type
     * exists only for 64-bit fields; encodings with bits 31:15 or 12 set name no field (SDM 24.11.2:
     * those bits are reserved and must be 0).
     */
    public static VmcsField byEncoding(long encoding) {
        if ((encoding & ~0x6fffL) != 0) {
            return null;
        }
        int e = (int) encoding;
        VmcsField f = BY_ENCODING[e >>> 1];
        if (f == null || ((e & 1) != 0 && f.width != FieldWidth.BITS_64)) {
            return null;
        }
        return f;
    }
}
