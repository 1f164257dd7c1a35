package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Control-register accesses (reason 28, SDM 25.1.3, 27.2.1 Table 27-3). Under shadow paging CR3 loads
 * and stores and every change of a paging bit of CR0 and CR4 exit too ({@link ShadowPaging}). CR8 loads and stores exit
 * (no TPR shadow) and go to the local APIC's TPR, as natively (SDM Vol. 3A 10.8.6.1). CR0 and CR4
 * exit only when the guest changes a bit VMX fixes (CR0.NE, CR4.VMXE), which the monitor owns through
 * the guest/host masks: the guest's own value lives in the read shadow. CR4.VMXE = 1 is #GP for a
 * guest without VMX; a CR0 write that changes NE is emulated whole, as KVM's kvm_set_cr0 does: the
 * #GP conditions of MOV to CR0, IA-32e mode activation and deactivation (EFER.LMA and the "IA-32e mode
 * guest" entry control, SDM Vol. 3A 9.8.5, 3C 24.8.1), the PAE PDPTEs into the guest-state area
 * (SDM 26.3.2.4), and a flush of the guest's TLB entries when PE, PG or WP change (SDM Vol. 3A
 * 4.10.4.1).
 */
final class CrAccessExit {
    private CrAccessExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        int cr = ControlRegisterAccessQualification.controlRegister(q);
        int type = ControlRegisterAccessQualification.accessType(q);
        int gpr = ControlRegisterAccessQualification.gpr(q);
        if (cr == 8 && type == ControlRegisterAccessQualification.MOV_TO_CR) {
            long value = vcpu.register(gpr);
            if ((value & ~0xfL) != 0) {
                throw GuestFault.gp0(); // reserved CR8 bits (SDM Vol. 3A 2.5)
            }
            vcpu.syncDevices();
            vcpu.platform().setTaskPriorityClass((int) value);
            vcpu.devicesTouched();
        } else if (cr == 8 && type == ControlRegisterAccessQualification.MOV_FROM_CR) {
            int tpr = vcpu.platform().taskPriorityClass();
            vcpu.setRegister(gpr, tpr < 0 ? vcpu.cpu().state().cr8 : tpr);
        } else if (cr == 3 && vcpu.vm().shadowPaging() != null) {
            ShadowPaging shadow = vcpu.vm().shadowPaging();
            if (type == ControlRegisterAccessQualification.MOV_TO_CR) {
                shadow.movToCr3(vcpu, v, vcpu.register(gpr));
            } else if (type == ControlRegisterAccessQualification.MOV_FROM_CR) {
                vcpu.setRegister(gpr, shadow.mmu().guestCr3());
            }
        } else if (cr == 4 && type == ControlRegisterAccessQualification.MOV_TO_CR
                && vcpu.vm().shadowPaging() != null) {
            writeCr4Shadowed(vcpu, v, vcpu.register(gpr));
        } else if (cr == 4 && type == ControlRegisterAccessQualification.MOV_TO_CR) {
            long value = vcpu.register(gpr);
            if ((value & CpuState.CR4_VMXE) != 0) {
                throw GuestFault.gp0(); // CR4.VMXE is reserved without VMX (SDM Vol. 3A 2.5)
            }
            throw new UnsupportedFeature("MOV to CR4 exit without a change of CR4.VMXE");
        } else if (cr == 0 && type == ControlRegisterAccessQualification.MOV_TO_CR) {
            writeCr0(vcpu, v, vcpu.register(gpr));
        } else {
            throw new UnsupportedFeature("control-register access exit "
                    + ControlRegisterAccessQualification.describe(q));
        }
        vcpu.skipInstruction(v);
    }

    private static void writeCr0(Vcpu vcpu, Vmcs v, long value) {
        long mask = v.get(CR0_GUEST_HOST_MASK);
        long old = (v.get(GUEST_CR0) & ~mask) | (v.get(CR0_READ_SHADOW) & mask);
        if ((value >>> 32) != 0 || (value & CpuState.CR0_PG) != 0 && (value & CpuState.CR0_PE) == 0
                || (value & CpuState.CR0_NW) != 0 && (value & CpuState.CR0_CD) == 0) {
            throw GuestFault.gp0(); // SDM Vol. 3A 2.5, MOV to CR0 #GP conditions
        }
        value |= CpuState.CR0_ET; // hardwired to 1
        ShadowPaging shadow = vcpu.vm().shadowPaging();
        long efer = shadow != null ? shadow.guestEfer() : v.get(GUEST_IA32_EFER);
        long cr4 = ShadowPaging.guestView(v.get(GUEST_CR4), v.get(CR4_GUEST_HOST_MASK), v.get(CR4_READ_SHADOW));
        int entry = v.get32(VM_ENTRY_CONTROLS);
        boolean pagingOn = (value & CpuState.CR0_PG) != 0;
        boolean wasPaging = (old & CpuState.CR0_PG) != 0;
        boolean csLong = (v.get32(GUEST_CS_ACCESS_RIGHTS) & org.vtsim.cpu.Segment.ATTR_L) != 0;
        if (pagingOn && !wasPaging && (efer & CpuState.EFER_LME) != 0) {
            if ((cr4 & CpuState.CR4_PAE) == 0 || csLong) {
                throw GuestFault.gp0();
            }
            efer |= CpuState.EFER_LMA;
            entry |= VmEntryControls.IA32E_MODE_GUEST;
        } else if (!pagingOn && wasPaging && (efer & CpuState.EFER_LMA) != 0) {
            if (csLong) {
                throw GuestFault.gp0(); // leaving IA-32e mode from 64-bit code
            }
            efer &= ~CpuState.EFER_LMA;
            entry &= ~VmEntryControls.IA32E_MODE_GUEST;
        }
        if (pagingOn && (cr4 & CpuState.CR4_PAE) != 0 && (efer & CpuState.EFER_LMA) == 0 && shadow == null) {
            loadPdptes(vcpu, v.get(GUEST_CR3));
        }
        if (shadow != null) {
            shadow.setGuestEfer(vcpu, efer);
        } else {
            vcpu.write(GUEST_IA32_EFER, efer);
        }
        vcpu.write(VM_ENTRY_CONTROLS, entry);
        vcpu.write(GUEST_CR0, value | mask);
        vcpu.write(CR0_READ_SHADOW, value);
        if (shadow != null) {
            shadow.pagingStateChanged(vcpu, v);
        }
        if (((old ^ value) & (CpuState.CR0_PG | CpuState.CR0_PE | CpuState.CR0_WP)) != 0) {
            vcpu.flushGuestTlb();
        }
    }

    /**
     * MOV to CR4 under shadow paging, where the paging bits are host-owned: the #GP conditions of SDM Vol. 3A
     * 2.5 / MOV to CR (reserved or unsupported bits, VMXE for a guest without VMX, PAE cleared in IA-32e
     * mode, PCIDE set outside IA-32e mode or with CR3[11:0] not 0), then the shadow MMU follows and the
     * guest's translations are flushed as a change of PAE, PSE, PGE, PCIDE, SMEP or SMAP flushes them
     * (SDM Vol. 3A 4.10.4.1).
     */
    private static void writeCr4Shadowed(Vcpu vcpu, Vmcs v, long value) {
        ShadowPaging shadow = vcpu.vm().shadowPaging();
        long mask = v.get(CR4_GUEST_HOST_MASK);
        long old = ShadowPaging.guestView(v.get(GUEST_CR4), mask, v.get(CR4_READ_SHADOW));
        boolean lma = (shadow.guestEfer() & CpuState.EFER_LMA) != 0;
        if ((value & ~org.vtsim.cpu.system.ControlRegisters.cr4Allowed(vcpu.cpu().cpuidModel())) != 0
                || (value & CpuState.CR4_VMXE) != 0
                || lma && (value & CpuState.CR4_PAE) == 0
                || (value & ~old & CpuState.CR4_PCIDE) != 0 && (!lma || (shadow.mmu().guestCr3() & 0xfff) != 0)) {
            throw GuestFault.gp0();
        }
        vcpu.write(CR4_READ_SHADOW, value);
        vcpu.write(GUEST_CR4, (v.get(GUEST_CR4) & mask) | (value & ~mask));
        shadow.pagingStateChanged(vcpu, v);
        if (((old ^ value) & (CpuState.CR4_PAE | CpuState.CR4_PSE | CpuState.CR4_PGE | CpuState.CR4_PCIDE
                | CpuState.CR4_SMEP | CpuState.CR4_SMAP)) != 0) {
            vcpu.flushGuestTlb();
        }
    }

    /** PAE: the four PDPTEs from the 32-byte table at CR3[31:5]; a set reserved bit is #GP (SDM Vol. 3A 4.4.1). */
    private static void loadPdptes(Vcpu vcpu, long cr3) {
        org.vtsim.vmx.vmcs.VmcsField[] fields = {GUEST_PDPTE0, GUEST_PDPTE1, GUEST_PDPTE2, GUEST_PDPTE3};
        long table = cr3 & 0xffffffe0L;
        for (int i = 0; i < 4; i++) {
            long e = vcpu.access().physical().read64(table + 8L * i);
            if ((e & 1) != 0 && (e & 0x1e6L) != 0) {
                throw GuestFault.gp0();
            }
            vcpu.write(fields[i], e);
        }
    }
}
