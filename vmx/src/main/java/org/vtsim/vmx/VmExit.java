package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.Msrs;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * VM exits (SDM Vol. 3C ch. 27): recording the exit information (27.2), saving guest state (27.3),
 * the MSR-store area (27.4), loading host state (27.5), the MSR-load area (27.6) and VMX aborts
 * (27.7). Also the VM-entry failure exits of 26.8, which load host state without saving guest state.
 *
 * <p>Callers set the optional information ({@link #linearAddress}, {@link #instruction},
 * {@link #interruption}) and then call {@link #exit}; RIP must already be the guest RIP to save
 * (the exiting instruction's for instruction and fault exits, SDM 27.3.3).
 */
final class VmExit {
    static final int IA32_DEBUGCTL = 0x1d9;
    static final int IA32_PERF_GLOBAL_CTRL = 0x38f;

    /** VMX-abort indicators (SDM 27.7). */
    static final int ABORT_SAVING_GUEST_MSRS = 1;
    static final int ABORT_HOST_PDPTES = 2;
    static final int ABORT_LOADING_HOST_MSRS = 4;

    /** CR0 bits a VM exit loads from the host field; the others keep their value (SDM 27.5.1). */
    private static final long HOST_CR0_LOADED = 0x8005002fL;

    private final Vmx vmx;
    private final Cpu cpu;
    private final CpuState s;
    private final long exitCost;

    private long linear;
    private int instructionLength;
    private int instructionInfo;
    private int interruptionInfo;
    private int interruptionError;
    private int idtVectoringInfo;
    private int idtVectoringError;

    /** Exits taken since the unit was created (for tests and statistics). */
    long exits;

    VmExit(Vmx vmx) {
        this.vmx = vmx;
        this.cpu = vmx.cpu;
        this.s = vmx.s;
        this.exitCost = cpu.costProfile().cycles(Cost.VM_EXIT);
    }

    VmExit linearAddress(long linearAddress) {
        this.linear = linearAddress;
        return this;
    }

    VmExit instruction(int length, int information) {
        this.instructionLength = length;
        this.instructionInfo = information;
        return this;
    }

    VmExit interruption(int information, int errorCode) {
        this.interruptionInfo = information;
        this.interruptionError = errorCode;
        return this;
    }

    VmExit idtVectoring(int information, int errorCode) {
        this.idtVectoringInfo = information;
        this.idtVectoringError = errorCode;
        return this;
    }

    /**
     * The exit happens while {@code e} is delivered through the guest IDT (SDM 27.2.4): IDT-vectoring
     * information with its vector, type (Table 24-17) and error-code bit, the error code it would have
     * pushed, and for a software interrupt, software exception or privileged software exception the
     * length of the instruction that raised it — or the VM-entry instruction length it was injected
     * with — in the VM-exit instruction-length field (27.2.5).
     */
    VmExit duringDelivery(Event e) {
        boolean error = e.pushesErrorCode();
        idtVectoring(org.vtsim.vmx.exit.VectoredEvent.information(e),
                error ? e.errorCode() : 0);
        if (e.type().returnsAfterInstruction()) {
            instructionLength = e.instructionLength();
        }
        return this;
    }

    /**
     * Takes a VM exit from VMX non-root operation with basic reason {@code basicReason}.
     *
     * @param afterInstruction whether RIP already points past the instruction (trap-like exits such
     *     as the monitor trap flag); only used to document intent, RIP is saved as it is
     */
    void exit(int basicReason, long qualification, boolean afterInstruction) {
        Vmcs v = vmx.currentVmcs();
        cpu.counters().cycles += exitCost;
        exits++;
        record(v, basicReason, qualification);
        saveGuestState(v);
        if (!storeGuestMsrs(v)) {
            return;
        }
        loadHostState(v);
    }

    /** A VM-entry failure exit (SDM 26.8): exit reason with bit 31, no guest state saved. */
    void entryFailure(ExitReason reason, long qualification) {
        Vmcs v = vmx.currentVmcs();
        cpu.counters().cycles += exitCost;
        exits++;
        record(v, reason.number | ExitReason.ENTRY_FAILURE_BIT, qualification);
        loadHostState(v);
    }

    // ---- 27.2: exit information ----

    private void record(Vmcs v, int exitReason, long qualification) {
        v.set(EXIT_REASON, exitReason & 0xffffffffL);
        v.set(EXIT_QUALIFICATION, qualification);
        v.set(GUEST_LINEAR_ADDRESS, linear);
        v.set(VM_EXIT_INSTRUCTION_LENGTH, instructionLength);
        v.set(VM_EXIT_INSTRUCTION_INFORMATION, instructionInfo);
        v.set(VM_EXIT_INTERRUPTION_INFORMATION, interruptionInfo);
        v.set(VM_EXIT_INTERRUPTION_ERROR_CODE, interruptionError);
        v.set(IDT_VECTORING_INFORMATION, idtVectoringInfo);
        v.set(IDT_VECTORING_ERROR_CODE, idtVectoringError);
        // Every VM exit clears the valid bit of the VM-entry interruption-information field (SDM 27.2.5).
        v.set(VM_ENTRY_INTERRUPTION_INFORMATION,
                v.get(VM_ENTRY_INTERRUPTION_INFORMATION) & ~(long) InterruptionInformation.VALID);
        linear = 0;
        instructionLength = 0;
        instructionInfo = 0;
        interruptionInfo = 0;
        interruptionError = 0;
        idtVectoringInfo = 0;
        idtVectoringError = 0;
    }

    // ---- 27.3: saving guest state ----

    private static final VmcsField[][] SEGMENT_FIELDS = {
        {GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_ACCESS_RIGHTS},
        {GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_ACCESS_RIGHTS},
        {GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_ACCESS_RIGHTS},
        {GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_ACCESS_RIGHTS},
        {GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_ACCESS_RIGHTS},
        {GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_ACCESS_RIGHTS},
    };

    private static final VmcsField[] LDTR_FIELDS = {GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
        GUEST_LDTR_ACCESS_RIGHTS};
    private static final VmcsField[] TR_FIELDS = {GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT,
        GUEST_TR_ACCESS_RIGHTS};

    static VmcsField[] segmentFields(int sreg) {
        return SEGMENT_FIELDS[sreg];
    }

    private static void saveSegment(Vmcs v, VmcsField[] f, Segment seg) {
        v.set(f[0], seg.selector);
        v.set(f[1], seg.base);
        v.set(f[2], seg.limit);
        v.set(f[3], seg.attributes & 0x1f0ff);
    }

    private void saveGuestState(Vmcs v) {
        int exitControls = v.get32(PRIMARY_VM_EXIT_CONTROLS);
        v.set(GUEST_CR0, s.cr0);
        v.set(GUEST_CR3, s.cr3);
        v.set(GUEST_CR4, s.cr4);
        if ((exitControls & VmExitControls.SAVE_DEBUG_CONTROLS) != 0) {
            v.set(GUEST_DR7, s.dr[7]);
            v.set(GUEST_IA32_DEBUGCTL, 0); // IA32_DEBUGCTL is not modelled: always 0
        }
        Msrs msrs = cpu.transitionMsrs();
        v.set(GUEST_IA32_SYSENTER_CS, msrs.sysenterCs());
        v.set(GUEST_IA32_SYSENTER_ESP, msrs.sysenterEsp());
        v.set(GUEST_IA32_SYSENTER_EIP, msrs.sysenterEip());
        if ((exitControls & VmExitControls.SAVE_IA32_PAT) != 0) {
            v.set(GUEST_IA32_PAT, msrs.pat());
        }
        if ((exitControls & VmExitControls.SAVE_IA32_EFER) != 0) {
            v.set(GUEST_IA32_EFER, s.efer);
        }
        for (int r = CpuState.ES; r <= CpuState.GS; r++) {
            saveSegment(v, SEGMENT_FIELDS[r], s.seg[r]);
        }
        saveSegment(v, LDTR_FIELDS, s.ldtr);
        saveSegment(v, TR_FIELDS, s.tr);
        v.set(GUEST_GDTR_BASE, s.gdtrBase);
        v.set(GUEST_GDTR_LIMIT, s.gdtrLimit);
        v.set(GUEST_IDTR_BASE, s.idtrBase);
        v.set(GUEST_IDTR_LIMIT, s.idtrLimit);
        v.set(GUEST_RIP, s.rip);
        v.set(GUEST_RSP, s.gpr[CpuState.RSP]);
        v.set(GUEST_RFLAGS, s.getRflags());
        v.set(GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
        v.set(GUEST_INTERRUPTIBILITY_STATE, interruptibility(v));
        v.set(GUEST_ACTIVITY_STATE, cpu.halted() ? 1 : 0);
        // "IA-32e mode guest" follows EFER.LMA (IA32_VMX_MISC bit 5, SDM 27.2).
        int entryControls = v.get32(VM_ENTRY_CONTROLS);
        entryControls = s.longModeActive() ? entryControls | VmEntryControls.IA32E_MODE_GUEST
                : entryControls & ~VmEntryControls.IA32E_MODE_GUEST;
        v.set(VM_ENTRY_CONTROLS, entryControls);
        if ((exitControls & VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) != 0
                && (v.get32(PIN_BASED_VM_EXECUTION_CONTROLS) & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) != 0) {
            v.set(VMX_PREEMPTION_TIMER_VALUE, vmx.nonRootExits.preemptionTimerValue());
        }
    }

    /**
     * Blocking by STI (bit 0) and by MOV SS (bit 1), SDM 24.4.2: a shadow still pending at a boundary,
     * or the one that covered the exiting instruction. Blocking by NMI (bit 3) is kept as entry set it
     * (NMIs are not modelled).
     */
    private long interruptibility(Vmcs v) {
        long nmi = v.get(GUEST_INTERRUPTIBILITY_STATE) & 8;
        if (cpu.halted()) {
            // The logical processor is in the HLT state: the STI or MOV SS shadow covered the HLT and
            // ended with it (SDM Vol. 2B STI), so no such blocking is in force at this exit.
            return nmi;
        }
        if (cpu.interruptShadow()) {
            return nmi | (cpu.interruptShadowByMovSs() ? 2 : 1);
        }
        if (cpu.blockedByMovSs()) {
            return nmi | 2;
        }
        if (cpu.blockedBySti()) {
            return nmi | 1;
        }
        return nmi;
    }

    // ---- 27.4: the VM-exit MSR-store area ----

    private boolean storeGuestMsrs(Vmcs v) {
        long count = v.get(VM_EXIT_MSR_STORE_COUNT);
        long area = v.get(VM_EXIT_MSR_STORE_ADDRESS);
        for (long i = 0; i < count; i++) {
            long e = area + 16 * i;
            int msr = vmx.physRead32(e);
            if (vmx.physRead32(e + 4) != 0 || (msr >>> 8) == 0x8 || msr == 0x9b) {
                abort(ABORT_SAVING_GUEST_MSRS);
                return false;
            }
            try {
                long value = cpu.readMsr(msr);
                if (e + 16 <= vmx.memory.size()) {
                    vmx.memory.write64(e + 8, value);
                }
            } catch (CpuFault f) {
                abort(ABORT_SAVING_GUEST_MSRS);
                return false;
            }
        }
        return true;
    }

    // ---- 27.5: loading host state ----

    /** The host selector field of each segment register (CS is loaded on its own). */
    private static final VmcsField[] HOST_SELECTORS = {HOST_ES_SELECTOR, null, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
        HOST_FS_SELECTOR, HOST_GS_SELECTOR};
    private static final int[] HOST_DATA_SEGMENTS = {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS};

    private void loadHostState(Vmcs v) {
        int exitControls = v.get32(PRIMARY_VM_EXIT_CONTROLS);
        boolean host64 = (exitControls & VmExitControls.HOST_ADDRESS_SPACE_SIZE) != 0;
        vmx.setNonRoot(false);
        cpu.setHalted(false);
        cpu.setInterruptShadow(false, false);

        // 27.5.1: control registers, debug registers, MSRs.
        s.cr0 = (v.get(HOST_CR0) & HOST_CR0_LOADED) | (s.cr0 & ~HOST_CR0_LOADED & 0xffffffffL);
        s.cr3 = v.get(HOST_CR3);
        long cr4 = v.get(HOST_CR4);
        cr4 = host64 ? cr4 | CpuState.CR4_PAE : cr4 & ~CpuState.CR4_PCIDE;
        s.cr4 = cr4;
        s.dr[7] = 0x400;
        long mask = host64 ? -1L : 0xffffffffL;
        cpu.transitionMsrs().loadSysenter(v.get(HOST_IA32_SYSENTER_CS), v.get(HOST_IA32_SYSENTER_ESP) & mask,
                v.get(HOST_IA32_SYSENTER_EIP) & mask);
        if ((exitControls & VmExitControls.LOAD_IA32_PERF_GLOBAL_CTRL) != 0) {
            loadUnmodelledMsr(IA32_PERF_GLOBAL_CTRL, v.get(HOST_IA32_PERF_GLOBAL_CTRL), "IA32_PERF_GLOBAL_CTRL");
        }
        if ((exitControls & VmExitControls.LOAD_IA32_PAT) != 0) {
            cpu.transitionMsrs().loadPat(v.get(HOST_IA32_PAT));
        }
        if ((exitControls & VmExitControls.LOAD_IA32_EFER) != 0) {
            s.efer = v.get(HOST_IA32_EFER);
        } else {
            long lm = CpuState.EFER_LMA | CpuState.EFER_LME;
            s.efer = host64 ? s.efer | lm : s.efer & ~lm;
        }

        // 27.5.2: segment registers and descriptor-table registers, with the SDM's fixed attributes.
        s.seg[CpuState.CS].set(v.get32(HOST_CS_SELECTOR), 0, 0xffffffffL, 0xb | Segment.ATTR_S | Segment.ATTR_P
                | Segment.ATTR_G | (host64 ? Segment.ATTR_L : Segment.ATTR_DB));
        int dataAttr = 0x3 | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_DB | Segment.ATTR_G;
        for (int r : HOST_DATA_SEGMENTS) {
            int sel = v.get32(HOST_SELECTORS[r]);
            long base = r == CpuState.FS ? v.get(HOST_FS_BASE) : r == CpuState.GS ? v.get(HOST_GS_BASE) : 0;
            // A null selector makes the segment unusable (SS included; its DPL is 0 either way).
            s.seg[r].set(sel, base, 0xffffffffL, sel == 0 ? dataAttr | Segment.ATTR_UNUSABLE : dataAttr);
        }
        s.tr.set(v.get32(HOST_TR_SELECTOR), v.get(HOST_TR_BASE), 0x67, 0xb | Segment.ATTR_P);
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        s.gdtrBase = v.get(HOST_GDTR_BASE);
        s.gdtrLimit = 0xffff;
        s.idtrBase = v.get(HOST_IDTR_BASE);
        s.idtrLimit = 0xffff;
        s.cpl = 0;

        // 27.5.3: RIP, RSP, RFLAGS.
        s.rip = v.get(HOST_RIP);
        s.gpr[CpuState.RSP] = v.get(HOST_RSP);
        s.setRflags(CpuState.FIXED1);

        // 27.5.4: PDPTEs of a PAE host; the host's translation back, with what the exit invalidates (28.4.3.1).
        try {
            vmx.translation.vmExit();
        } catch (CpuFault f) {
            abort(ABORT_HOST_PDPTES);
            return;
        }

        // 27.6: the VM-exit MSR-load area.
        loadHostMsrs(v);
    }

    private void loadUnmodelledMsr(int msr, long value, String name) {
        try {
            cpu.writeMsr(msr, value);
        } catch (CpuFault f) {
            throw new UnsupportedFeature(name + " (loading it on VM entry/exit)");
        }
    }

    private void loadHostMsrs(Vmcs v) {
        long count = v.get(VM_EXIT_MSR_LOAD_COUNT);
        long area = v.get(VM_EXIT_MSR_LOAD_ADDRESS);
        for (long i = 0; i < count; i++) {
            long e = area + 16 * i;
            int msr = vmx.physRead32(e);
            long value = e + 16 <= vmx.memory.size() ? vmx.memory.read64(e + 8) : -1L;
            if (!MsrLoadArea.loadable(msr, vmx.physRead32(e + 4))) {
                abort(ABORT_LOADING_HOST_MSRS);
                return;
            }
            try {
                cpu.writeMsr(msr, value);
            } catch (CpuFault f) {
                abort(ABORT_LOADING_HOST_MSRS);
                return;
            }
        }
    }

    // ---- 27.7: VMX abort ----

    /** Writes the VMX-abort indicator into the current VMCS region and shuts the processor down. */
    void abort(int indicator) {
        Vmcs v = vmx.currentVmcs();
        vmx.physWrite32(v.address + Vmcs.ABORT_INDICATOR_OFFSET, indicator);
        vmx.setNonRoot(false);
        cpu.enterShutdown("VMX abort, indicator " + indicator + " (SDM Vol. 3C 27.7)");
    }
}
