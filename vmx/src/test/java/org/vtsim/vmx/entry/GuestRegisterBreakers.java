package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Breaker.of;
import static org.vtsim.vmx.entry.GuestRegisterChecks.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.controls.VmEntryControls;

/** Breakers of SDM Vol. 3C 26.3.1.1, 26.3.1.3 and 26.3.1.4 (exit reason 33, qualification 0). */
final class GuestRegisterBreakers {
    private GuestRegisterBreakers() {
    }

    static final long NON_CANONICAL = HostBreakers.NON_CANONICAL;

    /** Sets an entry control that loads a guest MSR, with valid values in the MSR fields. */
    static Baseline loadOnEntry(Baseline b, int control) {
        b.or(VM_ENTRY_CONTROLS, control);
        boolean ia32e = GuestMode.ia32e(b.vmcs);
        b.set(GUEST_IA32_EFER, ia32e ? CpuState.EFER_LMA | CpuState.EFER_LME : 0);
        b.set(GUEST_IA32_PAT, 0x0007040600070406L);
        return b.set(GUEST_IA32_PERF_GLOBAL_CTRL, 0);
    }

    /**
     * Makes the six data/code segment registers virtual-8086-valid (base = selector * 16, limit
     * FFFFH, access rights F3H): with RFLAGS.VM set, these are the only segment rules left. SS.DPL
     * becomes 3, so the activity state must be active.
     */
    static Baseline v86Segments(Baseline b) {
        for (int r = SegmentChecks.ES; r <= SegmentChecks.GS; r++) {
            long sel = 0x100 + r;
            b.set(SegmentChecks.SELECTOR[r], sel).set(SegmentChecks.BASE[r], sel << 4);
            b.set(SegmentChecks.LIMIT[r], 0xffff).set(SegmentChecks.ACCESS_RIGHTS[r], 0xf3);
        }
        b.set(GUEST_RIP, b.get(GUEST_RIP) & 0xffffffffL);
        return b.active();
    }

