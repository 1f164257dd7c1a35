package org.vtsim.vmx.vmcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.vtsim.vmx.tables.LinuxTable;

/**
 * Cross-check of {@link VmcsField} (SDM Vol. 3C Appendix B) against the encodings Linux lists in
 * {@code arch/x86/include/asm/vmx.h} ({@code enum vmcs_field}, test resource vmcs-field-encodings.csv):
 * every Linux field exists here with the same encoding.
 */
class VmcsFieldLinuxCrossCheckTest {
    /**
     * Linux abbreviates; our names follow the SDM's wording. Only names that differ are listed
     * ({@link #everyMapEntryIsNeeded} fails on a redundant or stale entry).
     */
    static final Map<String, String> LINUX_TO_OURS = Map.ofEntries(
            Map.entry("VIRTUAL_PROCESSOR_ID", "VIRTUAL_PROCESSOR_IDENTIFIER"),
            Map.entry("POSTED_INTR_NV", "POSTED_INTERRUPT_NOTIFICATION_VECTOR"),
            Map.entry("GUEST_INTR_STATUS", "GUEST_INTERRUPT_STATUS"),
            Map.entry("GUEST_PML_INDEX", "PML_INDEX"),
            Map.entry("IO_BITMAP_A", "IO_BITMAP_A_ADDRESS"),
            Map.entry("IO_BITMAP_B", "IO_BITMAP_B_ADDRESS"),
            Map.entry("MSR_BITMAP", "MSR_BITMAPS_ADDRESS"),
            Map.entry("VM_EXIT_MSR_STORE_ADDR", "VM_EXIT_MSR_STORE_ADDRESS"),
            Map.entry("VM_EXIT_MSR_LOAD_ADDR", "VM_EXIT_MSR_LOAD_ADDRESS"),
            Map.entry("VM_ENTRY_MSR_LOAD_ADDR", "VM_ENTRY_MSR_LOAD_ADDRESS"),
            Map.entry("VIRTUAL_APIC_PAGE_ADDR", "VIRTUAL_APIC_ADDRESS"),
            Map.entry("APIC_ACCESS_ADDR", "APIC_ACCESS_ADDRESS"),
            Map.entry("POSTED_INTR_DESC_ADDR", "POSTED_INTERRUPT_DESCRIPTOR_ADDRESS"),
            Map.entry("VM_FUNCTION_CONTROL", "VM_FUNCTION_CONTROLS"),
            Map.entry("EOI_EXIT_BITMAP0", "EOI_EXIT_BITMAP_0"),
            Map.entry("EOI_EXIT_BITMAP1", "EOI_EXIT_BITMAP_1"),
            Map.entry("EOI_EXIT_BITMAP2", "EOI_EXIT_BITMAP_2"),
            Map.entry("EOI_EXIT_BITMAP3", "EOI_EXIT_BITMAP_3"),
            Map.entry("VMREAD_BITMAP", "VMREAD_BITMAP_ADDRESS"),
            Map.entry("VMWRITE_BITMAP", "VMWRITE_BITMAP_ADDRESS"),
            Map.entry("VE_INFORMATION_ADDRESS", "VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS"),
            Map.entry("XSS_EXIT_BITMAP", "XSS_EXITING_BITMAP"),
            Map.entry("TERTIARY_VM_EXEC_CONTROL", "TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS"),
            Map.entry("PID_POINTER_TABLE", "PID_POINTER_TABLE_ADDRESS"),
            Map.entry("GUEST_PDPTR0", "GUEST_PDPTE0"),
            Map.entry("GUEST_PDPTR1", "GUEST_PDPTE1"),
            Map.entry("GUEST_PDPTR2", "GUEST_PDPTE2"),
            Map.entry("GUEST_PDPTR3", "GUEST_PDPTE3"),
            Map.entry("GUEST_BNDCFGS", "GUEST_IA32_BNDCFGS"),
            Map.entry("PIN_BASED_VM_EXEC_CONTROL", "PIN_BASED_VM_EXECUTION_CONTROLS"),
            Map.entry("CPU_BASED_VM_EXEC_CONTROL", "PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS"),
            Map.entry("VM_EXIT_CONTROLS", "PRIMARY_VM_EXIT_CONTROLS"),
            Map.entry("VM_ENTRY_INTR_INFO_FIELD", "VM_ENTRY_INTERRUPTION_INFORMATION"),
            Map.entry("VM_ENTRY_INSTRUCTION_LEN", "VM_ENTRY_INSTRUCTION_LENGTH"),
            Map.entry("SECONDARY_VM_EXEC_CONTROL", "SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS"),
            Map.entry("VM_EXIT_REASON", "EXIT_REASON"),
            Map.entry("VM_EXIT_INTR_INFO", "VM_EXIT_INTERRUPTION_INFORMATION"),
            Map.entry("VM_EXIT_INTR_ERROR_CODE", "VM_EXIT_INTERRUPTION_ERROR_CODE"),
            Map.entry("IDT_VECTORING_INFO_FIELD", "IDT_VECTORING_INFORMATION"),
            Map.entry("VM_EXIT_INSTRUCTION_LEN", "VM_EXIT_INSTRUCTION_LENGTH"),
            Map.entry("VMX_INSTRUCTION_INFO", "VM_EXIT_INSTRUCTION_INFORMATION"),
            Map.entry("GUEST_ES_AR_BYTES", "GUEST_ES_ACCESS_RIGHTS"),
            Map.entry("GUEST_CS_AR_BYTES", "GUEST_CS_ACCESS_RIGHTS"),
            Map.entry("GUEST_SS_AR_BYTES", "GUEST_SS_ACCESS_RIGHTS"),
            Map.entry("GUEST_DS_AR_BYTES", "GUEST_DS_ACCESS_RIGHTS"),
            Map.entry("GUEST_FS_AR_BYTES", "GUEST_FS_ACCESS_RIGHTS"),
            Map.entry("GUEST_GS_AR_BYTES", "GUEST_GS_ACCESS_RIGHTS"),
            Map.entry("GUEST_LDTR_AR_BYTES", "GUEST_LDTR_ACCESS_RIGHTS"),
            Map.entry("GUEST_TR_AR_BYTES", "GUEST_TR_ACCESS_RIGHTS"),
            Map.entry("GUEST_INTERRUPTIBILITY_INFO", "GUEST_INTERRUPTIBILITY_STATE"),
            Map.entry("GUEST_SYSENTER_CS", "GUEST_IA32_SYSENTER_CS"),
            Map.entry("CR3_TARGET_VALUE0", "CR3_TARGET_VALUE_0"),
            Map.entry("CR3_TARGET_VALUE1", "CR3_TARGET_VALUE_1"),
            Map.entry("CR3_TARGET_VALUE2", "CR3_TARGET_VALUE_2"),
            Map.entry("CR3_TARGET_VALUE3", "CR3_TARGET_VALUE_3"),
            Map.entry("GUEST_PENDING_DBG_EXCEPTIONS", "GUEST_PENDING_DEBUG_EXCEPTIONS"),
            Map.entry("GUEST_SYSENTER_ESP", "GUEST_IA32_SYSENTER_ESP"),
            Map.entry("GUEST_SYSENTER_EIP", "GUEST_IA32_SYSENTER_EIP"));

