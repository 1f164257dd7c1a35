package org.vtsim.vmx.entry;

import static org.vtsim.vmx.controls.PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER;
import static org.vtsim.vmx.controls.PinBasedControls.EXTERNAL_INTERRUPT_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.NMI_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.PROCESS_POSTED_INTERRUPTS;
import static org.vtsim.vmx.controls.PinBasedControls.VIRTUAL_NMIS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.ACTIVATE_TERTIARY_CONTROLS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.NMI_WINDOW_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_IO_BITMAPS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_MSR_BITMAPS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_TPR_SHADOW;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.APIC_REGISTER_VIRTUALIZATION;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_EPT;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_PML;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_VM_FUNCTIONS;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_VPID;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.EPT_VIOLATION_VE;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.MODE_BASED_EXECUTE_CONTROL_FOR_EPT;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.PT_USES_GUEST_PHYSICAL_ADDRESSES;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.UNRESTRICTED_GUEST;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.VIRTUALIZE_APIC_ACCESSES;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.VIRTUALIZE_X2APIC_MODE;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.VIRTUAL_INTERRUPT_DELIVERY;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.VMCS_SHADOWING;
import static org.vtsim.vmx.entry.Rules.badPageAddress;
import static org.vtsim.vmx.entry.Rules.beyondWidth;
import static org.vtsim.vmx.entry.Rules.bit;
import static org.vtsim.vmx.entry.Rules.control;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.Eptp;
import org.vtsim.ept.ept.EptpProblem;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * SDM Vol. 3C 26.2.1: the checks on the VM-execution (26.2.1.1), VM-exit (26.2.1.2) and VM-entry
 * (26.2.1.3) control fields. A failure is VMfailValid with VM-instruction error 7. Allowed-0/1
 * questions go to the TRUE_ capability MSRs (IA32_VMX_BASIC bit 55 is set, SDM A.2); features the
 * model does not advertise are thereby rejected by the reserved-bit rules before their own rules.
 */
final class ControlFieldChecks {
    private static final String EXEC = "26.2.1.1";
    private static final String EXIT = "26.2.1.2";
    private static final String ENTRY = "26.2.1.3";