    static List<Breaker> all() {
        Spec any = Spec.any();
        return List.of(
                // ---- 26.3.1.1 ----
                of("guest CR0.NE cleared", CR0, b -> b.clear(GUEST_CR0, CpuState.CR0_NE)),
                of("guest CR0 bit 32 set", CR0, b -> b.or(GUEST_CR0, 1L << 32)),
                of("guest CR0.PG set with PE clear", CR0_PG_WITHOUT_PE, b -> b.clear(GUEST_CR0, CpuState.CR0_PE))
                        .maskedBy(CR0),
                of("guest CR4.VMXE cleared", CR4, b -> b.clear(GUEST_CR4, CpuState.CR4_VMXE)),
                of("guest CR4 bit 24 set", CR4, b -> b.or(GUEST_CR4, 1L << 24)),
                of("guest CR4.CET without CR0.WP", CET_WITHOUT_WP, b -> {
                    b.or(GUEST_CR4, 1L << 23).clear(GUEST_CR0, CpuState.CR0_WP);
                }).maskedBy(CR4),
                of("guest DEBUGCTL bit 2 set", DEBUGCTL, b -> b.loadDebugControls().or(GUEST_IA32_DEBUGCTL, 1 << 2)),
                of("guest DEBUGCTL bit 15 set (no RTM)", DEBUGCTL,
                        b -> b.loadDebugControls().or(GUEST_IA32_DEBUGCTL, 1 << 15)),
                of("IA-32e mode guest without CR4.PAE", IA32E_PG_PAE, b -> b.clear(GUEST_CR4, CpuState.CR4_PAE))
                        .in(any.ia32e()),
                of("CR4.PCIDE outside IA-32e mode", PCIDE_OUTSIDE_IA32E, b -> b.or(GUEST_CR4, CpuState.CR4_PCIDE))
                        .in(any.notIa32e()),
                of("guest CR3 bit 46 set", CR3, b -> b.or(GUEST_CR3, 1L << 46)),
                of("guest DR7 bit 32 set", DR7_HIGH, b -> b.loadDebugControls().or(GUEST_DR7, 1L << 32)),
                of("guest SYSENTER_ESP non-canonical", SYSENTER_ESP,
                        b -> b.set(GUEST_IA32_SYSENTER_ESP, NON_CANONICAL)),
                of("guest SYSENTER_EIP non-canonical", SYSENTER_EIP,
                        b -> b.set(GUEST_IA32_SYSENTER_EIP, 0x7fff_0000_0000_0000L)),
                of("guest PERF_GLOBAL_CTRL bit 32 (no fixed counter)", PERF_GLOBAL_CTRL,
                        b -> loadOnEntry(b, VmEntryControls.LOAD_IA32_PERF_GLOBAL_CTRL)
                                .set(GUEST_IA32_PERF_GLOBAL_CTRL, 1L << 32))
                        .maskedBy(ControlFieldChecks.ENTRY_RESERVED), // the control is not advertised
                of("guest PAT byte 3 = 3", PAT,
                        b -> loadOnEntry(b, VmEntryControls.LOAD_IA32_PAT).set(GUEST_IA32_PAT, 0x03000000L)),
                of("guest EFER bit 9 set", EFER_RESERVED,
                        b -> loadOnEntry(b, VmEntryControls.LOAD_IA32_EFER).or(GUEST_IA32_EFER, 1 << 9)),
                of("guest EFER.LMA flipped", EFER_LMA, b -> loadOnEntry(b, VmEntryControls.LOAD_IA32_EFER)
                        .set(GUEST_IA32_EFER, b.get(GUEST_IA32_EFER) ^ CpuState.EFER_LMA)),
                of("guest EFER.LME flipped", EFER_LME, b -> loadOnEntry(b, VmEntryControls.LOAD_IA32_EFER)
                        .set(GUEST_IA32_EFER, b.get(GUEST_IA32_EFER) ^ CpuState.EFER_LME)),
                of("guest BNDCFGS bit 2 set", BNDCFGS, b -> {
                    b.or(VM_ENTRY_CONTROLS, VmEntryControls.LOAD_IA32_BNDCFGS).set(GUEST_IA32_BNDCFGS, 4);
                }).maskedBy(ControlFieldChecks.ENTRY_RESERVED),
                of("guest PKRS bit 32 set", PKRS, b -> {
                    b.or(VM_ENTRY_CONTROLS, VmEntryControls.LOAD_PKRS).set(GUEST_IA32_PKRS, 1L << 32);
                }).maskedBy(ControlFieldChecks.ENTRY_RESERVED),
                // ---- 26.3.1.3 ----
                of("GDTR base non-canonical", GDTR_BASE, b -> b.set(GUEST_GDTR_BASE, NON_CANONICAL)),
                of("IDTR base non-canonical", IDTR_BASE, b -> b.set(GUEST_IDTR_BASE, NON_CANONICAL)),
                of("GDTR limit 10000H", GDTR_LIMIT, b -> b.set(GUEST_GDTR_LIMIT, 0x10000)),
                of("IDTR limit FFFFFFFFH", IDTR_LIMIT, b -> b.set(GUEST_IDTR_LIMIT, 0xffffffffL)),
                // ---- 26.3.1.4 ----
                of("RIP bit 32 outside 64-bit mode", RIP_HIGH, b -> b.or(GUEST_RIP, 1L << 32))
                        .in(any.kinds(GuestKind.COMPATIBILITY, GuestKind.PROTECTED_32, GuestKind.PROTECTED_PAE,
                                GuestKind.VIRTUAL_8086)),
                of("RIP non-canonical in 64-bit mode", RIP_CANONICAL, b -> b.set(GUEST_RIP, NON_CANONICAL))
                        .in(any.kinds(GuestKind.LONG_64)),
                of("RFLAGS bit 1 cleared", RFLAGS_RESERVED, b -> b.clear(GUEST_RFLAGS, 2)),
                of("RFLAGS bit 3 set", RFLAGS_RESERVED, b -> b.or(GUEST_RFLAGS, 1 << 3)),
                of("RFLAGS bit 15 set", RFLAGS_RESERVED, b -> b.or(GUEST_RFLAGS, 1 << 15)),
                of("RFLAGS bit 22 set", RFLAGS_RESERVED, b -> b.or(GUEST_RFLAGS, 1 << 22)),
                of("RFLAGS bit 63 set", RFLAGS_RESERVED, b -> b.or(GUEST_RFLAGS, 1L << 63)),
                of("RFLAGS.VM with an IA-32e mode guest", RFLAGS_VM,
                        b -> v86Segments(b).or(GUEST_RFLAGS, GuestMode.RFLAGS_VM)).in(any.ia32e()),
                of("external interrupt injected with RFLAGS.IF clear", RFLAGS_IF,
                        b -> b.inject(0, 0x30, false).clear(GUEST_RFLAGS, GuestMode.RFLAGS_IF)));
    }
}