    private static final Map<String, String> LINUX = LinuxTable.read("vmcs-field-encodings.csv");

    private static VmcsField ours(String linuxName) {
        try {
            return VmcsField.valueOf(LINUX_TO_OURS.getOrDefault(linuxName, linuxName));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Test
    void everyLinuxFieldExistsHereWithTheSameEncoding() {
        List<String> wrong = new ArrayList<>();
        LINUX.forEach((linuxName, enc) -> {
            int encoding = Integer.decode(enc);
            VmcsField f = ours(linuxName);
            if (f == null) {
                wrong.add(linuxName + " (" + enc + "): no such VmcsField; map the name or add the field");
            } else if (f.encoding != encoding) {
                wrong.add(linuxName + " is " + enc + " in Linux, VmcsField." + f + " is 0x"
                        + Integer.toHexString(f.encoding));
            } else if (VmcsField.byEncoding(encoding) != f) {
                wrong.add("byEncoding(" + enc + ") is " + VmcsField.byEncoding(encoding) + ", not " + f);
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    /** Linux lists 64-bit fields' _HIGH halves as encoding + 1 (SDM 24.11.2 access type 1). */
    @Test
    void linuxHighHalvesResolveToTheSameField() {
        LINUX.forEach((linuxName, enc) -> {
            VmcsField f = ours(linuxName);
            if (f != null && f.width() == FieldWidth.BITS_64) {
                assertEquals(f, VmcsField.byEncoding(Integer.decode(enc) + 1), linuxName + "_HIGH");
            }
        });
    }

    @Test
    void everyMapEntryIsNeeded() {
        for (Map.Entry<String, String> e : LINUX_TO_OURS.entrySet()) {
            assertTrue(LINUX.containsKey(e.getKey()), "not a Linux name in the table: " + e.getKey());
            boolean sameNameExists = EnumSet.allOf(VmcsField.class).stream().anyMatch(f -> f.name().equals(e.getKey()));
            assertTrue(!sameNameExists, "redundant map entry: VmcsField." + e.getKey() + " exists");
        }
    }

    /**
     * Fields of SDM Appendix B that this Linux list does not carry: fields Linux never uses (I/O
     * RCX/RSI/RDI/RIP, guest SMBASE, executive-VMCS pointer, EPTP index) and fields of later
     * processors (HLAT, PASID, SPP, CET, PKRS, arch LBRs, UINV, IA32_SPEC_CTRL virtualization).
     * The list documents the difference; a change on either side should be a conscious one.
     */
    @Test
    void fieldsTheSdmHasAndThisLinuxListDoesNot() {
        Set<String> encodings = new TreeSet<>();
        for (String enc : LINUX.values()) {
            encodings.add(Integer.toHexString(Integer.decode(enc)));
        }
        Set<String> extra = new TreeSet<>();
        for (VmcsField f : VmcsField.values()) {
            if (!encodings.contains(Integer.toHexString(f.encoding))) {
                extra.add(f.name());
            }
        }
        assertEquals(new TreeSet<>(List.of(
                "EPTP_INDEX", "HLAT_PREFIX_SIZE", "GUEST_UINV", "EXECUTIVE_VMCS_POINTER",
                "SUB_PAGE_PERMISSION_TABLE_POINTER", "ENCLV_EXITING_BITMAP", "LOW_PASID_DIRECTORY_ADDRESS",
                "HIGH_PASID_DIRECTORY_ADDRESS", "SHARED_EPT_POINTER", "PCONFIG_EXITING_BITMAP", "HLAT_POINTER",
                "IA32_SPEC_CTRL_MASK", "IA32_SPEC_CTRL_SHADOW", "GUEST_IA32_LBR_CTL", "GUEST_IA32_PKRS",
                "HOST_IA32_PKRS", "GUEST_SMBASE", "IO_RCX", "IO_RSI", "IO_RDI", "IO_RIP", "GUEST_IA32_S_CET",
                "GUEST_SSP", "GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR", "HOST_IA32_S_CET", "HOST_SSP",
                "HOST_IA32_INTERRUPT_SSP_TABLE_ADDR")), extra);
    }
}
