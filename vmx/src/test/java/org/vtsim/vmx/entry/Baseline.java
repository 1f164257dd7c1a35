package org.vtsim.vmx.entry;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * A VMCS that passes every entry check, the memory its checks read (virtual-APIC page, PAE PDPT,
 * VMCS link page), the processor mode it is entered from, and edit helpers for the breakers. Each
 * helper keeps the VMCS valid, except the one edit a breaker makes on purpose.
 */
final class Baseline {
    final Vmcs vmcs;
    final SparseMemory memory;
    final VmxCapabilities caps;
    final GuestKind kind;
    /** IA32_EFER.LMA of the processor executing VMLAUNCH (SDM 26.2.4); the breakers may flip it. */
    boolean processorIa32e;

    Baseline(Vmcs vmcs, SparseMemory memory, VmxCapabilities caps, GuestKind kind, boolean processorIa32e) {
        this.vmcs = vmcs;
        this.memory = memory;
        this.caps = caps;
        this.kind = kind;
        this.processorIa32e = processorIa32e;
    }

    long get(VmcsField f) {
        return vmcs.get(f);
    }

    int get32(VmcsField f) {
        return vmcs.get32(f);
    }

    Baseline set(VmcsField f, long value) {
        vmcs.set(f, value);
        return this;
    }

    Baseline or(VmcsField f, long bits) {
        return set(f, get(f) | bits);
    }

    Baseline clear(VmcsField f, long bits) {
        return set(f, get(f) & ~bits);
    }

    boolean has(VmcsField f, long bits) {
        return (get(f) & bits) == bits;
    }

    int maxPhysAddr() {
        return caps.maxPhysAddr;
    }

    // ---- guest-state edits that keep the VMCS valid ----

    int ssDpl() {
        return SegmentChecks.dpl(get32(GUEST_SS_ACCESS_RIGHTS));
    }

    /** No event injected and activity state active: frees the interruptibility rules to be edited. */
    Baseline noEventActive() {
        set(VM_ENTRY_INTERRUPTION_INFORMATION, 0);
        return active();
    }

    /** Activity state active (the BS rule then applies only with STI/MOV-SS blocking). */
    Baseline active() {
        set(GUEST_ACTIVITY_STATE, NonRegisterStateChecks.ACTIVE);
        return fixPendingBs();
    }

    /** Recomputes pending-debug BS where the rule of 26.3.1.5 constrains it. */
    Baseline fixPendingBs() {
        int intr = get32(GUEST_INTERRUPTIBILITY_STATE);
        boolean constrained = (intr & 3) != 0 || get32(GUEST_ACTIVITY_STATE) == NonRegisterStateChecks.HLT;
        if (constrained) {
            boolean tf = has(GUEST_RFLAGS, GuestMode.RFLAGS_TF);
            boolean btf = has(GUEST_IA32_DEBUGCTL, ProcessorFacts.DEBUGCTL_BTF);
            if (tf && !btf) {
                or(GUEST_PENDING_DEBUG_EXCEPTIONS, NonRegisterStateChecks.PENDING_BS);
            } else {
                clear(GUEST_PENDING_DEBUG_EXCEPTIONS, NonRegisterStateChecks.PENDING_BS);
            }
        }
        return this;
    }

