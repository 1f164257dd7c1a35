package org.vtsim.vmx.entry;

import static org.vtsim.vmx.controls.PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER;
import static org.vtsim.vmx.controls.PinBasedControls.EXTERNAL_INTERRUPT_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.NMI_EXITING;
import static org.vtsim.vmx.controls.PinBasedControls.VIRTUAL_NMIS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.NMI_WINDOW_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_IO_BITMAPS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_MSR_BITMAPS;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_TPR_SHADOW;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Generates valid baseline VMCSs: every value is drawn at random within what the SDM's rules allow,
 * so every baseline passes every check; QuickTheories shrinks the draws towards their minimum (no
 * event, active, the allowed-0 control settings, small values). Fields no check reads while their
 * control is off are filled with garbage, so a property also shows those checks ignore them.
 */
final class BaselineGen {
    /** Physical address of the current VMCS (the link pointer must differ from it). */
    static final long VMCS_ADDRESS = 0x1000;
    private static final long LOW_4G = 0xffffffffL;

    private BaselineGen() {
    }

    static Gen<Baseline> baselines(Spec spec) {
        Gen<Baseline> g = in -> generate(new Draw(in), spec);
        return g.describedAs(Baseline::toString);
    }

    /** Random values with a handful of helpers; every draw shrinks towards its lower bound. */
    static final class Draw {
        final RandomnessSource in;

        Draw(RandomnessSource in) {
            this.in = in;
        }

        long between(long lo, long hi) {
            return in.next(Constraint.between(lo, hi));
        }

        int pick(int n) {
            return (int) between(0, n - 1);
        }

        boolean bool() {
            return between(0, 1) == 1;
        }

        /** One time in {@code n} (shrinks to false). */
        boolean oneIn(int n) {
            return between(0, n - 1) == n - 1;
        }

        long bits(long mask) {
            return in.next(Constraint.none().withShrinkPoint(0)) & mask;
        }

        long garbage() {
            return bits(-1L);
        }

        long canonical(int width) {
            int shift = 64 - width;
            return garbage() << shift >> shift;
        }

        /** A page address within MAXPHYADDR. */
        long page(int maxPhysAddr) {
            return bits((1L << maxPhysAddr) - 1) & ~0xfffL;
        }
    }

    /** A control value allowed by a capability MSR: the must-be-1 bits plus random may-be-1 bits. */
    static int control(Draw d, long capability) {
        return (int) (d.bits(capability >>> 32) | (capability & LOW_4G));
    }

