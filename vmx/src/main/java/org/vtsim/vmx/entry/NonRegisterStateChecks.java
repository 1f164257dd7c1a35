package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Rules.QUAL_VMCS_LINK_POINTER;
import static org.vtsim.vmx.entry.Rules.beyondWidth;
import static org.vtsim.vmx.entry.Rules.bit;
import static org.vtsim.vmx.entry.Rules.guest;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * SDM Vol. 3C 26.3.1.5: activity state, interruptibility state, pending debug exceptions and the
 * VMCS link pointer. Failures are exit reason 33 with qualification 0, except the VMCS-link-pointer
 * rules, which report qualification 4 (SDM 26.8, Table 27-1).
 */
final class NonRegisterStateChecks {
    private static final String S = "26.3.1.5";
    static final int ACTIVE = 0;
    static final int HLT = 1;
    static final int SHUTDOWN = 2;
    static final int WAIT_FOR_SIPI = 3;
    static final int BLOCKING_BY_STI = 1;
    static final int BLOCKING_BY_MOV_SS = 1 << 1;
    static final int BLOCKING_BY_SMI = 1 << 2;
    static final int BLOCKING_BY_NMI = 1 << 3;
    static final int ENCLAVE_INTERRUPTION = 1 << 4;
    /** Pending debug exceptions: bits 11:4, 13, 15 and 63:17 are reserved (bit 16 is RTM). */
    static final long PENDING_DEBUG_RESERVED = 0xff0L | 1L << 13 | 1L << 15 | ~0x1ffffL;
    static final long PENDING_BS = 1L << 14;
    static final long PENDING_ENABLED_BREAKPOINT = 1L << 12;
    static final long PENDING_RTM_BIT = 1L << 16;

    static final EntryCheckFailure ACTIVITY_UNSUPPORTED = guest(S,
            "the activity state must be one IA32_VMX_MISC bits 8:6 report as supported (or 0, active)");
    static final EntryCheckFailure ACTIVITY_HLT_DPL = guest(S, "the activity state must not be HLT when SS.DPL is not 0");
    static final EntryCheckFailure ACTIVITY_WITH_BLOCKING = guest(S,
            "the activity state must be active when the interruptibility state shows blocking by STI or MOV SS");
    static final EntryCheckFailure ACTIVITY_EVENT = guest(S, "an injected event must be one the activity state allows "
            + "(HLT: external interrupt, NMI, #DB, #MC, pending MTF; shutdown: NMI, #MC; wait-for-SIPI: none)");
    static final EntryCheckFailure ACTIVITY_SIPI_ENTRY_TO_SMM = guest(S,
            "the activity state must not be wait-for-SIPI with \"entry to SMM\"");
    static final EntryCheckFailure INTERRUPTIBILITY_RESERVED = guest(S,
            "bits 31:5 of the interruptibility state must be 0");
    static final EntryCheckFailure STI_AND_MOV_SS = guest(S,
            "blocking by STI and blocking by MOV SS cannot both be 1");
    static final EntryCheckFailure STI_WITHOUT_IF = guest(S, "blocking by STI must be 0 when RFLAGS.IF is 0");
    static final EntryCheckFailure EXTERNAL_INTERRUPT_BLOCKED = guest(S, "when an external interrupt is injected, "
            + "blocking by STI and by MOV SS must be 0");
    static final EntryCheckFailure NMI_MOV_SS = guest(S, "when an NMI is injected, blocking by MOV SS must be 0");
    static final EntryCheckFailure SMI_OUTSIDE_SMM = guest(S, "blocking by SMI must be 0 outside SMM");
    static final EntryCheckFailure SMI_ENTRY_TO_SMM = guest(S, "blocking by SMI must be 1 with \"entry to SMM\"");
    static final EntryCheckFailure VIRTUAL_NMI_BLOCKED = guest(S, "with \"virtual NMIs\", blocking by NMI must be 0 "
            + "when an NMI is injected");
    static final EntryCheckFailure ENCLAVE = guest(S, "enclave interruption (bit 4) needs SGX support and blocking by "
            + "MOV SS 0 (the model has no SGX: bit 4 must be 0)");
    static final EntryCheckFailure PENDING_DEBUG_RESERVED_BITS = guest(S,
            "pending debug exceptions bits 11:4, 13, 15 and 63:17 must be 0");
    static final EntryCheckFailure PENDING_BS_SET = guest(S, "with blocking by STI or MOV SS or activity HLT, "
            + "pending BS (bit 14) must be 1 if RFLAGS.TF is 1 and IA32_DEBUGCTL.BTF is 0");
    static final EntryCheckFailure PENDING_BS_CLEAR = guest(S, "with blocking by STI or MOV SS or activity HLT, "
            + "pending BS (bit 14) must be 0 if RFLAGS.TF is 0 or IA32_DEBUGCTL.BTF is 1");
    static final EntryCheckFailure PENDING_RTM = guest(S, "pending RTM (bit 16) needs RTM support, bits 11:0 other "
            + "than bit 12 (which must be 1) and 15:13 clear, and no blocking by MOV SS (the model has no RTM)");
    static final EntryCheckFailure LINK_ADDRESS = guest(S, QUAL_VMCS_LINK_POINTER, "a VMCS link pointer other than "
            + "FFFFFFFF_FFFFFFFFH must have bits 11:0 clear and no bit beyond the physical-address width");
    static final EntryCheckFailure LINK_REVISION = guest(S, QUAL_VMCS_LINK_POINTER,
            "bits 30:0 of the VMCS the link pointer references must hold the VMCS revision identifier");
    static final EntryCheckFailure LINK_SHADOW = guest(S, QUAL_VMCS_LINK_POINTER,
            "bit 31 of the VMCS the link pointer references must equal the \"VMCS shadowing\" control");
    static final EntryCheckFailure LINK_CURRENT = guest(S, QUAL_VMCS_LINK_POINTER,
            "outside SMM, the VMCS link pointer must not be the current-VMCS pointer");