    // ---- 26.2.1.1 VM-execution control fields ----
    static final EntryCheckFailure PIN_BASED_RESERVED = control(EXEC,
            "reserved bits of the pin-based VM-execution controls must be set as IA32_VMX_TRUE_PINBASED_CTLS says");
    static final EntryCheckFailure PRIMARY_RESERVED = control(EXEC, "reserved bits of the primary processor-based "
            + "VM-execution controls must be set as IA32_VMX_TRUE_PROCBASED_CTLS says");
    static final EntryCheckFailure SECONDARY_RESERVED = control(EXEC, "with \"activate secondary controls\", reserved "
            + "bits of the secondary processor-based VM-execution controls must be set as IA32_VMX_PROCBASED_CTLS2 says");
    static final EntryCheckFailure TERTIARY_RESERVED = control(EXEC, "with \"activate tertiary controls\", reserved "
            + "bits of the tertiary controls must be 0 (the model has no IA32_VMX_PROCBASED_CTLS3: all are reserved)");
    static final EntryCheckFailure CR3_TARGET_COUNT_TOO_HIGH = control(EXEC,
            "the CR3-target count must not exceed IA32_VMX_MISC bits 24:16");
    static final EntryCheckFailure IO_BITMAP_A = control(EXEC, "with \"use I/O bitmaps\", the address of I/O bitmap A "
            + "must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure IO_BITMAP_B = control(EXEC, "with \"use I/O bitmaps\", the address of I/O bitmap B "
            + "must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure MSR_BITMAPS = control(EXEC, "with \"use MSR bitmaps\", the address of the MSR "
            + "bitmaps must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure VIRTUAL_APIC_ADDRESS_BAD = control(EXEC, "with \"use TPR shadow\", the virtual-APIC "
            + "address must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure TPR_THRESHOLD_RESERVED = control(EXEC, "with \"use TPR shadow\" and without "
            + "\"virtual-interrupt delivery\", bits 31:4 of the TPR threshold must be 0");
    static final EntryCheckFailure TPR_THRESHOLD_ABOVE_VTPR = control(EXEC, "with \"use TPR shadow\" and neither "
            + "\"virtualize APIC accesses\" nor \"virtual-interrupt delivery\", TPR threshold bits 3:0 must not exceed "
            + "VTPR bits 7:4 (byte 80H of the virtual-APIC page)");
    static final EntryCheckFailure TPR_SHADOW_REQUIRED = control(EXEC, "without \"use TPR shadow\", \"virtualize "
            + "x2APIC mode\", \"APIC-register virtualization\" and \"virtual-interrupt delivery\" must be 0");
    static final EntryCheckFailure VIRTUAL_NMIS_WITHOUT_NMI_EXITING = control(EXEC,
            "without \"NMI exiting\", \"virtual NMIs\" must be 0");
    static final EntryCheckFailure NMI_WINDOW_WITHOUT_VIRTUAL_NMIS = control(EXEC,
            "without \"virtual NMIs\", \"NMI-window exiting\" must be 0");
    static final EntryCheckFailure APIC_ACCESS_ADDRESS_BAD = control(EXEC, "with \"virtualize APIC accesses\", the "
            + "APIC-access address must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure X2APIC_WITH_APIC_ACCESSES = control(EXEC,
            "with \"virtualize x2APIC mode\", \"virtualize APIC accesses\" must be 0");
    static final EntryCheckFailure VID_WITHOUT_EXTERNAL_INTERRUPT_EXITING = control(EXEC,
            "with \"virtual-interrupt delivery\", \"external-interrupt exiting\" must be 1");
    static final EntryCheckFailure POSTED_WITHOUT_VID = control(EXEC,
            "with \"process posted interrupts\", \"virtual-interrupt delivery\" must be 1");
    static final EntryCheckFailure POSTED_WITHOUT_ACK = control(EXEC,
            "with \"process posted interrupts\", the \"acknowledge interrupt on exit\" VM-exit control must be 1");
    static final EntryCheckFailure POSTED_VECTOR = control(EXEC,
            "with \"process posted interrupts\", bits 15:8 of the posted-interrupt notification vector must be 0");
    static final EntryCheckFailure POSTED_DESCRIPTOR = control(EXEC, "with \"process posted interrupts\", the "
            + "posted-interrupt descriptor address must have bits 5:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure VPID_ZERO = control(EXEC, "with \"enable VPID\", the VPID must not be 0000H");
    static final EntryCheckFailure EPTP_MEMORY_TYPE = control(EXEC, "with \"enable EPT\", EPTP bits 2:0 must be a "
            + "memory type IA32_VMX_EPT_VPID_CAP supports (UC bit 8, WB bit 14)");
    static final EntryCheckFailure EPTP_WALK_LENGTH = control(EXEC, "with \"enable EPT\", EPTP bits 5:3 must be a "
            + "supported page-walk length minus 1 (3 with IA32_VMX_EPT_VPID_CAP bit 6, 4 with bit 7)");
    static final EntryCheckFailure EPTP_ACCESSED_DIRTY = control(EXEC, "with \"enable EPT\", EPTP bit 6 must be 0 "
            + "unless IA32_VMX_EPT_VPID_CAP bit 21 (accessed and dirty flags) is 1");
    static final EntryCheckFailure EPTP_RESERVED = control(EXEC, "with \"enable EPT\", EPTP bits 11:7 (bit 7 needs "
            + "CET, which the model lacks) and bits beyond the physical-address width must be 0");
    static final EntryCheckFailure PML_WITHOUT_EPT = control(EXEC, "with \"enable PML\", \"enable EPT\" must be 1");
    static final EntryCheckFailure PML_ADDRESS_BAD = control(EXEC, "with \"enable PML\", the PML address must have "
            + "bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure UNRESTRICTED_WITHOUT_EPT = control(EXEC,
            "with \"unrestricted guest\", \"enable EPT\" must be 1");
    static final EntryCheckFailure SUB_PAGE_WITHOUT_EPT = control(EXEC,
            "with \"sub-page write permissions for EPT\", \"enable EPT\" must be 1");
    static final EntryCheckFailure MODE_BASED_WITHOUT_EPT = control(EXEC,
            "with \"mode-based execute control for EPT\", \"enable EPT\" must be 1");
    static final EntryCheckFailure VM_FUNCTION_CONTROLS_RESERVED = control(EXEC, "with \"enable VM functions\", "
            + "VM-function controls not allowed by IA32_VMX_VMFUNC must be 0");
    static final EntryCheckFailure EPTP_SWITCHING_WITHOUT_EPT = control(EXEC,
            "with the \"EPTP switching\" VM function, \"enable EPT\" must be 1");
    static final EntryCheckFailure EPTP_LIST_ADDRESS_BAD = control(EXEC, "with the \"EPTP switching\" VM function, the "
            + "EPTP-list address must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure VMREAD_BITMAP = control(EXEC, "with \"VMCS shadowing\", the VMREAD-bitmap address "
            + "must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure VMWRITE_BITMAP = control(EXEC, "with \"VMCS shadowing\", the VMWRITE-bitmap "
            + "address must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure VE_INFORMATION_ADDRESS = control(EXEC, "with \"EPT-violation #VE\", the "
            + "virtualization-exception information address must have bits 11:0 clear and no bit beyond the "
            + "physical-address width");
    static final EntryCheckFailure PT_GUEST_PHYSICAL = control(EXEC, "with \"Intel PT uses guest physical "
            + "addresses\", \"enable EPT\", \"load IA32_RTIT_CTL\" (entry) and \"clear IA32_RTIT_CTL\" (exit) must be 1");