    static Baseline generate(Draw d, Spec spec) {
        VmxCapabilities caps = spec.caps();
        List<GuestKind> kinds = new ArrayList<>(spec.kinds());
        GuestKind kind = kinds.get(d.pick(kinds.size()));
        boolean ia32e = kind.ia32e;
        boolean processorIa32e = ia32e || (spec.processorIa32e() != null ? spec.processorIa32e() : !d.oneIn(4));
        int w = caps.maxPhysAddr;
        int linear = (caps.cr4Fixed1 & CpuState.CR4_LA57) != 0 ? 57 : 48;
        SparseMemory mem = new SparseMemory();
        Vmcs v = new Vmcs(VMCS_ADDRESS);
        Baseline b = new Baseline(v, mem, caps, kind, processorIa32e);

        // ---- 26.2.1.1 VM-execution controls ----
        int pin = control(d, caps.truePinbasedCtls);
        if ((pin & NMI_EXITING) == 0) {
            pin &= ~VIRTUAL_NMIS;
        }
        int proc = control(d, caps.trueProcbasedCtls);
        if ((pin & VIRTUAL_NMIS) == 0) {
            proc &= ~NMI_WINDOW_EXITING;
        }
        int sec = control(d, caps.procbasedCtls2);
        if ((proc & USE_TPR_SHADOW) == 0) {
            sec &= ~(VIRTUALIZE_X2APIC_MODE | APIC_REGISTER_VIRTUALIZATION | VIRTUAL_INTERRUPT_DELIVERY);
        }
        if ((pin & EXTERNAL_INTERRUPT_EXITING) == 0) {
            sec &= ~VIRTUAL_INTERRUPT_DELIVERY;
        }
        if ((sec & VIRTUALIZE_X2APIC_MODE) != 0) {
            sec &= ~VIRTUALIZE_APIC_ACCESSES;
        }
        if ((sec & ENABLE_EPT) == 0) {
            sec &= ~(ENABLE_PML | UNRESTRICTED_GUEST | SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT
                    | MODE_BASED_EXECUTE_CONTROL_FOR_EPT);
        }
        boolean secondary = (proc & ACTIVATE_SECONDARY_CONTROLS) != 0;
        v.set(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
        v.set(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
        // Without "activate secondary controls" the field is ignored: fill it with garbage.
        v.set(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, secondary ? sec : d.garbage());
        int effectiveSec = secondary ? sec : 0;
        v.set(CR3_TARGET_COUNT, d.between(0, caps.cr3TargetCount()));
        v.set(IO_BITMAP_A_ADDRESS, (proc & USE_IO_BITMAPS) != 0 ? d.page(w) : d.garbage());
        v.set(IO_BITMAP_B_ADDRESS, (proc & USE_IO_BITMAPS) != 0 ? d.page(w) : d.garbage());
        v.set(MSR_BITMAPS_ADDRESS, (proc & USE_MSR_BITMAPS) != 0 ? d.page(w) : d.garbage());
        if ((proc & USE_TPR_SHADOW) != 0) {
            long vapic = d.between(0x100, 0x7ffff) << 12; // 1 MiB .. 2 GiB
            int vtpr = (int) d.between(0, 15);
            mem.write8(vapic + 0x80, vtpr << 4 | (int) d.bits(0xf));
            v.set(VIRTUAL_APIC_ADDRESS, vapic);
            v.set(TPR_THRESHOLD, d.between(0, vtpr));
        } else {
            v.set(VIRTUAL_APIC_ADDRESS, d.garbage());
            v.set(TPR_THRESHOLD, d.garbage());
        }
        v.set(APIC_ACCESS_ADDRESS, (effectiveSec & VIRTUALIZE_APIC_ACCESSES) != 0 ? d.page(w) : d.garbage());
        v.set(VIRTUAL_PROCESSOR_IDENTIFIER, (effectiveSec & ENABLE_VPID) != 0 ? d.between(1, 0xffff) : d.garbage());
        if ((effectiveSec & ENABLE_EPT) != 0) {
            long type = d.bool() ? 6 : 0;
            long walk = (caps.eptVpidCap & VmxCapabilities.EPT_PAGE_WALK_5) != 0 && d.bool() ? 4 : 3;
            long ad = (caps.eptVpidCap & VmxCapabilities.EPT_ACCESSED_DIRTY) != 0 && d.bool() ? 1 << 6 : 0;
            v.set(EPT_POINTER, d.page(w) | ad | walk << 3 | type);
        } else {
            v.set(EPT_POINTER, d.garbage());
        }
        v.set(EXCEPTION_BITMAP, d.garbage());
        v.set(PAGE_FAULT_ERROR_CODE_MASK, d.garbage());
        v.set(PAGE_FAULT_ERROR_CODE_MATCH, d.garbage());
        v.set(TSC_OFFSET, d.garbage());
        v.set(CR0_GUEST_HOST_MASK, d.garbage());
        v.set(CR4_READ_SHADOW, d.garbage());

        // ---- 26.2.1.2 VM-exit controls ----
        int exit = control(d, caps.trueExitCtls);
        exit = processorIa32e ? exit | VmExitControls.HOST_ADDRESS_SPACE_SIZE
                : exit & ~VmExitControls.HOST_ADDRESS_SPACE_SIZE;
        if ((pin & ACTIVATE_VMX_PREEMPTION_TIMER) == 0) {
            exit &= ~VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE;
        }
        v.set(PRIMARY_VM_EXIT_CONTROLS, exit);
        msrArea(d, v, w, VM_EXIT_MSR_STORE_ADDRESS, VM_EXIT_MSR_STORE_COUNT);
        msrArea(d, v, w, VM_EXIT_MSR_LOAD_ADDRESS, VM_EXIT_MSR_LOAD_COUNT);

        // ---- 26.2.1.3 VM-entry controls (event injection is drawn with the guest state) ----
        int entry = control(d, caps.trueEntryCtls);
        entry = ia32e ? entry | VmEntryControls.IA32E_MODE_GUEST : entry & ~VmEntryControls.IA32E_MODE_GUEST;
        v.set(VM_ENTRY_CONTROLS, entry);
        msrArea(d, v, w, VM_ENTRY_MSR_LOAD_ADDRESS, VM_ENTRY_MSR_LOAD_COUNT);

        host(d, v, caps, exit, processorIa32e, linear);
        guest(d, b, spec, effectiveSec, pin, entry, linear);
        return b;
    }

    private static void msrArea(Draw d, Vmcs v, int w, org.vtsim.vmx.vmcs.VmcsField address,
            org.vtsim.vmx.vmcs.VmcsField count) {
        long n = d.oneIn(2) ? 0 : d.between(1, 64);
        v.set(count, n);
        v.set(address, n == 0 ? d.garbage() : d.between(0, (1L << w) - 16 * n) & ~0xfL);
    }

    /** A valid IA32_PAT value: each byte UC, WC, WT, WP, WB or UC- (SDM Vol. 3A 11.12.2). */
    static long pat(Draw d) {
        long[] types = {0, 1, 4, 5, 6, 7};
        long pat = 0;
        for (int i = 0; i < 8; i++) {
            pat |= types[d.pick(types.length)] << (8 * i);
        }
        return pat;
    }

    private static final long CR0_OPTIONAL = CpuState.CR0_MP | CpuState.CR0_EM | CpuState.CR0_TS | CpuState.CR0_ET
            | CpuState.CR0_NE | CpuState.CR0_WP | CpuState.CR0_AM | CpuState.CR0_NW | CpuState.CR0_CD;

    private static void host(Draw d, Vmcs v, VmxCapabilities caps, int exit, boolean host64, int linear) {
        int w = caps.maxPhysAddr;
        v.set(HOST_CR0, (caps.cr0Fixed0 | d.bits(CR0_OPTIONAL)) & caps.cr0Fixed1);
        long cr4 = caps.cr4Fixed0 | d.bits(caps.cr4Fixed1);
        cr4 = host64 ? cr4 | CpuState.CR4_PAE : cr4 & ~CpuState.CR4_PCIDE;
        v.set(HOST_CR4, cr4);
        v.set(HOST_CR3, d.bits((1L << w) - 1));
        v.set(HOST_IA32_SYSENTER_ESP, d.canonical(linear));
        v.set(HOST_IA32_SYSENTER_EIP, d.canonical(linear));
        v.set(HOST_IA32_SYSENTER_CS, d.garbage());
        v.set(HOST_IA32_PERF_GLOBAL_CTRL,
                (exit & VmExitControls.LOAD_IA32_PERF_GLOBAL_CTRL) != 0 ? 0 : d.garbage());
        v.set(HOST_IA32_PAT, (exit & VmExitControls.LOAD_IA32_PAT) != 0 ? pat(d) : d.garbage());
        long efer = d.bits(CpuState.EFER_SCE | CpuState.EFER_NXE)
                | (host64 ? CpuState.EFER_LME | CpuState.EFER_LMA : 0);
        v.set(HOST_IA32_EFER, (exit & VmExitControls.LOAD_IA32_EFER) != 0 ? efer : d.garbage());
        v.set(HOST_CS_SELECTOR, d.between(1, 0x1fff) << 3);
        v.set(HOST_TR_SELECTOR, d.between(1, 0x1fff) << 3);
        v.set(HOST_SS_SELECTOR, d.between(host64 ? 0 : 1, 0x1fff) << 3);
        v.set(HOST_DS_SELECTOR, d.between(0, 0x1fff) << 3);
        v.set(HOST_ES_SELECTOR, d.between(0, 0x1fff) << 3);
        v.set(HOST_FS_SELECTOR, d.between(0, 0x1fff) << 3);
        v.set(HOST_GS_SELECTOR, d.between(0, 0x1fff) << 3);
        v.set(HOST_FS_BASE, d.canonical(linear));
        v.set(HOST_GS_BASE, d.canonical(linear));
        v.set(HOST_TR_BASE, d.canonical(linear));
        v.set(HOST_GDTR_BASE, d.canonical(linear));
        v.set(HOST_IDTR_BASE, d.canonical(linear));
        v.set(HOST_RSP, d.garbage());
        v.set(HOST_RIP, host64 ? d.canonical(linear) : d.bits(LOW_4G));
    }

    /** A limit and a G bit that agree (SDM 26.3.1.2): byte-granular up to 1 MiB or page-granular. */
    private static long[] limitAndG(Draw d) {
        return d.bool() ? new long[] {d.between(0, 0xfffff) << 12 | 0xfff, 1 << 15}
                : new long[] {d.between(0, 0xfffff), 0};
    }

    private static final long RFLAGS_FREE = 0x3d7fd5L & ~GuestMode.RFLAGS_VM;

    private static void guest(Draw d, Baseline b, Spec spec, int sec, int pin, int entry, int linear) {
        Vmcs v = b.vmcs;
        VmxCapabilities caps = b.caps;
        SparseMemory mem = b.memory;
        GuestKind kind = b.kind;
        int w = caps.maxPhysAddr;
        boolean ia32e = kind.ia32e;
        boolean v86 = kind == GuestKind.VIRTUAL_8086;
        boolean pae = ia32e || kind == GuestKind.PROTECTED_PAE || v86 && d.bool();

        // ---- 26.3.1.1 control registers, debug registers, MSRs ----
        v.set(GUEST_CR0, (caps.cr0Fixed0 | d.bits(CR0_OPTIONAL)) & caps.cr0Fixed1);
        long cr4 = caps.cr4Fixed0 | d.bits(caps.cr4Fixed1);
        cr4 = pae ? cr4 | CpuState.CR4_PAE : cr4 & ~CpuState.CR4_PAE;
        if (!ia32e) {
            cr4 &= ~(CpuState.CR4_PCIDE | CpuState.CR4_LA57);
        }
        v.set(GUEST_CR4, cr4);
        if (pae && !ia32e) {
            long pdpt = d.between(0x80000000L >>> 5, LOW_4G >>> 5) << 5; // 2..4 GiB, 32-byte aligned
            v.set(GUEST_CR3, pdpt | d.bits(0x18));
            VmcsFieldsOfPdptes.write(d, b, pdpt, w);
        } else {
            v.set(GUEST_CR3, d.bits((1L << w) - 1));
        }
        boolean debug = (entry & VmEntryControls.LOAD_DEBUG_CONTROLS) != 0;
        v.set(GUEST_IA32_DEBUGCTL, debug ? d.bits(ProcessorFacts.DEBUGCTL_VALID) : d.garbage());
        v.set(GUEST_DR7, debug ? d.bits(LOW_4G) : d.garbage());
        v.set(GUEST_IA32_SYSENTER_ESP, d.canonical(linear));
        v.set(GUEST_IA32_SYSENTER_EIP, d.canonical(linear));
        v.set(GUEST_IA32_SYSENTER_CS, d.garbage());
        v.set(GUEST_IA32_PERF_GLOBAL_CTRL,
                (entry & VmEntryControls.LOAD_IA32_PERF_GLOBAL_CTRL) != 0 ? 0 : d.garbage());
        v.set(GUEST_IA32_PAT, (entry & VmEntryControls.LOAD_IA32_PAT) != 0 ? pat(d) : d.garbage());
        long efer = d.bits(CpuState.EFER_SCE | CpuState.EFER_NXE) | (ia32e ? CpuState.EFER_LME | CpuState.EFER_LMA : 0);
        v.set(GUEST_IA32_EFER, (entry & VmEntryControls.LOAD_IA32_EFER) != 0 ? efer : d.garbage());
        v.set(GUEST_IA32_BNDCFGS, d.garbage());
        v.set(GUEST_IA32_PKRS, d.garbage());

        // ---- 26.3.1.2 segment registers ----
        int cpl = v86 ? 3 : spec.cplZero() ? 0 : (int) d.between(0, 3);
        segments(d, b, ia32e, v86, cpl, linear);

        // ---- 26.3.1.3 GDTR, IDTR ----
        v.set(GUEST_GDTR_BASE, d.canonical(linear));
        v.set(GUEST_IDTR_BASE, d.canonical(linear));
        v.set(GUEST_GDTR_LIMIT, d.between(0, 0xffff));
        v.set(GUEST_IDTR_LIMIT, d.between(0, 0xffff));

        // ---- 26.3.1.4 RIP, RFLAGS ----
        v.set(GUEST_RIP, kind == GuestKind.LONG_64 ? d.canonical(linear) : d.bits(LOW_4G));
        v.set(GUEST_RSP, d.garbage());
        long rflags = d.bits(RFLAGS_FREE) | 2 | (v86 ? GuestMode.RFLAGS_VM : 0);

        // ---- event injection (26.2.1.3), activity and interruptibility (26.3.1.5) ----
        int event = d.oneIn(2) ? -1 : d.pick(8); // -1: none; else the interruption type
        if (event == 1) {
            event = -1; // type 1 is reserved
        }
        int info = 0;
        if (event >= 0) {
            int vector = switch (event) {
                case 2 -> 2;
                case 3 -> d.pick(32);
                case 7 -> 0;
                default -> d.pick(256);
            };
            boolean errorCode = event == 3 && ControlFieldChecks.deliversErrorCode(vector);
            info = 0x80000000 | event << 8 | vector | (errorCode ? 1 << 11 : 0);
            v.set(VM_ENTRY_EXCEPTION_ERROR_CODE, errorCode ? d.between(0, 0xffff) : d.garbage());
            v.set(VM_ENTRY_INSTRUCTION_LENGTH, event >= 4 && event <= 6 ? d.between(1, 15) : d.garbage());
        } else {
            info = (int) d.bits(0x7fffffff); // valid bit clear: the rest is ignored
            v.set(VM_ENTRY_EXCEPTION_ERROR_CODE, d.garbage());
            v.set(VM_ENTRY_INSTRUCTION_LENGTH, d.garbage());
        }
        v.set(VM_ENTRY_INTERRUPTION_INFORMATION, info & LOW_4G);
        if (event == 0) {
            rflags |= GuestMode.RFLAGS_IF;
        }
        v.set(GUEST_RFLAGS, rflags);
        boolean hltAllowed = cpl == 0 && (event < 0 || NonRegisterStateChecks.injectable(1, event, info & 0xff));
        boolean hlt = hltAllowed && d.oneIn(3);
        v.set(GUEST_ACTIVITY_STATE, hlt ? 1 : 0);
        int intr = 0;
        if (!hlt && event != 0) {
            if ((rflags & GuestMode.RFLAGS_IF) != 0 && d.oneIn(3)) {
                intr |= NonRegisterStateChecks.BLOCKING_BY_STI;
            } else if (event != 2 && d.oneIn(3)) {
                intr |= NonRegisterStateChecks.BLOCKING_BY_MOV_SS;
            }
        }
        boolean virtualNmiInjected = (pin & VIRTUAL_NMIS) != 0 && event == 2;
        if (!virtualNmiInjected && d.bool()) {
            intr |= NonRegisterStateChecks.BLOCKING_BY_NMI;
        }
        v.set(GUEST_INTERRUPTIBILITY_STATE, intr);
        v.set(GUEST_PENDING_DEBUG_EXCEPTIONS, d.bits(0xfL | NonRegisterStateChecks.PENDING_ENABLED_BREAKPOINT
                | NonRegisterStateChecks.PENDING_BS));
        b.fixPendingBs();
        v.set(VMX_PREEMPTION_TIMER_VALUE, d.garbage());

        // ---- VMCS link pointer ----
        if (d.oneIn(3)) {
            long link = d.between(0x100000, 0xffffff) << 12; // 4 GiB .. 64 GiB: in memory, not the VMCS
            boolean shadowing = (sec & VMCS_SHADOWING) != 0;
            mem.write32(link, caps.revision() | (shadowing ? 0x80000000 : 0));
            v.set(VMCS_LINK_POINTER, link);
        } else {
            v.set(VMCS_LINK_POINTER, -1L);
        }
    }

    private static void segments(Draw d, Baseline b, boolean ia32e, boolean v86, int cpl, int linear) {
        Vmcs v = b.vmcs;
        if (v86) {
            for (int r = SegmentChecks.ES; r <= SegmentChecks.GS; r++) {
                long sel = d.between(0, 0xffff);
                v.set(SegmentChecks.SELECTOR[r], sel);
                v.set(SegmentChecks.BASE[r], sel << 4);
                v.set(SegmentChecks.LIMIT[r], 0xffff);
                v.set(SegmentChecks.ACCESS_RIGHTS[r], 0xf3);
            }
        } else {
            // CS: accessed code, DPL = CPL (non-conforming) or at most CPL (conforming).
            boolean conforming = d.bool();
            int csType = (conforming ? 13 : 9) | (d.bool() ? 2 : 0);
            int csDpl = conforming ? (int) d.between(0, cpl) : cpl;
            boolean longMode = b.kind == GuestKind.LONG_64;
            long db = longMode ? 0 : d.bits(1 << 14);
            long[] lg = limitAndG(d);
            v.set(GUEST_CS_SELECTOR, d.between(1, 0x1fff) << 3 | d.bits(4) | cpl);
            v.set(GUEST_CS_ACCESS_RIGHTS, csType | 0x10 | csDpl << 5 | 0x80 | d.bits(1 << 12)
                    | (longMode ? GuestMode.AR_L : 0) | db | lg[1]);
            v.set(GUEST_CS_LIMIT, lg[0]);
            v.set(GUEST_CS_BASE, d.bits(LOW_4G));
            // SS: DPL = RPL = CPL; usable read/write data or unusable.
            v.set(GUEST_SS_SELECTOR, d.between(0, 0x1fff) << 3 | d.bits(4) | cpl);
            if (d.oneIn(4)) {
                v.set(GUEST_SS_ACCESS_RIGHTS, (d.bits(0xfffeff9fL) | GuestMode.AR_UNUSABLE | cpl << 5) & LOW_4G);
                v.set(GUEST_SS_BASE, d.garbage());
                v.set(GUEST_SS_LIMIT, d.garbage());
            } else {
                lg = limitAndG(d);
                v.set(GUEST_SS_ACCESS_RIGHTS, (d.bool() ? 7 : 3) | 0x10 | cpl << 5 | 0x80 | d.bits(1 << 12 | 1 << 14)
                        | lg[1]);
                v.set(GUEST_SS_LIMIT, lg[0]);
                v.set(GUEST_SS_BASE, d.bits(LOW_4G));
            }
            for (int r : new int[] {SegmentChecks.ES, SegmentChecks.DS, SegmentChecks.FS, SegmentChecks.GS}) {
                if (d.oneIn(3)) {
                    v.set(SegmentChecks.SELECTOR[r], d.bits(0xffff));
                    v.set(SegmentChecks.ACCESS_RIGHTS[r], (d.garbage() | GuestMode.AR_UNUSABLE) & LOW_4G);
                    v.set(SegmentChecks.LIMIT[r], d.garbage());
                    v.set(SegmentChecks.BASE[r], d.garbage());
                } else {
                    int[] types = {1, 3, 5, 7, 11, 15};
                    int type = types[d.pick(types.length)];
                    int rpl = (int) d.between(0, 3);
                    int dpl = type == 15 ? (int) d.between(0, 3) : (int) d.between(rpl, 3);
                    lg = limitAndG(d);
                    v.set(SegmentChecks.SELECTOR[r], d.between(0, 0x1fff) << 3 | d.bits(4) | rpl);
                    v.set(SegmentChecks.ACCESS_RIGHTS[r], type | 0x10 | dpl << 5 | 0x80 | d.bits(1 << 12 | 1 << 14)
                            | lg[1]);
                    v.set(SegmentChecks.LIMIT[r], lg[0]);
                    v.set(SegmentChecks.BASE[r], d.bits(LOW_4G));
                }
            }
        }
        // FS and GS bases are canonical whether usable or not (and sel << 4 is canonical in v86).
        if (!v86) {
            v.set(GUEST_FS_BASE, d.canonical(linear));
            v.set(GUEST_GS_BASE, d.canonical(linear));
        }
        // TR: busy TSS (64-bit in IA-32e mode), usable, TI = 0.
        long[] lg = limitAndG(d);
        int trType = ia32e || d.bool() ? 11 : 3;
        v.set(GUEST_TR_SELECTOR, d.between(0, 0x1fff) << 3 | d.bits(3));
        v.set(GUEST_TR_ACCESS_RIGHTS, trType | 0x80 | d.bits(0x60 | 1 << 12 | 1 << 14) | lg[1]);
        v.set(GUEST_TR_LIMIT, lg[0]);
        v.set(GUEST_TR_BASE, d.canonical(linear));
        // LDTR: usable LDT or unusable garbage.
        if (d.bool()) {
            lg = limitAndG(d);
            v.set(GUEST_LDTR_SELECTOR, d.between(0, 0x1fff) << 3 | d.bits(3));
            v.set(GUEST_LDTR_ACCESS_RIGHTS, 2 | 0x80 | d.bits(0x60 | 1 << 12 | 1 << 14) | lg[1]);
            v.set(GUEST_LDTR_LIMIT, lg[0]);
            v.set(GUEST_LDTR_BASE, d.canonical(linear));
        } else {
            v.set(GUEST_LDTR_SELECTOR, d.bits(0xffff));
            v.set(GUEST_LDTR_ACCESS_RIGHTS, (d.garbage() | GuestMode.AR_UNUSABLE) & LOW_4G);
            v.set(GUEST_LDTR_LIMIT, d.garbage());
            v.set(GUEST_LDTR_BASE, d.garbage());
        }
    }
}