    private NonRegisterStateChecks() {
    }

    /** Table of SDM 26.3.1.5: may this event be injected into this activity state? */
    static boolean injectable(int activity, int type, int vector) {
        return switch (activity) {
            case ACTIVE -> true;
            case HLT -> type == 0 || type == 2 || type == 3 && (vector == 1 || vector == 18)
                    || type == 7 && vector == 0;
            case SHUTDOWN -> type == 2 || type == 3 && vector == 18;
            default -> false;
        };
    }

    static EntryCheckFailure check(Vmcs v, PhysicalMemory memory, ProcessorFacts p, FailureSink out) {
        int entry = v.get32(VM_ENTRY_CONTROLS);
        boolean entryToSmm = bit(entry, VmEntryControls.ENTRY_TO_SMM);
        int activity = v.get32(GUEST_ACTIVITY_STATE);
        int intr = v.get32(GUEST_INTERRUPTIBILITY_STATE);
        int info = v.get32(VM_ENTRY_INTERRUPTION_INFORMATION);
        boolean inject = info < 0;
        int type = (info >>> 8) & 7;
        long rflags = v.get(GUEST_RFLAGS);

        if (!p.caps.activityStateSupported(activity) && out.stop(ACTIVITY_UNSUPPORTED)) {
            return ACTIVITY_UNSUPPORTED;
        }
        if (activity == HLT && SegmentChecks.dpl(v.get32(GUEST_SS_ACCESS_RIGHTS)) != 0 && out.stop(ACTIVITY_HLT_DPL)) {
            return ACTIVITY_HLT_DPL;
        }
        if ((intr & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)) != 0 && activity != ACTIVE
                && out.stop(ACTIVITY_WITH_BLOCKING)) {
            return ACTIVITY_WITH_BLOCKING;
        }
        if (inject && !injectable(activity, type, info & 0xff) && out.stop(ACTIVITY_EVENT)) {
            return ACTIVITY_EVENT;
        }
        if (entryToSmm && activity == WAIT_FOR_SIPI && out.stop(ACTIVITY_SIPI_ENTRY_TO_SMM)) {
            return ACTIVITY_SIPI_ENTRY_TO_SMM;
        }

