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
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.*;
import static org.vtsim.vmx.entry.Breaker.of;
import static org.vtsim.vmx.entry.ControlFieldChecks.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.List;
import java.util.function.Consumer;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.VmcsField;

/** Breakers of the control-field rules, SDM Vol. 3C 26.2.1.1-26.2.1.3 (VMfailValid 7). */
final class ControlBreakers {
    private ControlBreakers() {
    }

    static final Spec EPT_VPID = Spec.any().with(Spec.SKYLAKE_EPT_VPID);

    /** Activates the secondary controls with the given ones set (the rest as they were, or 0). */
    static Baseline secondary(Baseline b, int controls) {
        if (!b.has(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, ACTIVATE_SECONDARY_CONTROLS)) {
            b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, ACTIVATE_SECONDARY_CONTROLS);
            b.set(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0);
        }
        return b.or(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, controls);
    }

    /** Turns on the TPR shadow with a valid virtual-APIC page and threshold. */
    static Baseline tprShadow(Baseline b) {
        b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_TPR_SHADOW);
        b.set(VIRTUAL_APIC_ADDRESS, 0x5000);
        b.memory.write8(0x5080, 0x00);
        return b.set(TPR_THRESHOLD, 0);
    }

    /** Turns on EPT (the capabilities must advertise it) with a valid EPTP. */
    static Baseline ept(Baseline b) {
        secondary(b, ENABLE_EPT);
        return b.set(EPT_POINTER, 0x7000 | 3 << 3 | 6);
    }

    private static Consumer<Baseline> badPage(VmcsField field, long bad, Consumer<Baseline> enable) {
        return b -> {
            enable.accept(b);
            b.set(field, bad);
        };
    }

    static List<Breaker> all() {
        long beyond = 1L << 46;
        Consumer<Baseline> ioBitmaps = b -> {
            b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_IO_BITMAPS);
            b.set(IO_BITMAP_A_ADDRESS, 0x8000).set(IO_BITMAP_B_ADDRESS, 0x9000);
        };
        Consumer<Baseline> msrBitmaps = b -> b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_MSR_BITMAPS);
        return List.of(
                // ---- 26.2.1.1 ----
                of("pin-based default-1 bit 1 cleared", PIN_BASED_RESERVED,
                        b -> b.clear(PIN_BASED_VM_EXECUTION_CONTROLS, 1 << 1)),
                of("pin-based reserved bit 8 set", PIN_BASED_RESERVED,
                        b -> b.or(PIN_BASED_VM_EXECUTION_CONTROLS, 1 << 8)),
                of("primary default-1 bit 26 cleared", PRIMARY_RESERVED,
                        b -> b.clear(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 1 << 26)),
                of("primary reserved bit 0 set", PRIMARY_RESERVED,
                        b -> b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 1)),
                of("secondary reserved bit 31 set", SECONDARY_RESERVED, b -> secondary(b, 1 << 31)),
                of("secondary \"enable EPT\" not advertised", SECONDARY_RESERVED, b -> {
                    secondary(b, 0);
                    b.set(EPT_POINTER, 0x7000 | 3 << 3 | 6).or(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                            ENABLE_EPT);
                }).notAlone(), // and the EPTP fails against an EPT capability of 0
                of("tertiary controls activated with a control set", TERTIARY_RESERVED, b -> {
                    b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, ACTIVATE_TERTIARY_CONTROLS);
                    b.set(TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 1);
                }).maskedBy(PRIMARY_RESERVED),
                of("CR3-target count 5", CR3_TARGET_COUNT_TOO_HIGH, b -> b.set(CR3_TARGET_COUNT, 5)),
                of("CR3-target count FFFFFFFFH", CR3_TARGET_COUNT_TOO_HIGH,
                        b -> b.set(CR3_TARGET_COUNT, 0xffffffffL)),
                of("I/O bitmap A misaligned", IO_BITMAP_A, badPage(IO_BITMAP_A_ADDRESS, 0x8010, ioBitmaps)),
                of("I/O bitmap A beyond MAXPHYADDR", IO_BITMAP_A, badPage(IO_BITMAP_A_ADDRESS, beyond, ioBitmaps)),
                of("I/O bitmap B misaligned", IO_BITMAP_B, badPage(IO_BITMAP_B_ADDRESS, 0x9800, ioBitmaps)),
                of("I/O bitmap B beyond MAXPHYADDR", IO_BITMAP_B, badPage(IO_BITMAP_B_ADDRESS, -4096L, ioBitmaps)),
                of("MSR bitmaps misaligned", MSR_BITMAPS, badPage(MSR_BITMAPS_ADDRESS, 0xa001, msrBitmaps)),
                of("MSR bitmaps beyond MAXPHYADDR", MSR_BITMAPS, badPage(MSR_BITMAPS_ADDRESS, beyond, msrBitmaps)),
                of("virtual-APIC address misaligned", VIRTUAL_APIC_ADDRESS_BAD,
                        badPage(VIRTUAL_APIC_ADDRESS, 0x5004, ControlBreakers::tprShadow)),
                of("virtual-APIC address beyond MAXPHYADDR", VIRTUAL_APIC_ADDRESS_BAD,
                        badPage(VIRTUAL_APIC_ADDRESS, beyond | 0x5000, ControlBreakers::tprShadow)),
                of("TPR threshold bit 4 set", TPR_THRESHOLD_RESERVED, b -> tprShadow(b).set(TPR_THRESHOLD, 0x10)),
                of("TPR threshold bit 31 set", TPR_THRESHOLD_RESERVED,
                        b -> tprShadow(b).set(TPR_THRESHOLD, 0x80000000L)),
                of("TPR threshold 4 above VTPR 3", TPR_THRESHOLD_ABOVE_VTPR, b -> {
                    tprShadow(b).set(TPR_THRESHOLD, 4);
                    b.memory.write8(0x5080, 0x3f);
                }),
                of("virtualize x2APIC mode without TPR shadow", TPR_SHADOW_REQUIRED, b -> {
                    b.clear(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_TPR_SHADOW);
                    secondary(b, VIRTUALIZE_X2APIC_MODE);
                }).maskedBy(SECONDARY_RESERVED),
                of("virtual NMIs without NMI exiting", VIRTUAL_NMIS_WITHOUT_NMI_EXITING, b -> {
                    b.clear(PIN_BASED_VM_EXECUTION_CONTROLS, NMI_EXITING).or(PIN_BASED_VM_EXECUTION_CONTROLS,
                            VIRTUAL_NMIS);
                    b.clear(GUEST_INTERRUPTIBILITY_STATE, NonRegisterStateChecks.BLOCKING_BY_NMI);
                }),
                of("NMI-window exiting without virtual NMIs", NMI_WINDOW_WITHOUT_VIRTUAL_NMIS, b -> {
                    b.clear(PIN_BASED_VM_EXECUTION_CONTROLS, VIRTUAL_NMIS);
                    b.or(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, NMI_WINDOW_EXITING);
                }),
                of("APIC-access address misaligned", APIC_ACCESS_ADDRESS_BAD, b -> {
                    secondary(b, VIRTUALIZE_APIC_ACCESSES);
                    b.set(APIC_ACCESS_ADDRESS, 0xfee00010L);
                }).maskedBy(SECONDARY_RESERVED),
                of("virtualize x2APIC mode with APIC accesses", X2APIC_WITH_APIC_ACCESSES, b -> {
                    tprShadow(b);
                    secondary(b, VIRTUALIZE_X2APIC_MODE | VIRTUALIZE_APIC_ACCESSES);
                    b.set(APIC_ACCESS_ADDRESS, 0xfee00000L);
                }).maskedBy(SECONDARY_RESERVED),
                of("virtual-interrupt delivery without external-interrupt exiting",
                        VID_WITHOUT_EXTERNAL_INTERRUPT_EXITING, b -> {
                            tprShadow(b);
                            b.clear(PIN_BASED_VM_EXECUTION_CONTROLS, EXTERNAL_INTERRUPT_EXITING);
                            secondary(b, VIRTUAL_INTERRUPT_DELIVERY);
                        }).maskedBy(SECONDARY_RESERVED),
                of("posted interrupts without virtual-interrupt delivery", POSTED_WITHOUT_VID,
                        b -> b.or(PIN_BASED_VM_EXECUTION_CONTROLS, PROCESS_POSTED_INTERRUPTS))
                        .maskedBy(PIN_BASED_RESERVED),
                of("posted interrupts without acknowledge interrupt on exit", POSTED_WITHOUT_ACK, b -> {
                    b.or(PIN_BASED_VM_EXECUTION_CONTROLS, PROCESS_POSTED_INTERRUPTS);
                    b.clear(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT);
                }).maskedBy(PIN_BASED_RESERVED),
                of("posted-interrupt notification vector 100H", POSTED_VECTOR, b -> {
                    b.or(PIN_BASED_VM_EXECUTION_CONTROLS, PROCESS_POSTED_INTERRUPTS);
                    b.set(POSTED_INTERRUPT_NOTIFICATION_VECTOR, 0x100);
                }).maskedBy(PIN_BASED_RESERVED),
                of("posted-interrupt descriptor misaligned", POSTED_DESCRIPTOR, b -> {
                    b.or(PIN_BASED_VM_EXECUTION_CONTROLS, PROCESS_POSTED_INTERRUPTS);
                    b.set(POSTED_INTERRUPT_DESCRIPTOR_ADDRESS, 0x1008);
                }).maskedBy(PIN_BASED_RESERVED),
                of("VPID 0 with \"enable VPID\"", VPID_ZERO,
                        b -> secondary(b, ENABLE_VPID).set(VIRTUAL_PROCESSOR_IDENTIFIER, 0)).in(EPT_VPID),
                of("EPTP memory type 1", EPTP_MEMORY_TYPE, b -> ept(b).set(EPT_POINTER, 0x7000 | 3 << 3 | 1))
                        .in(EPT_VPID),
                of("EPTP memory type 7", EPTP_MEMORY_TYPE, b -> ept(b).set(EPT_POINTER, 0x7000 | 3 << 3 | 7))
                        .in(EPT_VPID),
                of("EPTP walk length 2", EPTP_WALK_LENGTH, b -> ept(b).set(EPT_POINTER, 0x7000 | 1 << 3 | 6))
                        .in(EPT_VPID),
                of("EPTP walk length 6", EPTP_WALK_LENGTH, b -> ept(b).set(EPT_POINTER, 0x7000 | 5 << 3 | 6))
                        .in(EPT_VPID),
                of("EPTP bit 7 set", EPTP_RESERVED, b -> ept(b).set(EPT_POINTER, 0x7080 | 3 << 3 | 6)).in(EPT_VPID),
                of("EPTP bit 11 set", EPTP_RESERVED, b -> ept(b).set(EPT_POINTER, 0x7800 | 3 << 3 | 6)).in(EPT_VPID),
                of("EPTP beyond MAXPHYADDR", EPTP_RESERVED, b -> ept(b).set(EPT_POINTER, beyond | 3 << 3 | 6))
                        .in(EPT_VPID),
                of("PML without EPT", PML_WITHOUT_EPT, b -> secondary(b, ENABLE_PML).set(PML_ADDRESS, 0x3000))
                        .maskedBy(SECONDARY_RESERVED),
                of("PML address misaligned", PML_ADDRESS_BAD, b -> {
                    ept(b);
                    secondary(b, ENABLE_PML).set(PML_ADDRESS, 0x3001);
                }).in(EPT_VPID).maskedBy(SECONDARY_RESERVED),
                of("unrestricted guest without EPT", UNRESTRICTED_WITHOUT_EPT,
                        b -> secondary(b, UNRESTRICTED_GUEST)).maskedBy(SECONDARY_RESERVED),
                of("sub-page write permissions without EPT", SUB_PAGE_WITHOUT_EPT,
                        b -> secondary(b, SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT)).maskedBy(SECONDARY_RESERVED),
                of("mode-based execute control without EPT", MODE_BASED_WITHOUT_EPT,
                        b -> secondary(b, MODE_BASED_EXECUTE_CONTROL_FOR_EPT)).maskedBy(SECONDARY_RESERVED),
                of("VM function 1 not in IA32_VMX_VMFUNC", VM_FUNCTION_CONTROLS_RESERVED,
                        b -> secondary(b, ENABLE_VM_FUNCTIONS).set(VM_FUNCTION_CONTROLS, 2))
                        .maskedBy(SECONDARY_RESERVED),
                of("EPTP switching without EPT", EPTP_SWITCHING_WITHOUT_EPT,
                        b -> secondary(b, ENABLE_VM_FUNCTIONS).set(VM_FUNCTION_CONTROLS, 1)
                                .set(EPTP_LIST_ADDRESS, 0x4000)).maskedBy(SECONDARY_RESERVED),
                of("EPTP-list address misaligned", EPTP_LIST_ADDRESS_BAD, b -> {
                    ept(b);
                    secondary(b, ENABLE_VM_FUNCTIONS).set(VM_FUNCTION_CONTROLS, 1).set(EPTP_LIST_ADDRESS, 0x4004);
                }).in(EPT_VPID).maskedBy(SECONDARY_RESERVED),
                of("VMREAD bitmap misaligned", VMREAD_BITMAP, b -> secondary(b, VMCS_SHADOWING)
                        .set(VMREAD_BITMAP_ADDRESS, 0x4100).set(VMWRITE_BITMAP_ADDRESS, 0x5000))
                        .maskedBy(SECONDARY_RESERVED),
                of("VMWRITE bitmap beyond MAXPHYADDR", VMWRITE_BITMAP, b -> secondary(b, VMCS_SHADOWING)
                        .set(VMREAD_BITMAP_ADDRESS, 0x4000).set(VMWRITE_BITMAP_ADDRESS, beyond))
                        .maskedBy(SECONDARY_RESERVED),
                of("#VE information address misaligned", VE_INFORMATION_ADDRESS, b -> secondary(b, EPT_VIOLATION_VE)
                        .set(VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS, 0x6008)).maskedBy(SECONDARY_RESERVED),
                of("PT uses guest-physical addresses without EPT", PT_GUEST_PHYSICAL,
                        b -> secondary(b, PT_USES_GUEST_PHYSICAL_ADDRESSES)).maskedBy(SECONDARY_RESERVED),

                // ---- 26.2.1.2 ----
                of("exit default-1 bit 0 cleared", EXIT_RESERVED, b -> b.clear(PRIMARY_VM_EXIT_CONTROLS, 1)),
                of("exit \"conceal VMX from PT\" not advertised", EXIT_RESERVED,
                        b -> b.or(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.CONCEAL_VMX_FROM_PT)),
                of("secondary VM-exit controls activated with a control set", SECONDARY_EXIT_RESERVED, b -> {
                    b.or(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.ACTIVATE_SECONDARY_CONTROLS);
                    b.set(SECONDARY_VM_EXIT_CONTROLS, 1);
                }).maskedBy(EXIT_RESERVED),
                of("save preemption timer without the timer", SAVE_TIMER_WITHOUT_TIMER, b -> {
                    b.clear(PIN_BASED_VM_EXECUTION_CONTROLS, ACTIVATE_VMX_PREEMPTION_TIMER);
                    b.or(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE);
                }),
                of("exit MSR-store address misaligned", EXIT_MSR_STORE_AREA,
                        b -> b.set(VM_EXIT_MSR_STORE_COUNT, 1).set(VM_EXIT_MSR_STORE_ADDRESS, 0x6008)),
                of("exit MSR-store address beyond MAXPHYADDR", EXIT_MSR_STORE_AREA,
                        b -> b.set(VM_EXIT_MSR_STORE_COUNT, 1).set(VM_EXIT_MSR_STORE_ADDRESS, beyond)),
                of("exit MSR-store area ends beyond MAXPHYADDR", EXIT_MSR_STORE_AREA,
                        b -> b.set(VM_EXIT_MSR_STORE_COUNT, 2).set(VM_EXIT_MSR_STORE_ADDRESS, beyond - 16)),
                of("exit MSR-load address misaligned", EXIT_MSR_LOAD_AREA,
                        b -> b.set(VM_EXIT_MSR_LOAD_COUNT, 3).set(VM_EXIT_MSR_LOAD_ADDRESS, 0x6004)),
                of("exit MSR-load area ends beyond MAXPHYADDR", EXIT_MSR_LOAD_AREA,
                        b -> b.set(VM_EXIT_MSR_LOAD_COUNT, 0x200).set(VM_EXIT_MSR_LOAD_ADDRESS, beyond - 0x1000)),

                // ---- 26.2.1.3 ----
                of("entry default-1 bit 0 cleared", ENTRY_RESERVED, b -> b.clear(VM_ENTRY_CONTROLS, 1)),
                of("entry reserved bit 31 set", ENTRY_RESERVED, b -> b.or(VM_ENTRY_CONTROLS, 1L << 31)),
                of("injected event of type 1", EVENT_TYPE_RESERVED, b -> b.inject(1, 0x20, false)),
                of("injected NMI with vector 3", EVENT_NMI_VECTOR, b -> b.inject(2, 3, false)),
                of("injected hardware exception with vector 32", EVENT_EXCEPTION_VECTOR,
                        b -> b.inject(3, 32, false)),
                of("injected other event with vector 1", EVENT_OTHER_VECTOR, b -> b.inject(7, 1, false)),
                of("#GP injected without its error code", EVENT_DELIVER_ERROR_CODE, b -> b.inject(3, 13, false)),
                of("#UD injected with an error code", EVENT_DELIVER_ERROR_CODE, b -> b.inject(3, 6, true)),
                of("software interrupt injected with an error code", EVENT_DELIVER_ERROR_CODE,
                        b -> b.inject(4, 13, true)),
                of("interruption-information bit 12 set", EVENT_RESERVED, b -> {
                    b.inject(3, 6, false);
                    b.or(VM_ENTRY_INTERRUPTION_INFORMATION, 1 << 12);
                }),
                of("interruption-information bit 30 set", EVENT_RESERVED, b -> {
                    b.inject(3, 6, false);
                    b.or(VM_ENTRY_INTERRUPTION_INFORMATION, 1 << 30);
                }),
                of("error code bit 16 set", EVENT_ERROR_CODE_RESERVED,
                        b -> b.inject(3, 14, true).set(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x10000)),
                of("software interrupt with instruction length 0", EVENT_INSTRUCTION_LENGTH,
                        b -> b.inject(4, 0x80, false).set(VM_ENTRY_INSTRUCTION_LENGTH, 0)),
                of("software exception with instruction length 16", EVENT_INSTRUCTION_LENGTH,
                        b -> b.inject(6, 3, false).set(VM_ENTRY_INSTRUCTION_LENGTH, 16)),
                of("privileged software exception with instruction length FFFFFFFFH", EVENT_INSTRUCTION_LENGTH,
                        b -> b.inject(5, 1, false).set(VM_ENTRY_INSTRUCTION_LENGTH, 0xffffffffL)),
                of("entry MSR-load address misaligned", ENTRY_MSR_LOAD_AREA,
                        b -> b.set(VM_ENTRY_MSR_LOAD_COUNT, 1).set(VM_ENTRY_MSR_LOAD_ADDRESS, 0x7001)),
                of("entry MSR-load area ends beyond MAXPHYADDR", ENTRY_MSR_LOAD_AREA,
                        b -> b.set(VM_ENTRY_MSR_LOAD_COUNT, 4).set(VM_ENTRY_MSR_LOAD_ADDRESS, beyond - 0x20)),
                of("entry to SMM outside SMM", SMM_CONTROLS_OUTSIDE_SMM,
                        b -> b.or(VM_ENTRY_CONTROLS, VmEntryControls.ENTRY_TO_SMM)).maskedBy(ENTRY_RESERVED),
                of("entry to SMM with deactivate dual-monitor treatment", SMM_AND_DEACTIVATE,
                        b -> b.or(VM_ENTRY_CONTROLS, VmEntryControls.ENTRY_TO_SMM
                                | VmEntryControls.DEACTIVATE_DUAL_MONITOR_TREATMENT)).maskedBy(ENTRY_RESERVED));
    }
}