    // ---- 26.2.1.2 VM-exit control fields ----
    static final EntryCheckFailure EXIT_RESERVED = control(EXIT,
            "reserved bits of the primary VM-exit controls must be set as IA32_VMX_TRUE_EXIT_CTLS says");
    static final EntryCheckFailure SECONDARY_EXIT_RESERVED = control(EXIT, "with \"activate secondary controls\" "
            + "(exit), the secondary VM-exit controls must be 0 (the model has no IA32_VMX_EXIT_CTLS2)");
    static final EntryCheckFailure SAVE_TIMER_WITHOUT_TIMER = control(EXIT, "without \"activate VMX-preemption "
            + "timer\", \"save VMX-preemption timer value\" must be 0");
    static final EntryCheckFailure EXIT_MSR_STORE_AREA = control(EXIT, "with a non-zero VM-exit MSR-store count, the "
            + "MSR-store address must have bits 3:0 clear and the area (address + 16 * count - 1) must lie within the "
            + "physical-address width");
    static final EntryCheckFailure EXIT_MSR_LOAD_AREA = control(EXIT, "with a non-zero VM-exit MSR-load count, the "
            + "MSR-load address must have bits 3:0 clear and the area (address + 16 * count - 1) must lie within the "
            + "physical-address width");

    // ---- 26.2.1.3 VM-entry control fields ----
    static final EntryCheckFailure ENTRY_RESERVED = control(ENTRY,
            "reserved bits of the VM-entry controls must be set as IA32_VMX_TRUE_ENTRY_CTLS says");
    static final EntryCheckFailure EVENT_TYPE_RESERVED = control(ENTRY, "an injected event's interruption type must "
            + "not be reserved (1 always; 7 without the monitor trap flag)");
    static final EntryCheckFailure EVENT_NMI_VECTOR = control(ENTRY, "an injected NMI must have vector 2");
    static final EntryCheckFailure EVENT_EXCEPTION_VECTOR = control(ENTRY,
            "an injected hardware exception must have a vector of at most 31");
    static final EntryCheckFailure EVENT_OTHER_VECTOR = control(ENTRY,
            "an injected \"other event\" must have vector 0 (pending MTF VM exit)");
    static final EntryCheckFailure EVENT_DELIVER_ERROR_CODE = control(ENTRY, "deliver-error-code (bit 11) must be 1 "
            + "exactly for hardware exceptions 8, 10-14 and 17 when \"unrestricted guest\" is 0 or guest CR0.PE is 1");
    static final EntryCheckFailure EVENT_RESERVED = control(ENTRY,
            "bits 30:12 of the VM-entry interruption-information field must be 0");
    static final EntryCheckFailure EVENT_ERROR_CODE_RESERVED = control(ENTRY,
            "when an error code is delivered, bits 31:16 of the VM-entry exception error code must be 0");
    static final EntryCheckFailure EVENT_INSTRUCTION_LENGTH = control(ENTRY, "for an injected software interrupt, "
            + "software exception or privileged software exception, the VM-entry instruction length must be 1-15 "
            + "(0 only with IA32_VMX_MISC bit 30)");
    static final EntryCheckFailure ENTRY_MSR_LOAD_AREA = control(ENTRY, "with a non-zero VM-entry MSR-load count, the "
            + "MSR-load address must have bits 3:0 clear and the area (address + 16 * count - 1) must lie within the "
            + "physical-address width");
    static final EntryCheckFailure SMM_CONTROLS_OUTSIDE_SMM = control(ENTRY, "outside SMM, \"entry to SMM\" and "
            + "\"deactivate dual-monitor treatment\" must be 0");
    static final EntryCheckFailure SMM_AND_DEACTIVATE = control(ENTRY,
            "\"entry to SMM\" and \"deactivate dual-monitor treatment\" cannot both be 1");

