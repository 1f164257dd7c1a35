package org.vtsim.monitor;

import java.util.Arrays;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.MmuTranslation;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.mmu.NestedMmu;
import org.vtsim.cpu.VmxPort;

/**
 * The steps of a reset that concern memory and the processor rather than the VMCS, for {@link Vm#reset} and
 * a native machine's reset: zeroing the host memory a guest had, the processor's MSRs back to power-on,
 * every cached translation dropped, and a complete copy of the architectural register state. The CPU model
 * has no RESET of its own; these reach its parts through their public operations.
 */
public final class ResetSteps {
    private static final int PAGE = 4096;
    private static final byte[] ZERO = new byte[PAGE];

    private ResetSteps() {
    }

    /**
     * Zeroes the host memory behind every slot, the EPT tables populated so far, and under shadow paging the
     * shadow page-table pool and the paging-off root, so that nothing the old guest wrote (nor any old
     * mapping) is left for the next one.
     */
    static void zeroGuestMemory(Vm vm) {
        PhysicalMemory host = vm.cpu().memory();
        for (MemorySlot s : vm.slots()) {
            zero(host, s.hostPhysical(), s.size());
        }
        MonitorArea area = vm.area();
        zero(host, area.address(MonitorArea.EPT_TABLES), vm.memory().eptTableBytes());
        if (vm.shadowMmu() != null) {
            zero(host, area.address(MonitorArea.SHADOW_TABLES), vm.shadowPoolPages() * PAGE);
            zero(host, vm.shadowLowRoot(), PAGE);
        }
    }

    /**
     * Writes zeros over [base, base + size) wherever a page holds something else (a page never written
     * reads as zero and is left alone, so sparse host memory stays sparse). The writes go through
     * {@link PhysicalMemory}, so the processor's decoded-instruction cache drops the pages it held.
     */
    public static void zero(PhysicalMemory m, long base, long size) {
        byte[] page = new byte[PAGE];
        for (long a = base; a < base + size; a += PAGE) {
            int len = (int) Math.min(PAGE, base + size - a);
            m.read(a, page, 0, len);
            if (Arrays.mismatch(page, 0, len, ZERO, 0, len) >= 0) {
                m.write(a, ZERO, 0, len);
            }
        }
    }

    /**
     * The processor parts a guest leaves state in, back to power-on: the MSR unit (re-attaching the VMX unit
     * rebuilds it with power-on values, SDM Vol. 3A 9.1.1, Table 9-1: STAR, LSTAR, KERNEL_GS_BASE, TSC_AUX,
     * the TSC offset, PAT, IA32_FEATURE_CONTROL unlocked...), every cached translation of every tag (host
     * MMU and the combined guest-physical mappings, as INVEPT and INVVPID of all contexts would), no HLT, no
     * STI / MOV SS shadow, no pending NMI, no blocking by NMI.
     */
    public static void powerOnProcessor(Cpu cpu, VmxPort vmx, NestedMmu nested) {
        cpu.attachVmx(vmx);
        if (nested != null) {
            nested.flushAll();
        }
        if (cpu.memoryPath().translation() instanceof MmuTranslation t) {
            // The MMU's paging registers and context tag as a new processor's (paging off, tag 0), so the
            // boot's own CR loads change (and count) what they change on a new processor.
            CpuState powerOn = new CpuState();
            t.switchContext(0);
            t.mmu().load(powerOn.cr0, powerOn.cr3, powerOn.cr4, powerOn.efer);
            t.mmu().flushAll();
        }
        if (cpu.memoryPath().translation() != null) {
            // Cycles the translation charged for an access of an instruction that did not complete (the last
            // one before the reset faulted or exited) belong to the old run, not to the next one's first access.
            cpu.memoryPath().translation().takeCycles();
        }
        cpu.flushTranslations();
        cpu.setHalted(false);
        cpu.setInterruptShadow(false, false);
        cpu.acknowledgeNmi();
        cpu.nmi().setBlocked(false);
    }

    /** Every architectural register of {@code from} into {@code to} (the lazy flags through RFLAGS). */
    public static void copyState(CpuState from, CpuState to) {
        System.arraycopy(from.gpr, 0, to.gpr, 0, from.gpr.length);
        to.rip = from.rip;
        to.setRflags(from.getRflags());
        for (int r = 0; r < from.seg.length; r++) {
            to.seg[r].copyFrom(from.seg[r]);
        }
        to.ldtr.copyFrom(from.ldtr);
        to.tr.copyFrom(from.tr);
        to.gdtrBase = from.gdtrBase;
        to.gdtrLimit = from.gdtrLimit;
        to.idtrBase = from.idtrBase;
        to.idtrLimit = from.idtrLimit;
        to.cr0 = from.cr0;
        to.cr2 = from.cr2;
        to.cr3 = from.cr3;
        to.cr4 = from.cr4;
        to.cr8 = from.cr8;
        to.efer = from.efer;
        System.arraycopy(from.dr, 0, to.dr, 0, from.dr.length);
        to.cpl = from.cpl;
    }
}
