package org.vtsim.vmx.entry;

import java.util.EnumSet;
import java.util.Set;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;

/**
 * The shape of the baselines a property draws: the model's capabilities, the guest modes, whether
 * the processor (the VMM) runs in IA-32e mode, and whether the guest runs at CPL 0.
 */
record Spec(VmxCapabilities caps, Set<GuestKind> kinds, Boolean processorIa32e, boolean cplZero) {
    /** The profile without EPT and VPID (the default, skylake(), advertises both). */
    static final VmxCapabilities SKYLAKE = VmxCapabilities.of(CpuidModel.skylake(), false, false);
    static final VmxCapabilities SKYLAKE_EPT_VPID = VmxCapabilities.of(CpuidModel.skylake(), true, true);

    static Spec any() {
        return new Spec(SKYLAKE, EnumSet.allOf(GuestKind.class), null, false);
    }

    Spec with(VmxCapabilities c) {
        return new Spec(c, kinds, processorIa32e, cplZero);
    }

    Spec kinds(GuestKind first, GuestKind... rest) {
        return new Spec(caps, EnumSet.of(first, rest), processorIa32e, cplZero);
    }

    Spec notIa32e() {
        return kinds(GuestKind.PROTECTED_32, GuestKind.PROTECTED_PAE, GuestKind.VIRTUAL_8086);
    }

    Spec ia32e() {
        return kinds(GuestKind.LONG_64, GuestKind.COMPATIBILITY);
    }

    /** Guests that are not virtual-8086 (their segment rules are the per-field ones). */
    Spec protectedOrLong() {
        return kinds(GuestKind.LONG_64, GuestKind.COMPATIBILITY, GuestKind.PROTECTED_32, GuestKind.PROTECTED_PAE);
    }

    Spec host32() {
        Spec s = notIa32e();
        return new Spec(s.caps, s.kinds, false, cplZero);
    }

    Spec host64() {
        return new Spec(caps, kinds, true, cplZero);
    }

    Spec cpl0() {
        Spec s = kinds.contains(GuestKind.VIRTUAL_8086) && kinds.size() > 1 ? protectedOrLong() : this;
        return new Spec(s.caps, s.kinds, processorIa32e, true);
    }
}