    /** Injects an event (valid bit set) and makes the rest of the guest state accept it. */
    Baseline inject(int type, int vector, boolean deliverErrorCode) {
        set(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000000L | type << 8 | vector | (deliverErrorCode ? 1 << 11 : 0));
        set(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
        set(VM_ENTRY_INSTRUCTION_LENGTH, 2);
        set(GUEST_ACTIVITY_STATE, NonRegisterStateChecks.ACTIVE);
        if (type == 0) {
            or(GUEST_RFLAGS, GuestMode.RFLAGS_IF);
            clear(GUEST_INTERRUPTIBILITY_STATE, 3);
        }
        if (type == 2) {
            clear(GUEST_INTERRUPTIBILITY_STATE, NonRegisterStateChecks.BLOCKING_BY_MOV_SS);
            clear(GUEST_INTERRUPTIBILITY_STATE, NonRegisterStateChecks.BLOCKING_BY_NMI);
        }
        return fixPendingBs();
    }

    /** Sets an interruptibility state, with RFLAGS.IF when STI blocking needs it; no event, active. */
    Baseline interruptibility(int bits) {
        noEventActive();
        set(GUEST_INTERRUPTIBILITY_STATE, bits);
        if ((bits & NonRegisterStateChecks.BLOCKING_BY_STI) != 0) {
            or(GUEST_RFLAGS, GuestMode.RFLAGS_IF);
        }
        return fixPendingBs();
    }

    /** HLT (needs SS.DPL 0, i.e. a cpl0 spec), no blocking, no event. */
    Baseline halted() {
        set(VM_ENTRY_INTERRUPTION_INFORMATION, 0);
        clear(GUEST_INTERRUPTIBILITY_STATE, 3);
        set(GUEST_ACTIVITY_STATE, NonRegisterStateChecks.HLT);
        return fixPendingBs();
    }

    /** Sets the guest's "load debug controls" with valid DEBUGCTL and DR7 values. */
    Baseline loadDebugControls() {
        or(VM_ENTRY_CONTROLS, org.vtsim.vmx.controls.VmEntryControls.LOAD_DEBUG_CONTROLS);
        set(GUEST_IA32_DEBUGCTL, get(GUEST_IA32_DEBUGCTL) & ProcessorFacts.DEBUGCTL_VALID);
        set(GUEST_DR7, get(GUEST_DR7) & 0xffffffffL);
        return fixPendingBs();
    }

    /** A valid usable data segment in register r (ES, DS, FS, GS) of a non-virtual-8086 guest. */
    Baseline usableData(int r) {
        set(SegmentChecks.SELECTOR[r], 0x18 | (get(SegmentChecks.SELECTOR[r]) & 3));
        set(SegmentChecks.ACCESS_RIGHTS[r], 0x4000 | 0x80 | 0x60 | 0x10 | 3); // DB, P, DPL 3, S, type 3
        set(SegmentChecks.LIMIT[r], 0xffff);
        if (r == SegmentChecks.ES || r == SegmentChecks.DS) {
            set(SegmentChecks.BASE[r], 0x10000);
        }
        return this;
    }

    /** A valid usable SS (type 3, DPL = its RPL) of a non-virtual-8086 guest. */
    Baseline usableSs() {
        int dpl = ssDpl();
        set(GUEST_SS_ACCESS_RIGHTS, 0x4000 | 0x80 | dpl << 5 | 0x10 | 3);
        set(GUEST_SS_LIMIT, 0xffff);
        set(GUEST_SS_BASE, 0x20000);
        return this;
    }

    /** A valid usable LDTR. */
    Baseline usableLdtr() {
        set(GUEST_LDTR_SELECTOR, 0x28);
        set(GUEST_LDTR_ACCESS_RIGHTS, 0x80 | 2);
        set(GUEST_LDTR_LIMIT, 0xfff);
        set(GUEST_LDTR_BASE, 0x30000);
        return this;
    }

    /** The access rights of register r with {@code clear} bits cleared and {@code set} bits set. */
    Baseline ar(int r, int clear, int set) {
        return set(SegmentChecks.ACCESS_RIGHTS[r], (get32(SegmentChecks.ACCESS_RIGHTS[r]) & ~clear) | set);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind + (processorIa32e ? ", processor in IA-32e mode" : ", 32-bit VMM"));
        for (VmcsField f : VmcsField.values()) {
            long value = vmcs.get(f);
            if (value != 0 && caps.fieldExists(f)) {
                sb.append("\n  ").append(f).append(" = 0x").append(Long.toHexString(value));
            }
        }
        return sb.toString();
    }
}
