package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.VmExitSignal;
import org.vtsim.cpu.system.Event;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.entry.EntryCheckFailure;
import org.vtsim.vmx.entry.VmEntryChecks;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.VectoredEvent;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * VM entry after the instruction checks of 26.1 (SDM Vol. 3C ch. 26): the control, host-state and
 * guest-state checks ({@link VmEntryChecks}), loading guest state (26.3.2), the VM-entry MSR-load
 * area (26.4), event injection (26.6), and the VM-entry failure exits (26.8).
 */
final class VmEntry {
    /** CR0 bits guest state sets; ET is always 1 (SDM 26.3.2.1 loads CR0 "as is" but ET is fixed). */
    private static final long CR0_LOADED = 0xe005003fL;

    private final Vmx vmx;
    private final Cpu cpu;
    private final CpuState s;
    private final VmEntryChecks checks;
    private final long entryCost;
    VmEntry(Vmx vmx) {
        this.vmx = vmx;
        this.cpu = vmx.cpu;
        this.s = vmx.s;
        this.checks = new VmEntryChecks(vmx.caps);
        this.entryCost = cpu.costProfile().cycles(Cost.VM_ENTRY);
    }

    VmxResult enter(Vmcs v, boolean launch) {
        cpu.counters().cycles += entryCost;
        EntryCheckFailure failure = checks.firstFailure(v, vmx.memory);
        if (failure != null && failure.kind().isVmFail()) {
            return vmx.failValid(failure.kind() == EntryCheckFailure.Kind.INVALID_CONTROL_FIELDS
                    ? VmInstructionError.ENTRY_INVALID_CONTROL_FIELDS : VmInstructionError.ENTRY_INVALID_HOST_STATE);
        }
        if (failure != null) {
            vmx.exit.entryFailure(failure.kind() == EntryCheckFailure.Kind.MSR_LOADING
                    ? ExitReason.ENTRY_FAILURE_MSR_LOADING : ExitReason.ENTRY_FAILURE_INVALID_GUEST_STATE,
                    failure.qualification());
            return VmxResult.VM_ENTRY_FAILED;
        }
        loadGuestState(v);
        long msrFailure = loadGuestMsrs(v);
        if (msrFailure != 0) {
            vmx.exit.entryFailure(ExitReason.ENTRY_FAILURE_MSR_LOADING, msrFailure);
            return VmxResult.VM_ENTRY_FAILED;
        }
        if (launch) {
            v.setLaunched(true);
        }
        // The entry succeeded: the status flags of the guest are the guest's RFLAGS; now non-root.
        vmx.setNonRoot(true);
        loadNmiBlocking(v);
        vmx.nonRootExits.entered(v, vmx.executingInstruction);
        injectEvent(v);
        return VmxResult.VM_ENTERED;
    }

    // ---- 26.3.2: loading guest state ----

    private void loadGuestState(Vmcs v) {
        int entryControls = v.get32(VM_ENTRY_CONTROLS);
        boolean ia32e = (entryControls & VmEntryControls.IA32E_MODE_GUEST) != 0;
        s.cr0 = (v.get(GUEST_CR0) & CR0_LOADED) | CpuState.CR0_ET;
        s.cr3 = v.get(GUEST_CR3);
        s.cr4 = v.get(GUEST_CR4);
        if ((entryControls & VmEntryControls.LOAD_DEBUG_CONTROLS) != 0) {
            s.dr[7] = v.get(GUEST_DR7);
            if ((s.dr[7] & 0xff) != 0) {
                throw new UnsupportedFeature("hardware breakpoints (guest DR7 0x" + Long.toHexString(s.dr[7]) + ")");
            }
            if (v.get(GUEST_IA32_DEBUGCTL) != 0) {
                throw new UnsupportedFeature("IA32_DEBUGCTL (guest value loaded on VM entry)");
            }
        }
        cpu.transitionMsrs().loadSysenter(v.get(GUEST_IA32_SYSENTER_CS), v.get(GUEST_IA32_SYSENTER_ESP),
                v.get(GUEST_IA32_SYSENTER_EIP));
        if ((entryControls & VmEntryControls.LOAD_IA32_PERF_GLOBAL_CTRL) != 0
                && v.get(GUEST_IA32_PERF_GLOBAL_CTRL) != 0) {
            throw new UnsupportedFeature("IA32_PERF_GLOBAL_CTRL (guest value loaded on VM entry)");
        }
        if ((entryControls & VmEntryControls.LOAD_IA32_PAT) != 0) {
            cpu.transitionMsrs().loadPat(v.get(GUEST_IA32_PAT));
        }
        if ((entryControls & VmEntryControls.LOAD_IA32_EFER) != 0) {
            s.efer = v.get(GUEST_IA32_EFER);
        } else {
            // LMA follows "IA-32e mode guest"; so does LME when the guest has paging on (26.3.2.1).
            s.efer = ia32e ? s.efer | CpuState.EFER_LMA : s.efer & ~CpuState.EFER_LMA;
            if ((s.cr0 & CpuState.CR0_PG) != 0) {
                s.efer = ia32e ? s.efer | CpuState.EFER_LME : s.efer & ~CpuState.EFER_LME;
            }
        }

        // 26.3.2.2: segments, GDTR, IDTR. The access-rights format is Segment.attributes' own.
        for (int r = CpuState.ES; r <= CpuState.GS; r++) {
            VmcsField[] f = VmExit.segmentFields(r);
            loadSegment(s.seg[r], v, f[0], f[1], f[2], f[3], r == CpuState.CS || ia32e);
        }
        loadSegment(s.ldtr, v, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_ACCESS_RIGHTS, true);
        loadSegment(s.tr, v, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_ACCESS_RIGHTS, true);
        s.gdtrBase = v.get(GUEST_GDTR_BASE);
        s.gdtrLimit = v.get32(GUEST_GDTR_LIMIT) & 0xffff;
        s.idtrBase = v.get(GUEST_IDTR_BASE);
        s.idtrLimit = v.get32(GUEST_IDTR_LIMIT) & 0xffff;
        s.cpl = s.seg[CpuState.SS].dpl();

        // 26.3.2.3: RIP, RSP, RFLAGS.
        s.rip = v.get(GUEST_RIP);
        s.gpr[CpuState.RSP] = v.get(GUEST_RSP);
        s.setRflags(v.get(GUEST_RFLAGS));
        if ((s.systemFlags() & CpuState.TF) != 0) {
            throw new UnsupportedFeature("single-step traps (guest RFLAGS.TF)");
        }
        if ((v.get(GUEST_PENDING_DEBUG_EXCEPTIONS) & 0x1f00f) != 0) {
            throw new UnsupportedFeature("pending debug exceptions (guest-state field)");
        }

        // 26.3.2.4: the paging state changed (PAE PDPTEs from the VMCS with EPT, from CR3 without); the
        // translation follows: EPT and VPID tags and what entry invalidates (28.4.3.1).
        vmx.translation.vmEntry(v);

        // 26.3.2.5 / 26.6.1: interruptibility and activity state.
        long interruptibility = v.get(GUEST_INTERRUPTIBILITY_STATE);
        cpu.setInterruptShadow((interruptibility & 3) != 0, (interruptibility & 2) != 0);
        cpu.setHalted(v.get32(GUEST_ACTIVITY_STATE) == 1);
    }