    private static final long IA32_VMX_MISC_ZERO_LENGTH_INJECTION = 1L << 30;

    private ControlFieldChecks() {
    }

    static EntryCheckFailure check(Vmcs v, PhysicalMemory memory, ProcessorFacts p, FailureSink out) {
        EntryCheckFailure f = executionControls(v, memory, p, out);
        if (f == null) {
            f = exitControls(v, p, out);
        }
        return f != null ? f : entryControls(v, p, out);
    }

    /** Secondary controls as the processor uses them: all 0 without "activate secondary controls" (24.6.2). */
    static int secondary(Vmcs v) {
        int proc = v.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        return (proc & ACTIVATE_SECONDARY_CONTROLS) != 0 ? v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                : 0;
    }

    private static EntryCheckFailure executionControls(Vmcs v, PhysicalMemory memory, ProcessorFacts p,
            FailureSink out) {
        VmxCapabilities caps = p.caps;
        int w = p.maxPhysAddr;
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        int proc = v.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        int sec = secondary(v);
        int exit = v.get32(PRIMARY_VM_EXIT_CONTROLS);
        int entry = v.get32(VM_ENTRY_CONTROLS);

        if (!caps.pinBasedAllowed(pin) && out.stop(PIN_BASED_RESERVED)) {
            return PIN_BASED_RESERVED;
        }
        if (!caps.primaryProcessorBasedAllowed(proc) && out.stop(PRIMARY_RESERVED)) {
            return PRIMARY_RESERVED;
        }
        if (bit(proc, ACTIVATE_SECONDARY_CONTROLS) && !caps.secondaryProcessorBasedAllowed(sec)
                && out.stop(SECONDARY_RESERVED)) {
            return SECONDARY_RESERVED;
        }
        if (bit(proc, ACTIVATE_TERTIARY_CONTROLS) && v.get(TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) != 0
                && out.stop(TERTIARY_RESERVED)) {
            return TERTIARY_RESERVED;
        }
        if (Integer.compareUnsigned(v.get32(CR3_TARGET_COUNT), caps.cr3TargetCount()) > 0
                && out.stop(CR3_TARGET_COUNT_TOO_HIGH)) {
            return CR3_TARGET_COUNT_TOO_HIGH;
        }
        if (bit(proc, USE_IO_BITMAPS)) {
            if (badPageAddress(v.get(IO_BITMAP_A_ADDRESS), w) && out.stop(IO_BITMAP_A)) {
                return IO_BITMAP_A;
            }
            if (badPageAddress(v.get(IO_BITMAP_B_ADDRESS), w) && out.stop(IO_BITMAP_B)) {
                return IO_BITMAP_B;
            }
        }
        if (bit(proc, USE_MSR_BITMAPS) && badPageAddress(v.get(MSR_BITMAPS_ADDRESS), w) && out.stop(MSR_BITMAPS)) {
            return MSR_BITMAPS;
        }
        boolean apicAccesses = bit(sec, VIRTUALIZE_APIC_ACCESSES);
        boolean vid = bit(sec, VIRTUAL_INTERRUPT_DELIVERY);
        if (bit(proc, USE_TPR_SHADOW)) {
            long vapic = v.get(VIRTUAL_APIC_ADDRESS);
            boolean vapicBad = badPageAddress(vapic, w);
            if (vapicBad && out.stop(VIRTUAL_APIC_ADDRESS_BAD)) {
                return VIRTUAL_APIC_ADDRESS_BAD;
            }
            int threshold = v.get32(TPR_THRESHOLD);
            if (!vid && (threshold & ~0xf) != 0 && out.stop(TPR_THRESHOLD_RESERVED)) {
                return TPR_THRESHOLD_RESERVED;
            }
            // The one control check that reads memory: VTPR is bits 7:4 of byte 80H (SDM 29.1.1).
            if (!vid && !apicAccesses && !vapicBad
                    && (threshold & 0xf) > (Rules.read8(memory, vapic + 0x80) >>> 4)
                    && out.stop(TPR_THRESHOLD_ABOVE_VTPR)) {
                return TPR_THRESHOLD_ABOVE_VTPR;
            }
        } else if ((sec & (VIRTUALIZE_X2APIC_MODE | APIC_REGISTER_VIRTUALIZATION | VIRTUAL_INTERRUPT_DELIVERY)) != 0
                && out.stop(TPR_SHADOW_REQUIRED)) {
            return TPR_SHADOW_REQUIRED;
        }
        if (!bit(pin, NMI_EXITING) && bit(pin, VIRTUAL_NMIS) && out.stop(VIRTUAL_NMIS_WITHOUT_NMI_EXITING)) {
            return VIRTUAL_NMIS_WITHOUT_NMI_EXITING;
        }
        if (!bit(pin, VIRTUAL_NMIS) && bit(proc, NMI_WINDOW_EXITING) && out.stop(NMI_WINDOW_WITHOUT_VIRTUAL_NMIS)) {
            return NMI_WINDOW_WITHOUT_VIRTUAL_NMIS;
        }
        if (apicAccesses && badPageAddress(v.get(APIC_ACCESS_ADDRESS), w) && out.stop(APIC_ACCESS_ADDRESS_BAD)) {
            return APIC_ACCESS_ADDRESS_BAD;
        }
        if (bit(sec, VIRTUALIZE_X2APIC_MODE) && apicAccesses && out.stop(X2APIC_WITH_APIC_ACCESSES)) {
            return X2APIC_WITH_APIC_ACCESSES;
        }
        if (vid && !bit(pin, EXTERNAL_INTERRUPT_EXITING) && out.stop(VID_WITHOUT_EXTERNAL_INTERRUPT_EXITING)) {
            return VID_WITHOUT_EXTERNAL_INTERRUPT_EXITING;
        }
        if (bit(pin, PROCESS_POSTED_INTERRUPTS)) {
            if (!vid && out.stop(POSTED_WITHOUT_VID)) {
                return POSTED_WITHOUT_VID;
            }
            if (!bit(exit, VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT) && out.stop(POSTED_WITHOUT_ACK)) {
                return POSTED_WITHOUT_ACK;
            }
            if ((v.get(POSTED_INTERRUPT_NOTIFICATION_VECTOR) & 0xff00) != 0 && out.stop(POSTED_VECTOR)) {
                return POSTED_VECTOR;
            }
            long pid = v.get(POSTED_INTERRUPT_DESCRIPTOR_ADDRESS);
            if (((pid & 0x3f) != 0 || beyondWidth(pid, w)) && out.stop(POSTED_DESCRIPTOR)) {
                return POSTED_DESCRIPTOR;
            }
        }
        if (bit(sec, ENABLE_VPID) && v.get(VIRTUAL_PROCESSOR_IDENTIFIER) == 0 && out.stop(VPID_ZERO)) {
            return VPID_ZERO;
        }
        boolean ept = bit(sec, ENABLE_EPT);
        if (ept) {
            EntryCheckFailure f = eptPointer(v.get(EPT_POINTER), caps.eptVpidCap, w, out);
            if (f != null) {
                return f;
            }
        }
        if (bit(sec, ENABLE_PML)) {
            if (!ept && out.stop(PML_WITHOUT_EPT)) {
                return PML_WITHOUT_EPT;
            }
            if (badPageAddress(v.get(PML_ADDRESS), w) && out.stop(PML_ADDRESS_BAD)) {
                return PML_ADDRESS_BAD;
            }
        }
        if (bit(sec, UNRESTRICTED_GUEST) && !ept && out.stop(UNRESTRICTED_WITHOUT_EPT)) {
            return UNRESTRICTED_WITHOUT_EPT;
        }
        if (bit(sec, SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT) && !ept && out.stop(SUB_PAGE_WITHOUT_EPT)) {
            return SUB_PAGE_WITHOUT_EPT;
        }
        if (bit(sec, MODE_BASED_EXECUTE_CONTROL_FOR_EPT) && !ept && out.stop(MODE_BASED_WITHOUT_EPT)) {
            return MODE_BASED_WITHOUT_EPT;
        }
        if (bit(sec, ENABLE_VM_FUNCTIONS)) {
            long functions = v.get(VM_FUNCTION_CONTROLS);
            if ((functions & ~caps.vmfunc) != 0 && out.stop(VM_FUNCTION_CONTROLS_RESERVED)) {
                return VM_FUNCTION_CONTROLS_RESERVED;
            }
            if (bit(functions, 1)) {
                if (!ept && out.stop(EPTP_SWITCHING_WITHOUT_EPT)) {
                    return EPTP_SWITCHING_WITHOUT_EPT;
                }
                if (badPageAddress(v.get(EPTP_LIST_ADDRESS), w) && out.stop(EPTP_LIST_ADDRESS_BAD)) {
                    return EPTP_LIST_ADDRESS_BAD;
                }
            }
        }
        if (bit(sec, VMCS_SHADOWING)) {
            if (badPageAddress(v.get(VMREAD_BITMAP_ADDRESS), w) && out.stop(VMREAD_BITMAP)) {
                return VMREAD_BITMAP;
            }
            if (badPageAddress(v.get(VMWRITE_BITMAP_ADDRESS), w) && out.stop(VMWRITE_BITMAP)) {
                return VMWRITE_BITMAP;
            }
        }
        if (bit(sec, EPT_VIOLATION_VE) && badPageAddress(v.get(VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS), w)
                && out.stop(VE_INFORMATION_ADDRESS)) {
            return VE_INFORMATION_ADDRESS;
        }
        if (bit(sec, PT_USES_GUEST_PHYSICAL_ADDRESSES) && (!ept || !bit(entry, VmEntryControls.LOAD_IA32_RTIT_CTL)
                || !bit(exit, VmExitControls.CLEAR_IA32_RTIT_CTL)) && out.stop(PT_GUEST_PHYSICAL)) {
            return PT_GUEST_PHYSICAL;
        }
        return null;
    }

