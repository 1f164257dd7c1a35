package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.VmxResult;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * Fills the current VMCS through VMWRITE, as KVM's vmx_vcpu_setup does: the controls the monitor
 * needs (each checked against the capability MSRs), the host state of {@link MonitorArea}, and the
 * guest state exactly as the boot loader left the processor for a native run (under shadow paging, with
 * the processor's paging registers on the shadow root and the guest's values in the read shadows).
 */
final class VmcsSetup {
    static final VmcsField[][] GUEST_SEGMENTS = {
        {GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_ACCESS_RIGHTS},
        {GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_ACCESS_RIGHTS},
        {GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_ACCESS_RIGHTS},
        {GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_ACCESS_RIGHTS},
        {GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_ACCESS_RIGHTS},
        {GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_ACCESS_RIGHTS},
    };

    /** VPID of the one vCPU (0 is the host's, SDM 28.1). */
    static final int VPID = 1;

    private final Vmx vmx;
    private final VmxCapabilities caps;

    VmcsSetup(Vmx vmx) {
        this.vmx = vmx;
        this.caps = vmx.capabilities();
    }

    void w(VmcsField f, long value) {
        if (vmx.vmwrite(f.encoding, value) != VmxResult.SUCCEED) {
            throw new IllegalStateException("VMWRITE " + f + " failed: VM-instruction error " + vmx.instructionError());
        }
    }

    /** CR0 bits the guest may not change without an exit: the fixed-1 bits other than PE and PG. */
    long cr0Mask() {
        return caps.cr0Fixed0 & ~(CpuState.CR0_PE | CpuState.CR0_PG);
    }

    long cr4Mask() {
        return caps.cr4Fixed0;
    }

