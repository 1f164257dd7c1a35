package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.monitor.shadow.ShadowMmu;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * The monitor's side of shadow paging: what the VMCS must say so that the guest's paging state stays the
 * monitor's ({@link ShadowMmu} keeps the shadow tables), and the exits that keep it so, as KVM does with
 * EPT off:
 *
 * <ul>
 *   <li>CR0.PG, PE, WP and the bits VMX fixes, and CR4.PAE, PSE, PGE, PCIDE, SMEP, SMAP, LA57, PKE and VMXE
 *       are host-owned (guest/host masks, SDM 24.6.6): the guest reads its own values from the read shadows
 *       and its writes exit. The processor always runs with paging and CR0.WP on; while the guest's paging is
 *       off it runs in PAE mode on a direct root mapping guest-physical memory 1:1.</li>
 *   <li>CR3 loads and stores exit (SDM 25.1.3): the processor's CR3 is the shadow root, the guest sees its own
 *       value. The CR3-target list is left empty: a MOV to CR3 of a target value would load the guest's
 *       value itself into CR3 (SDM 25.1.3), which is a guest-physical address, not a root.</li>
 *   <li>Every #PF exits (exception bitmap bit 14 with error-code mask and match 0, SDM 25.2).</li>
 *   <li>Guest leaf tables the guest writes go out of sync until its next MOV to CR3 or INVLPG
 *       ({@link ShadowMmu}); writes to upper-level tables are emulated.</li>
 *   <li>INVLPG exits; IA32_EFER reads and writes exit: EFER.NXE changes what the guest's XD bits mean, and
 *       the processor's EFER lacks LME while the guest's paging is off ({@link #hardwareEfer}).</li>
 * </ul>
 */
final class ShadowPaging {
    /** CR4.PKE. */
    private static final long CR4_PKE = 1L << 22;

    private final ShadowMmu mmu;
    private final VmxCapabilities caps;
    /** The guest's IA32_EFER: the processor's lacks LME while the guest's paging is off. */
    private long guestEfer;

    ShadowPaging(ShadowMmu mmu, VmxCapabilities caps) {
        this.mmu = mmu;
        this.caps = caps;
    }

    ShadowMmu mmu() {
        return mmu;
    }

    long cr0Mask() {
        return caps.cr0Fixed0 | CpuState.CR0_PE | CpuState.CR0_PG | CpuState.CR0_WP;
    }

    long cr4Mask() {
        return caps.cr4Fixed0 | CpuState.CR4_PAE | CpuState.CR4_PSE | CpuState.CR4_PGE | CpuState.CR4_PCIDE
                | CpuState.CR4_SMEP | CpuState.CR4_SMAP | CpuState.CR4_LA57 | CR4_PKE | CpuState.CR4_VMXE;
    }

    /** The processor's CR0 for a guest CR0: paging, protection and write protection always on. */
    long hardwareCr0(long guestCr0) {
        return guestCr0 | caps.cr0Fixed0 | CpuState.CR0_PE | CpuState.CR0_PG | CpuState.CR0_WP;
    }

    /** The processor's CR4: PAE always (the shadow tables are 64-bit), SMEP/SMAP/PKE only with guest paging. */
    long hardwareCr4(long guestCr4, boolean guestPaging) {
        long v = guestCr4 | caps.cr4Fixed0 | CpuState.CR4_PAE;
        return guestPaging ? v : v & ~(CpuState.CR4_SMEP | CpuState.CR4_SMAP | CR4_PKE);
    }

    /** The guest's initial paging state (the boot loader's). */
    void start(CpuState guest) {
        guestEfer = guest.efer;
        mmu.loadCr3(guest.cr3);
        mmu.setPagingState(guest.cr0, guest.cr4, guest.efer);
    }

    /** The guest's IA32_EFER (what its RDMSR returns). */
    long guestEfer() {
        return guestEfer;
    }

    /**
     * The processor's IA32_EFER for a guest EFER: LME only with LMA. The processor runs with paging on
     * even while the guest's is off, and VM entry requires LME to match "IA-32e mode guest" then
     * (SDM 26.3.1.1), so a guest that set LME but has not turned paging on yet runs with LME clear.
     */
    static long hardwareEfer(long efer) {
        return (efer & CpuState.EFER_LMA) != 0 ? efer : efer & ~CpuState.EFER_LME;
    }

    /** Sets the guest's EFER and the processor's (GUEST_IA32_EFER) from it. */
    void setGuestEfer(Vcpu vcpu, long efer) {
        guestEfer = efer;
        vcpu.write(GUEST_IA32_EFER, hardwareEfer(efer));
    }

    /** A control register as the guest sees it: its own bits from the VMCS, host-owned ones from the read shadow. */
    static long guestView(long actual, long mask, long shadow) {
        return (actual & ~mask) | (shadow & mask);
    }

    /**
     * The guest's CR0, CR4 or EFER changed (the read shadows and GUEST_IA32_EFER hold its values): the shadow
     * MMU follows, the processor's CR0/CR4 are recomputed, and the root is loaded.
     */
    void pagingStateChanged(Vcpu vcpu, Vmcs v) {
        long cr0 = guestView(v.get(GUEST_CR0), v.get(CR0_GUEST_HOST_MASK), v.get(CR0_READ_SHADOW));
        long cr4 = guestView(v.get(GUEST_CR4), v.get(CR4_GUEST_HOST_MASK), v.get(CR4_READ_SHADOW));
        mmu.setPagingState(cr0, cr4, guestEfer);
        vcpu.write(GUEST_CR0, hardwareCr0(cr0));
        vcpu.write(GUEST_CR4, hardwareCr4(cr4, (cr0 & CpuState.CR0_PG) != 0));
        loadRoot(vcpu, v);
    }

    /**
     * Puts the current shadow root in GUEST_CR3 if it changed (a CR3 switch, a reset, a zapped root), and
     * invalidates the guest's cached translations (INVVPID) when they may be stale: a new root, or shadow
     * entries removed or narrowed by the last operation.
     */
    void loadRoot(Vcpu vcpu, Vmcs v) {
        loadRoot(vcpu, v, false);
    }

    /** As {@link #loadRoot(Vcpu, Vmcs)}; {@code flush}: invalidate in any case (one INVVPID either way). */
    private void loadRoot(Vcpu vcpu, Vmcs v, boolean flush) {
        long cr3 = mmu.hardwareCr3();
        flush |= mmu.takeFlush();
        if (v.get(GUEST_CR3) != cr3) {
            vcpu.write(GUEST_CR3, cr3);
            flush = true; // VM entry with VPID keeps the guest's translations, those of the old root too
        }
        if (flush) {
            vcpu.flushGuestTlb();
        }
    }

    /** MOV to CR3 (exit reason 28): a reserved bit is #GP(0) (SDM Vol. 3A 4.5, MOV to CR3). */
    void movToCr3(Vcpu vcpu, Vmcs v, long value) {
        long efer = guestEfer;
        if ((efer & CpuState.EFER_LMA) != 0 && (value >>> vcpu.cpu().cpuidModel().maxPhysAddr()) != 0) {
            throw GuestFault.gp0();
        }
        if ((efer & CpuState.EFER_LMA) == 0) {
            value &= 0xffffffffL;
        }
        mmu.stats().cr3Cycles += charge(vcpu, Cost.MONITOR_SHADOW_CR3);
        long created = mmu.stats().pagesCreated;
        long resyncs = mmu.stats().resyncs;
        mmu.loadCr3(value);
        chargePages(vcpu, created);
        chargeResyncs(vcpu, resyncs);
        loadRoot(vcpu, v, true); // MOV to CR3 flushes the guest's non-global translations (SDM Vol. 3A 4.10.4.1)
    }

    /**
     * A #PF exit (exception bitmap bit 14): the shadow MMU fixes it, or it is the guest's own fault
     * (reflected with the guest's error code and CR2), a write to a guest page table (emulated), or a
     * device access (emulated).
     */
    void pageFault(Vcpu vcpu, Vmcs v, long linear, int errorCode) {
        long created = mmu.stats().pagesCreated;
        long resyncs = mmu.stats().resyncs;
        ShadowMmu.FaultKind kind = mmu.pageFault(linear, errorCode);
        chargePages(vcpu, created);
        chargeResyncs(vcpu, resyncs);
        if (kind != ShadowMmu.FaultKind.FIXED && kind != ShadowMmu.FaultKind.GUEST_FAULT
                && InterruptionInformation.valid(v.get32(IDT_VECTORING_INFORMATION))) {
            duringDelivery(vcpu, v, kind, linear);
            return;
        }
        switch (kind) {
            case FIXED -> {
                mmu.stats().faultCycles += charge(vcpu, Cost.MONITOR_SHADOW_FAULT);
                loadRoot(vcpu, v);
            }
            case GUEST_FAULT -> {
                mmu.stats().faultCycles += charge(vcpu, Cost.MONITOR_HANDLER);
                loadRoot(vcpu, v);
                throw new GuestFault(14, mmu.guestErrorCode(), linear);
            }
            case WRITE_PROTECTED -> {
                mmu.stats().writeCycles += charge(vcpu, Cost.MONITOR_SHADOW_PTE_WRITE);
                emulateTableWrite(vcpu, v, mmu.faultGpa());
                loadRoot(vcpu, v);
            }
            case MMIO -> {
                vcpu.charge(Cost.MONITOR_MMIO);
                loadRoot(vcpu, v);
                InstructionEmulator.emulate(vcpu, v, mmu.faultGpa(), EmulatedTarget.mmio(vcpu));
            }
            case UNASSIGNED -> {
                long gpa = mmu.faultGpa();
                boolean mmio = gpa >= vcpu.platform().mmioStart() && gpa < vcpu.platform().mmioEnd();
                if ((errorCode & org.vtsim.ept.paging.PageFaultErrorCode.ID) != 0) {
                    vcpu.stop(StopReason.SHUTDOWN, "refused: instruction fetch from "
                            + (mmio ? "the MMIO window" : "unassigned guest-physical memory") + " at 0x"
                            + Long.toHexString(gpa) + " (linear 0x" + Long.toHexString(linear)
                            + "), outside the guest's memory slots (guest rip 0x"
                            + Long.toHexString(v.get(GUEST_RIP)) + ")", vcpu.guestStateReport());
                    return;
                }
                // Unassigned memory reads all ones and drops writes, as on the native platform and under EPT.
                vcpu.charge(Cost.MONITOR_MMIO);
                loadRoot(vcpu, v);
                InstructionEmulator.emulate(vcpu, v, gpa, UnassignedMemory.of(vcpu));
            }
        }
    }

    /**
     * The fault hit while the processor delivered an event (IDT-vectoring information valid, SDM 27.2.4): the
     * access was the delivery's own (a stack push, an IDT or TSS read), not the instruction at RIP, so there is
     * nothing to emulate. A push onto a shadowed guest table stops it being shadowed and the event is delivered
     * again (the vCPU re-injects it); delivery through device or unassigned memory is refused.
     */
    private void duringDelivery(Vcpu vcpu, Vmcs v, ShadowMmu.FaultKind kind, long linear) {
        long gpa = mmu.faultGpa();
        if (kind == ShadowMmu.FaultKind.WRITE_PROTECTED) {
            mmu.stats().writeCycles += charge(vcpu, Cost.MONITOR_SHADOW_FAULT);
            if (!mmu.unprotect(gpa >>> 12)) {
                throw new UnsupportedFeature("event delivery writing the guest's current top-level page table "
                        + "under shadow paging (linear 0x" + Long.toHexString(linear) + ")");
            }
            loadRoot(vcpu, v);
            return;
        }
        vcpu.stop(StopReason.SHUTDOWN, "refused: event delivery reached " + (kind == ShadowMmu.FaultKind.MMIO
                ? "the MMIO window" : "unassigned guest-physical memory") + " at 0x" + Long.toHexString(gpa)
                + " (linear 0x" + Long.toHexString(linear) + ", guest rip 0x" + Long.toHexString(v.get(GUEST_RIP))
                + ")", vcpu.guestStateReport());
    }

    /**
     * Emulates the guest's write to one of its page tables, then lets the shadow MMU drop what it changed.
     * An instruction the emulator does not know makes the frame stop being shadowed and the instruction run
     * again natively, as KVM's unprotect-and-retry does; a root in use cannot stop being shadowed.
     */
    private void emulateTableWrite(Vcpu vcpu, Vmcs v, long gpa) {
        EmulatedTarget ram = EmulatedTarget.ram(vcpu.access().physical());
        EmulatedTarget table = new EmulatedTarget() {
            @Override
            public long read(long address, int size) {
                return ram.read(address, size);
            }

            @Override
            public void write(long address, int size, long value) {
                ram.write(address, size, value);
                mmu.guestWrite(address, size);
            }
        };
        try {
            InstructionEmulator.emulate(vcpu, v, gpa, table);
        } catch (UnsupportedFeature u) {
            if (!mmu.unprotect(gpa >>> 12)) {
                throw new UnsupportedFeature(u.getMessage().replaceFirst("^unsupported: ", "")
                        + " writing the guest's current top-level page table under shadow paging");
            }
        }
    }

    /** INVLPG (exit reason 14). */
    void invlpg(Vcpu vcpu, Vmcs v, long linear) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        mmu.invlpg(linear);
        // The guest's INVLPG, done for it: INVVPID individual-address of its VPID (without VPID every VM
        // entry flushes anyway, SDM 28.4.3.1). It also covers the one shadow entry an out-of-sync table
        // may just have dropped (for this address), so that drop needs no flush of its own.
        mmu.takeFlush();
        int secondary = v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        if ((secondary & org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_VPID) != 0) {
            vcpu.vmx().invvpid(0, v.get32(VIRTUAL_PROCESSOR_IDENTIFIER), linear);
        }
        loadRoot(vcpu, v);
        vcpu.skipInstruction(v);
    }

    private long charge(Vcpu vcpu, Cost item) {
        vcpu.charge(item);
        return vcpu.cpu().costProfile().cycles(item);
    }

    private void chargePages(Vcpu vcpu, long createdBefore) {
        for (long n = mmu.stats().pagesCreated - createdBefore; n > 0; n--) {
            mmu.stats().pageCycles += charge(vcpu, Cost.MONITOR_SHADOW_PAGE);
        }
    }

    /** Charges the resyncs of out-of-sync pages since {@code resyncsBefore} (a flush point). */
    private void chargeResyncs(Vcpu vcpu, long resyncsBefore) {
        for (long n = mmu.stats().resyncs - resyncsBefore; n > 0; n--) {
            mmu.stats().resyncCycles += charge(vcpu, Cost.MONITOR_SHADOW_RESYNC);
        }
    }
}