    /**
     * Bit 3 of the interruptibility state (SDM Vol. 3C 26.7.1): "If the 'virtual NMIs' VM-execution control is 0,
     * NMIs are blocked if bit 3 (blocking by NMI) in the interruptibility-state field is 1"; if it is 1, "the bit's
     * value does not affect the blocking of NMIs after VM entry" and "determines whether there is virtual-NMI
     * blocking after VM entry". While the guest runs the processor keeps the field's bit 3 as the guest's
     * blocking changes (NMI delivery, IRET, injection), so a VM exit saves it (27.3.4).
     */
    private void loadNmiBlocking(Vmcs v) {
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        cpu.nmi().enterGuest((v.get(GUEST_INTERRUPTIBILITY_STATE) & 8) != 0,
                (pin & PinBasedControls.NMI_EXITING) != 0, (pin & PinBasedControls.VIRTUAL_NMIS) != 0,
                vmx.nonRootExits.nmiObserver);
    }

    private static void loadSegment(Segment seg, Vmcs v, VmcsField sel, VmcsField base, VmcsField limit,
            VmcsField ar, boolean fullBase) {
        long b = v.get(base);
        seg.set(v.get32(sel) & 0xffff, fullBase ? b : b & 0xffffffffL, v.get(limit),
                v.get32(ar) & 0x1f0ff);
    }

    // ---- 26.4: the VM-entry MSR-load area ----

    /** Loads the area; returns 0, or the 1-based index of the failing entry (the exit qualification). */
    private long loadGuestMsrs(Vmcs v) {
        long count = v.get(VM_ENTRY_MSR_LOAD_COUNT);
        long area = v.get(VM_ENTRY_MSR_LOAD_ADDRESS);
        for (long i = 0; i < count; i++) {
            long e = area + MsrLoadArea.ENTRY_BYTES * i;
            int msr = vmx.physRead32(e);
            long value = e + 16 <= vmx.memory.size() ? vmx.memory.read64(e + 8) : -1L;
            if (!MsrLoadArea.loadable(msr, vmx.physRead32(e + 4))) {
                return i + 1;
            }
            try {
                cpu.writeMsr(msr, value);
            } catch (CpuFault f) {
                return i + 1;
            }
        }
        return 0;
    }

    // ---- 26.6: event injection ----

    private void injectEvent(Vmcs v) {
        int info = v.get32(VM_ENTRY_INTERRUPTION_INFORMATION);
        if (!InterruptionInformation.valid(info)) {
            return;
        }
        Event e = VectoredEvent.event(info, v.get32(VM_ENTRY_EXCEPTION_ERROR_CODE),
                v.get32(VM_ENTRY_INSTRUCTION_LENGTH), s.rip);
        // An injected event starts the guest in the active state (26.6.3 for HLT).
        cpu.setHalted(false);
        if (e == null) {
            vmx.nonRootExits.pendMonitorTrap();
            return;
        }
        try {
            if (!cpu.deliverEvent(e)) {
                vmx.tripleFault();
            }
        } catch (VmExitSignal x) {
            // The delivery caused a VM exit (a nested exception in the exception bitmap, an EPT violation or
            // misconfiguration, SDM 26.6.1.2), already taken with the injected event as IDT-vectoring
            // information (27.2.4): the entry happened, and so did the exit — the processor is in root operation.
        }
    }
}
