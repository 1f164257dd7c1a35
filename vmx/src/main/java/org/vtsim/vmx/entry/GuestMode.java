package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Rules.bit;

import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/** The guest-mode terms SDM Vol. 3C 26.3.1.2 defines and the other guest checks use. */
final class GuestMode {
    static final long RFLAGS_VM = 1L << 17;
    static final long RFLAGS_IF = 1L << 9;
    static final long RFLAGS_TF = 1L << 8;
    /** Access-rights bits (SDM 24.4.1, Table 24-2). */
    static final int AR_L = 1 << 13;
    static final int AR_UNUSABLE = 1 << 16;

    private GuestMode() {
    }

    /** "The guest will be IA-32e mode": the "IA-32e mode guest" VM-entry control is 1. */
    static boolean ia32e(Vmcs v) {
        return bit(v.get32(VmcsField.VM_ENTRY_CONTROLS), VmEntryControls.IA32E_MODE_GUEST);
    }

    /** "The guest will be virtual-8086": RFLAGS.VM is 1 in the guest-state area. */
    static boolean virtual8086(Vmcs v) {
        return bit(v.get(VmcsField.GUEST_RFLAGS), RFLAGS_VM);
    }

    /** "Unrestricted guest" as in force: secondary controls activated and the control set. */
    static boolean unrestricted(Vmcs v) {
        return bit(ControlFieldChecks.secondary(v), SecondaryProcessorBasedControls.UNRESTRICTED_GUEST);
    }

    /** 64-bit mode after entry: IA-32e mode guest with CS.L = 1. */
    static boolean sixtyFourBit(Vmcs v) {
        return ia32e(v) && bit(v.get(VmcsField.GUEST_CS_ACCESS_RIGHTS), AR_L);
    }
}