        if ((intr & ~0x1f) != 0 && out.stop(INTERRUPTIBILITY_RESERVED)) {
            return INTERRUPTIBILITY_RESERVED;
        }
        if ((intr & 3) == 3 && out.stop(STI_AND_MOV_SS)) {
            return STI_AND_MOV_SS;
        }
        if (!bit(rflags, GuestMode.RFLAGS_IF) && bit(intr, BLOCKING_BY_STI) && out.stop(STI_WITHOUT_IF)) {
            return STI_WITHOUT_IF;
        }
        if (inject && type == 0 && (intr & 3) != 0 && out.stop(EXTERNAL_INTERRUPT_BLOCKED)) {
            return EXTERNAL_INTERRUPT_BLOCKED;
        }
        if (inject && type == 2 && bit(intr, BLOCKING_BY_MOV_SS) && out.stop(NMI_MOV_SS)) {
            return NMI_MOV_SS;
        }
        if (!p.inSmm && bit(intr, BLOCKING_BY_SMI) && out.stop(SMI_OUTSIDE_SMM)) {
            return SMI_OUTSIDE_SMM;
        }
        if (entryToSmm && !bit(intr, BLOCKING_BY_SMI) && out.stop(SMI_ENTRY_TO_SMM)) {
            return SMI_ENTRY_TO_SMM;
        }
        // "A processor may require blocking by STI to be 0 when an NMI is injected": this model does not.
        if (bit(v.get32(PIN_BASED_VM_EXECUTION_CONTROLS), PinBasedControls.VIRTUAL_NMIS) && inject && type == 2
                && bit(intr, BLOCKING_BY_NMI) && out.stop(VIRTUAL_NMI_BLOCKED)) {
            return VIRTUAL_NMI_BLOCKED;
        }
        if (bit(intr, ENCLAVE_INTERRUPTION) && (bit(intr, BLOCKING_BY_MOV_SS) || !p.sgx) && out.stop(ENCLAVE)) {
            return ENCLAVE;
        }

        long pending = v.get(GUEST_PENDING_DEBUG_EXCEPTIONS);
        if ((pending & PENDING_DEBUG_RESERVED) != 0 && out.stop(PENDING_DEBUG_RESERVED_BITS)) {
            return PENDING_DEBUG_RESERVED_BITS;
        }
        if ((intr & 3) != 0 || activity == HLT) {
            boolean tf = bit(rflags, GuestMode.RFLAGS_TF);
            boolean btf = bit(v.get(GUEST_IA32_DEBUGCTL), ProcessorFacts.DEBUGCTL_BTF);
            boolean bs = bit(pending, PENDING_BS);
            if (tf && !btf && !bs && out.stop(PENDING_BS_SET)) {
                return PENDING_BS_SET;
            }
            if ((!tf || btf) && bs && out.stop(PENDING_BS_CLEAR)) {
                return PENDING_BS_CLEAR;
            }
        }
        if (bit(pending, PENDING_RTM_BIT)) {
            boolean ok = p.rtm && (pending & 0xefffL) == 0
                    && bit(pending, PENDING_ENABLED_BREAKPOINT) && !bit(intr, BLOCKING_BY_MOV_SS);
            if (!ok && out.stop(PENDING_RTM)) {
                return PENDING_RTM;
            }
        }
        return linkPointer(v, memory, p, entryToSmm, out);
    }

    private static EntryCheckFailure linkPointer(Vmcs v, PhysicalMemory memory, ProcessorFacts p, boolean entryToSmm,
            FailureSink out) {
        long link = v.get(VMCS_LINK_POINTER);
        if (link == -1L) {
            return null;
        }
        if (((link & 0xfff) != 0 || beyondWidth(link, p.maxPhysAddr))) {
            return out.stop(LINK_ADDRESS) ? LINK_ADDRESS : null;
        }
        int header = Rules.read32(memory, link);
        if ((header & 0x7fffffff) != p.caps.revision() && out.stop(LINK_REVISION)) {
            return LINK_REVISION;
        }
        boolean shadowing = bit(ControlFieldChecks.secondary(v), SecondaryProcessorBasedControls.VMCS_SHADOWING);
        if (header < 0 != shadowing && out.stop(LINK_SHADOW)) {
            return LINK_SHADOW;
        }
        if ((!p.inSmm || entryToSmm) && link == v.address && out.stop(LINK_CURRENT)) {
            return LINK_CURRENT;
        }
        return null;
    }
}