    /**
     * The EPTP rules (SDM 26.2.1.1, format in 24.6.11), as the ept module states them ({@link Eptp#check}, which
     * INVEPT uses too): each problem is this area's failure for it, in the SDM's order; bit 7 and the reserved
     * bits are one failure.
     */
    static EntryCheckFailure eptPointer(long eptp, long cap, int w, FailureSink out) {
        EntryCheckFailure last = null;
        for (EptpProblem problem : Eptp.check(eptp, EptCapabilities.fromMsr(cap, w))) {
            EntryCheckFailure f = switch (problem) {
                case MEMORY_TYPE -> EPTP_MEMORY_TYPE;
                case PAGE_WALK_LENGTH -> EPTP_WALK_LENGTH;
                case ACCESSED_DIRTY_UNSUPPORTED -> EPTP_ACCESSED_DIRTY;
                case SUPERVISOR_SHADOW_STACK_UNSUPPORTED, RESERVED_LOW, RESERVED_HIGH -> EPTP_RESERVED;
            };
            if (f != last && out.stop(f)) {
                return f;
            }
            last = f;
        }
        return null;
    }

    private static EntryCheckFailure exitControls(Vmcs v, ProcessorFacts p, FailureSink out) {
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        int exit = v.get32(PRIMARY_VM_EXIT_CONTROLS);
        if (!p.caps.exitAllowed(exit) && out.stop(EXIT_RESERVED)) {
            return EXIT_RESERVED;
        }
        if (bit(exit, VmExitControls.ACTIVATE_SECONDARY_CONTROLS) && v.get(SECONDARY_VM_EXIT_CONTROLS) != 0
                && out.stop(SECONDARY_EXIT_RESERVED)) {
            return SECONDARY_EXIT_RESERVED;
        }
        if (!bit(pin, ACTIVATE_VMX_PREEMPTION_TIMER) && bit(exit, VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE)
                && out.stop(SAVE_TIMER_WITHOUT_TIMER)) {
            return SAVE_TIMER_WITHOUT_TIMER;
        }
        if (badMsrArea(v.get(VM_EXIT_MSR_STORE_ADDRESS), v.get32(VM_EXIT_MSR_STORE_COUNT), p.maxPhysAddr)
                && out.stop(EXIT_MSR_STORE_AREA)) {
            return EXIT_MSR_STORE_AREA;
        }
        if (badMsrArea(v.get(VM_EXIT_MSR_LOAD_ADDRESS), v.get32(VM_EXIT_MSR_LOAD_COUNT), p.maxPhysAddr)
                && out.stop(EXIT_MSR_LOAD_AREA)) {
            return EXIT_MSR_LOAD_AREA;
        }
        return null;
    }

