package org.vtsim.vmx.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.vtsim.vmx.controls.PinBasedControls.EXTERNAL_INTERRUPT_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.NMI_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.PROCESS_POSTED_INTERRUPTS;
import static org.vtsim.vmx.controls.PinBasedControls.VIRTUAL_NMIS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.ACTIVATE_TERTIARY_CONTROLS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.NMI_WINDOW_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_TPR_SHADOW;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.entry.BaselineGen.Draw;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * SDM Vol. 3C 26.2.1 against the capability MSRs: any VMCS whose controls respect the capability
 * MSRs (random control words filtered through allowed-0/allowed-1, dependent controls and fields
 * satisfied, everything else random) passes the control checks; and each reserved-bit rule fails
 * exactly when its control word breaks its MSR.
 */
class ControlFieldsPropertyTest {
    private static final List<VmxCapabilities> PROFILES = List.of(Spec.SKYLAKE, Spec.SKYLAKE_EPT_VPID);

    /** A control word through the allowed-0/1 filter of SDM A.3.1. */
    static int filter(long raw, long capability) {
        return (int) ((raw | capability) & (capability >>> 32));
    }

    record Case(Vmcs vmcs, SparseMemory memory) {
        @Override
        public String toString() {
            return "pin " + Integer.toHexString(vmcs.get32(PIN_BASED_VM_EXECUTION_CONTROLS)) + " proc "
                    + Integer.toHexString(vmcs.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)) + " sec "
                    + Integer.toHexString(vmcs.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)) + " exit "
                    + Integer.toHexString(vmcs.get32(PRIMARY_VM_EXIT_CONTROLS)) + " entry "
                    + Integer.toHexString(vmcs.get32(VM_ENTRY_CONTROLS)) + " event "
                    + Integer.toHexString(vmcs.get32(VM_ENTRY_INTERRUPTION_INFORMATION));
        }
    }

    static Gen<Case> respectingControls(VmxCapabilities caps) {
        Gen<Case> g = in -> {
            Draw d = new Draw(in);
            int w = caps.maxPhysAddr;
            Vmcs v = new Vmcs(BaselineGen.VMCS_ADDRESS);
            for (VmcsField f : VmcsField.values()) {
                v.set(f, d.garbage()); // every field random: the control checks read only their own
            }
            SparseMemory mem = new SparseMemory();
            int pin = filter(d.garbage(), caps.truePinbasedCtls);
            int proc = filter(d.garbage(), caps.trueProcbasedCtls);
            int sec = filter(d.garbage(), caps.procbasedCtls2);
            int exit = filter(d.garbage(), caps.trueExitCtls);
            int entry = filter(d.garbage(), caps.trueEntryCtls);
            // Dependent controls (26.2.1.1-26.2.1.3), written for every control even where the
            // model's allowed-1 settings already exclude it.
            if ((pin & NMI_EXITING) == 0) {
                pin &= ~VIRTUAL_NMIS;
            }
            if ((pin & VIRTUAL_NMIS) == 0) {
                proc &= ~NMI_WINDOW_EXITING;
            }
            if ((proc & USE_TPR_SHADOW) == 0) {
                sec &= ~(VIRTUALIZE_X2APIC_MODE | APIC_REGISTER_VIRTUALIZATION | VIRTUAL_INTERRUPT_DELIVERY);
            }
            if ((sec & VIRTUALIZE_X2APIC_MODE) != 0) {
                sec &= ~VIRTUALIZE_APIC_ACCESSES;
            }
            if ((pin & EXTERNAL_INTERRUPT_EXITING) == 0) {
                sec &= ~VIRTUAL_INTERRUPT_DELIVERY;
            }
            if ((sec & VIRTUAL_INTERRUPT_DELIVERY) == 0 || (exit & VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT) == 0) {
                pin &= ~PROCESS_POSTED_INTERRUPTS;
            }
            if ((sec & ENABLE_EPT) == 0) {
                sec &= ~(ENABLE_PML | UNRESTRICTED_GUEST | SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT
                        | MODE_BASED_EXECUTE_CONTROL_FOR_EPT | PT_USES_GUEST_PHYSICAL_ADDRESSES);
            }
            if ((pin & org.vtsim.vmx.controls.PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) == 0) {
                exit &= ~VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE;
            }
            v.set(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
            v.set(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
            if ((proc & ACTIVATE_SECONDARY_CONTROLS) != 0) {
                v.set(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, sec);
            }
            v.set(PRIMARY_VM_EXIT_CONTROLS, exit);
            v.set(VM_ENTRY_CONTROLS, entry);
            int effectiveSec = (proc & ACTIVATE_SECONDARY_CONTROLS) != 0 ? sec : 0;
            // Dependent fields.
            v.set(CR3_TARGET_COUNT, d.between(0, caps.cr3TargetCount()));
            for (VmcsField page : List.of(IO_BITMAP_A_ADDRESS, IO_BITMAP_B_ADDRESS, MSR_BITMAPS_ADDRESS,
                    APIC_ACCESS_ADDRESS, PML_ADDRESS, EPTP_LIST_ADDRESS, VMREAD_BITMAP_ADDRESS, VMWRITE_BITMAP_ADDRESS,
                    VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS)) {
                v.set(page, d.page(w));
            }
            long vapic = d.between(1, 0xfffff) << 12;
            int vtpr = (int) d.between(0, 15);
            mem.write8(vapic + 0x80, vtpr << 4);
            v.set(VIRTUAL_APIC_ADDRESS, vapic);
            v.set(TPR_THRESHOLD, d.between(0, vtpr));
            v.set(POSTED_INTERRUPT_NOTIFICATION_VECTOR, d.between(0, 255));
            v.set(POSTED_INTERRUPT_DESCRIPTOR_ADDRESS, d.bits((1L << w) - 1) & ~0x3fL);
            v.set(VIRTUAL_PROCESSOR_IDENTIFIER, d.between(1, 0xffff));
            long walk = (caps.eptVpidCap & VmxCapabilities.EPT_PAGE_WALK_5) != 0 && d.bool() ? 4 : 3;
            v.set(EPT_POINTER, d.page(w) | walk << 3 | (d.bool() ? 6 : 0));
            v.set(VM_FUNCTION_CONTROLS, d.bits(caps.vmfunc));
            if ((proc & ACTIVATE_TERTIARY_CONTROLS) != 0) {
                v.set(TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, 0);
            }
            for (VmcsField[] area : new VmcsField[][] {{VM_EXIT_MSR_STORE_ADDRESS, VM_EXIT_MSR_STORE_COUNT},
                {VM_EXIT_MSR_LOAD_ADDRESS, VM_EXIT_MSR_LOAD_COUNT},
                {VM_ENTRY_MSR_LOAD_ADDRESS, VM_ENTRY_MSR_LOAD_COUNT}}) {
                long n = d.between(0, 512);
                v.set(area[1], n);
                v.set(area[0], d.between(0, (1L << w) - 16 * n - 16) & ~0xfL);
            }
            // Event injection: none (valid bit clear, the rest random) or a valid event.
            int type = (int) d.between(-1, 7);
            if (type == 1 || type == -1) {
                v.set(VM_ENTRY_INTERRUPTION_INFORMATION, d.bits(0x7fffffff));
            } else {
                int vector = type == 2 ? 2 : type == 3 ? d.pick(32) : type == 7 ? 0 : d.pick(256);
                boolean peOrRestricted = (effectiveSec & UNRESTRICTED_GUEST) == 0 || (v.get(GUEST_CR0) & 1) != 0;
                boolean errorCode = peOrRestricted && type == 3 && ControlFieldChecks.deliversErrorCode(vector);
                v.set(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000000L | type << 8 | vector | (errorCode ? 1 << 11 : 0));
                v.set(VM_ENTRY_EXCEPTION_ERROR_CODE, d.between(0, 0xffff));
                v.set(VM_ENTRY_INSTRUCTION_LENGTH, d.between(1, 15));
            }
            if ((entry & VmEntryControls.ENTRY_TO_SMM) != 0) {
                throw new AssertionError("the model advertises no SMM control");
            }
            return new Case(v, mem);
        };
        return g.describedAs(Case::toString);
    }

    @Test
    void controlsRespectingTheCapabilityMsrsPassTheControlChecks() {
        for (VmxCapabilities caps : PROFILES) {
            VmEntryChecks checks = new VmEntryChecks(caps);
            qt().withExamples(400).forAll(respectingControls(caps))
                    .checkAssert(c -> assertEquals(List.of(), checks.controlFieldFailures(c.vmcs(), c.memory())));
        }
    }

    @Test
    void aReservedBitRuleFailsExactlyWhenItsControlWordBreaksItsMsr() {
        for (VmxCapabilities caps : PROFILES) {
            VmEntryChecks checks = new VmEntryChecks(caps);
            Gen<long[]> words = in -> {
                Draw d = new Draw(in);
                long[] caps5 = {caps.truePinbasedCtls, caps.trueProcbasedCtls, caps.procbasedCtls2,
                    caps.trueExitCtls, caps.trueEntryCtls};
                long[] w = new long[6];
                for (int i = 0; i < 5; i++) {
                    w[i] = filter(d.garbage(), caps5[i]) & 0xffffffffL;
                    if (d.bool()) {
                        w[i] ^= 1L << d.pick(32); // one bit flipped: allowed or not, as the MSR says
                    }
                }
                w[5] = d.bool() ? 1 : 0; // activate secondary controls
                return w;
            };
            qt().withExamples(400).forAll(words).checkAssert(w -> {
                Vmcs v = new Vmcs(BaselineGen.VMCS_ADDRESS);
                int proc = (int) w[1];
                proc = w[5] == 1 ? proc | ACTIVATE_SECONDARY_CONTROLS : proc & ~ACTIVATE_SECONDARY_CONTROLS;
                v.set(PIN_BASED_VM_EXECUTION_CONTROLS, w[0]);
                v.set(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
                v.set(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, w[2]);
                v.set(PRIMARY_VM_EXIT_CONTROLS, w[3]);
                v.set(VM_ENTRY_CONTROLS, w[4]);
                List<EntryCheckFailure> f = checks.controlFieldFailures(v, new SparseMemory());
                assertEquals(!caps.pinBasedAllowed((int) w[0]), f.contains(ControlFieldChecks.PIN_BASED_RESERVED));
                assertEquals(!caps.primaryProcessorBasedAllowed(proc),
                        f.contains(ControlFieldChecks.PRIMARY_RESERVED));
                assertEquals(w[5] == 1 && !caps.secondaryProcessorBasedAllowed((int) w[2]),
                        f.contains(ControlFieldChecks.SECONDARY_RESERVED));
                assertEquals(!caps.exitAllowed((int) w[3]), f.contains(ControlFieldChecks.EXIT_RESERVED));
                assertEquals(!caps.entryAllowed((int) w[4]), f.contains(ControlFieldChecks.ENTRY_RESERVED));
            });
        }
    }
}
