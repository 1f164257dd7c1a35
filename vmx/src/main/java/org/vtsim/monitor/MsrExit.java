package org.vtsim.monitor;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * RDMSR and WRMSR that the MSR bitmap lets exit (reasons 31, 32, SDM 25.1.3): MSRs a device owns
 * (IA32_APIC_BASE, the x2APIC range 0x800-0x8ff) go to the guest's local APIC; the rest to the guest
 * MSR model. A refused access is #GP(0) in the guest, as natively.
 */
final class MsrExit {
    private MsrExit() {
    }

    static void rdmsr(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        int msr = (int) vcpu.register(CpuState.RCX);
        Platform p = vcpu.platform();
        long value;
        if (msr == MsrBitmap.EFER && vcpu.vm().shadowPaging() != null) {
            value = vcpu.vm().shadowPaging().guestEfer(); // IA32_EFER exits only under shadow paging
        } else if (p.ownsMsr(msr)) {
            vcpu.syncDevices();
            value = p.readMsr(msr);
            vcpu.devicesTouched();
        } else {
            value = vcpu.msrs().read(msr);
        }
        vcpu.setRegister(CpuState.RAX, value & 0xffffffffL);
        vcpu.setRegister(CpuState.RDX, value >>> 32);
        vcpu.skipInstruction(v);
    }

    static void wrmsr(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        int msr = (int) vcpu.register(CpuState.RCX);
        long value = (vcpu.register(CpuState.RDX) << 32) | (vcpu.register(CpuState.RAX) & 0xffffffffL);
        Platform p = vcpu.platform();
        if (msr == MsrBitmap.EFER) {
            writeEfer(vcpu, v, value);
        } else if (p.ownsMsr(msr)) {
            vcpu.syncDevices();
            p.writeMsr(msr, value);
            vcpu.devicesTouched();
        } else {
            vcpu.msrs().write(msr, value);
        }
        vcpu.skipInstruction(v);
    }

    /**
     * WRMSR to IA32_EFER, which exits only under shadow paging: the #GP conditions of SDM Vol. 4 Table 2-2
     * (reserved bits; LME changed while paging is on), LMA kept (it is read-only), and the shadow MMU told.
     */
    private static void writeEfer(Vcpu vcpu, Vmcs v, long value) {
        ShadowPaging shadow = vcpu.vm().shadowPaging();
        if (shadow == null) {
            throw new IllegalStateException("IA32_EFER writes exit only under shadow paging");
        }
        long old = shadow.guestEfer();
        long cr0 = ShadowPaging.guestView(v.get(org.vtsim.vmx.vmcs.VmcsField.GUEST_CR0),
                v.get(org.vtsim.vmx.vmcs.VmcsField.CR0_GUEST_HOST_MASK),
                v.get(org.vtsim.vmx.vmcs.VmcsField.CR0_READ_SHADOW));
        if ((value & ~org.vtsim.cpu.system.Msrs.eferAllowed(vcpu.cpu().cpuidModel())) != 0
                || (cr0 & CpuState.CR0_PG) != 0 && ((old ^ value) & CpuState.EFER_LME) != 0) {
            throw GuestFault.gp0();
        }
        shadow.setGuestEfer(vcpu, (value & ~CpuState.EFER_LMA) | (old & CpuState.EFER_LMA));
        shadow.pagingStateChanged(vcpu, v);
    }
}