    /** An MSR area (SDM 24.7.2, 24.8.2): 16-byte entries; address + 16 * count - 1 computed without overflow. */
    static boolean badMsrArea(long address, int count, int w) {
        if (count == 0) {
            return false;
        }
        return (address & 0xf) != 0 || beyondWidth(address, w)
                || beyondWidth(address + 16 * Integer.toUnsignedLong(count) - 1, w);
    }

    /** Vectors of the exceptions that push an error code (SDM Vol. 3A 6.3.1; 26.2.1.3). */
    static boolean deliversErrorCode(int vector) {
        return vector == 8 || vector >= 10 && vector <= 14 || vector == 17;
    }

    private static EntryCheckFailure entryControls(Vmcs v, ProcessorFacts p, FailureSink out) {
        int entry = v.get32(VM_ENTRY_CONTROLS);
        if (!p.caps.entryAllowed(entry) && out.stop(ENTRY_RESERVED)) {
            return ENTRY_RESERVED;
        }
        int info = v.get32(VM_ENTRY_INTERRUPTION_INFORMATION);
        if (info < 0) { // bit 31: valid
            int type = (info >>> 8) & 7;
            int vector = info & 0xff;
            if ((type == 1 || type == 7 && !p.monitorTrapFlag) && out.stop(EVENT_TYPE_RESERVED)) {
                return EVENT_TYPE_RESERVED;
            }
            if (type == 2 && vector != 2 && out.stop(EVENT_NMI_VECTOR)) {
                return EVENT_NMI_VECTOR;
            }
            if (type == 3 && vector > 31 && out.stop(EVENT_EXCEPTION_VECTOR)) {
                return EVENT_EXCEPTION_VECTOR;
            }
            if (type == 7 && vector != 0 && out.stop(EVENT_OTHER_VECTOR)) {
                return EVENT_OTHER_VECTOR;
            }
            boolean unrestricted = bit(secondary(v), UNRESTRICTED_GUEST);
            boolean protectedMode = bit(v.get(GUEST_CR0), CpuState.CR0_PE);
            boolean errorCode = (!unrestricted || protectedMode) && type == 3 && deliversErrorCode(vector);
            boolean deliver = bit(info, 1 << 11);
            if (deliver != errorCode && out.stop(EVENT_DELIVER_ERROR_CODE)) {
                return EVENT_DELIVER_ERROR_CODE;
            }
            if ((info & 0x7ffff000) != 0 && out.stop(EVENT_RESERVED)) {
                return EVENT_RESERVED;
            }
            if (deliver && (v.get32(VM_ENTRY_EXCEPTION_ERROR_CODE) >>> 16) != 0
                    && out.stop(EVENT_ERROR_CODE_RESERVED)) {
                return EVENT_ERROR_CODE_RESERVED;
            }
            if (type >= 4 && type <= 6) {
                int length = v.get32(VM_ENTRY_INSTRUCTION_LENGTH);
                boolean zeroAllowed = bit(p.caps.misc, IA32_VMX_MISC_ZERO_LENGTH_INJECTION);
                if ((Integer.compareUnsigned(length, 15) > 0 || length == 0 && !zeroAllowed)
                        && out.stop(EVENT_INSTRUCTION_LENGTH)) {
                    return EVENT_INSTRUCTION_LENGTH;
                }
            }
        }
        if (badMsrArea(v.get(VM_ENTRY_MSR_LOAD_ADDRESS), v.get32(VM_ENTRY_MSR_LOAD_COUNT), p.maxPhysAddr)
                && out.stop(ENTRY_MSR_LOAD_AREA)) {
            return ENTRY_MSR_LOAD_AREA;
        }
        int smm = VmEntryControls.ENTRY_TO_SMM | VmEntryControls.DEACTIVATE_DUAL_MONITOR_TREATMENT;
        if (!p.inSmm && (entry & smm) != 0 && out.stop(SMM_CONTROLS_OUTSIDE_SMM)) {
            return SMM_CONTROLS_OUTSIDE_SMM;
        }
        if ((entry & smm) == smm && out.stop(SMM_AND_DEACTIVATE)) {
            return SMM_AND_DEACTIVATE;
        }
        return null;
    }
}