    /**
     * The execution, exit and entry controls. With {@code shadow} (shadow paging) EPT and unrestricted
     * guest are off, CR3 loads and stores, INVLPG and every #PF exit, and the masks own the paging bits
     * ({@link ShadowPaging}); otherwise EPT and unrestricted guest are on and the guest owns its paging.
     */
    void controls(MonitorArea area, GuestMemory memory, int exceptionBitmap, ShadowPaging shadow) {
        int pin = Controls.adjust("pin-based", caps.truePinbasedCtls,
                PinBasedControls.EXTERNAL_INTERRUPT_EXITING | PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER,
                PinBasedControls.EXTERNAL_INTERRUPT_EXITING | PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        int wantedProc = PrimaryProcessorBasedControls.HLT_EXITING
                | PrimaryProcessorBasedControls.UNCONDITIONAL_IO_EXITING
                | PrimaryProcessorBasedControls.USE_MSR_BITMAPS
                | PrimaryProcessorBasedControls.CR8_LOAD_EXITING | PrimaryProcessorBasedControls.CR8_STORE_EXITING
                | PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;
        if (shadow != null) {
            wantedProc |= PrimaryProcessorBasedControls.CR3_LOAD_EXITING
                    | PrimaryProcessorBasedControls.CR3_STORE_EXITING | PrimaryProcessorBasedControls.INVLPG_EXITING;
        }
        int proc = Controls.adjust("primary processor-based", caps.trueProcbasedCtls, wantedProc, wantedProc);
        int neededSecondary = shadow != null ? 0
                : SecondaryProcessorBasedControls.ENABLE_EPT | SecondaryProcessorBasedControls.UNRESTRICTED_GUEST;
        int secondary = Controls.adjust("secondary processor-based", caps.procbasedCtls2,
                neededSecondary | SecondaryProcessorBasedControls.ENABLE_VPID
                        | SecondaryProcessorBasedControls.ENABLE_RDTSCP | SecondaryProcessorBasedControls.ENABLE_INVPCID,
                neededSecondary);
        int neededExit = VmExitControls.HOST_ADDRESS_SPACE_SIZE | VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT
                | VmExitControls.SAVE_IA32_EFER | VmExitControls.LOAD_IA32_EFER | VmExitControls.SAVE_IA32_PAT
                | VmExitControls.LOAD_IA32_PAT;
        int exit = Controls.adjust("VM-exit", caps.trueExitCtls, neededExit, neededExit);
        int neededEntry = VmEntryControls.LOAD_IA32_EFER | VmEntryControls.LOAD_IA32_PAT;
        int entry = Controls.adjust("VM-entry", caps.trueEntryCtls, neededEntry, neededEntry);
        w(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
        w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
        w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, secondary);
        w(PRIMARY_VM_EXIT_CONTROLS, exit);
        w(VM_ENTRY_CONTROLS, entry); // "IA-32e mode guest" is set from the guest's EFER.LMA below
        w(EXCEPTION_BITMAP, shadow != null ? exceptionBitmap | 1 << 14 : exceptionBitmap);
        w(MSR_BITMAPS_ADDRESS, area.address(MonitorArea.MSR_BITMAP));
        if (shadow != null) {
            // Every #PF exits: mask 0 and match 0 make the error code always "match" (SDM 25.2).
            w(PAGE_FAULT_ERROR_CODE_MASK, 0);
            w(PAGE_FAULT_ERROR_CODE_MATCH, 0);
            w(CR3_TARGET_COUNT, 0);
        } else {
            w(EPT_POINTER, memory.eptp());
        }
        if ((secondary & SecondaryProcessorBasedControls.ENABLE_VPID) != 0) {
            w(VIRTUAL_PROCESSOR_IDENTIFIER, VPID);
        }
        w(CR0_GUEST_HOST_MASK, shadow != null ? shadow.cr0Mask() : cr0Mask());
        w(CR4_GUEST_HOST_MASK, shadow != null ? shadow.cr4Mask() : cr4Mask());
        w(VMCS_LINK_POINTER, -1L);
    }

    /** The host state: what {@link MonitorArea#enterHostState} put in the processor (SDM 24.5). */
    void hostState(CpuState s, long hostPat) {
        w(HOST_CR0, s.cr0);
        w(HOST_CR3, s.cr3);
        w(HOST_CR4, s.cr4);
        w(HOST_CS_SELECTOR, MonitorArea.HOST_CS);
        w(HOST_SS_SELECTOR, MonitorArea.HOST_DS);
        w(HOST_DS_SELECTOR, MonitorArea.HOST_DS);
        w(HOST_ES_SELECTOR, MonitorArea.HOST_DS);
        w(HOST_FS_SELECTOR, MonitorArea.HOST_DS);
        w(HOST_GS_SELECTOR, MonitorArea.HOST_DS);
        w(HOST_TR_SELECTOR, MonitorArea.HOST_TR);
        w(HOST_FS_BASE, 0);
        w(HOST_GS_BASE, 0);
        w(HOST_TR_BASE, s.tr.base);
        w(HOST_GDTR_BASE, s.gdtrBase);
        w(HOST_IDTR_BASE, s.idtrBase);
        w(HOST_IA32_SYSENTER_CS, 0);
        w(HOST_IA32_SYSENTER_ESP, 0);
        w(HOST_IA32_SYSENTER_EIP, 0);
        w(HOST_IA32_EFER, s.efer);
        w(HOST_IA32_PAT, hostPat);
        w(HOST_RIP, s.rip);
        w(HOST_RSP, s.gpr[CpuState.RSP]);
    }

    /**
     * The guest state from a processor state (the boot loader's): control registers with the bits
     * VMX fixes forced on and the guest's own values in the read shadows, segments as they are (the
     * access-rights format is Segment's own), RIP, RSP, RFLAGS, EFER, PAT; active, no blocking.
     */
    void guestState(CpuState g, long guestPat, ShadowPaging shadow) {
        if (shadow != null) {
            w(GUEST_CR0, shadow.hardwareCr0(g.cr0));
            w(GUEST_CR3, shadow.mmu().hardwareCr3());
            w(GUEST_CR4, shadow.hardwareCr4(g.cr4, g.pagingEnabled()));
        } else {
            w(GUEST_CR0, g.cr0 | cr0Mask());
            w(GUEST_CR3, g.cr3);
            w(GUEST_CR4, g.cr4 | cr4Mask());
        }
        w(CR0_READ_SHADOW, g.cr0);
        w(CR4_READ_SHADOW, g.cr4);
        w(GUEST_DR7, g.dr[7]);
        for (int r = CpuState.ES; r <= CpuState.GS; r++) {
            segment(GUEST_SEGMENTS[r], g.seg[r]);
        }
        segment(new VmcsField[] {GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_ACCESS_RIGHTS},
                g.ldtr);
        segment(new VmcsField[] {GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_ACCESS_RIGHTS}, g.tr);
        w(GUEST_GDTR_BASE, g.gdtrBase);
        w(GUEST_GDTR_LIMIT, g.gdtrLimit);
        w(GUEST_IDTR_BASE, g.idtrBase);
        w(GUEST_IDTR_LIMIT, g.idtrLimit);
        w(GUEST_RIP, g.rip);
        w(GUEST_RSP, g.gpr[CpuState.RSP]);
        w(GUEST_RFLAGS, g.getRflags());
        w(GUEST_IA32_EFER, shadow != null ? ShadowPaging.hardwareEfer(g.efer) : g.efer);
        w(GUEST_IA32_PAT, guestPat);
        w(GUEST_IA32_SYSENTER_CS, 0);
        w(GUEST_IA32_SYSENTER_ESP, 0);
        w(GUEST_IA32_SYSENTER_EIP, 0);
        w(GUEST_INTERRUPTIBILITY_STATE, 0);
        w(GUEST_ACTIVITY_STATE, 0);
        w(GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
        int entry = vmx.currentVmcs().get32(VM_ENTRY_CONTROLS);
        w(VM_ENTRY_CONTROLS, g.longModeActive() ? entry | VmEntryControls.IA32E_MODE_GUEST
                : entry & ~VmEntryControls.IA32E_MODE_GUEST);
    }

    private void segment(VmcsField[] f, Segment seg) {
        w(f[0], seg.selector);
        w(f[1], seg.base);
        w(f[2], seg.limit);
        w(f[3], seg.attributes);
    }
}
