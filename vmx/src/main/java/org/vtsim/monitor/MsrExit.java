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
        if (p.ownsMsr(msr)) {
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
        if (p.ownsMsr(msr)) {
            vcpu.syncDevices();
            p.writeMsr(msr, value);
            vcpu.devicesTouched();
        } else {
            vcpu.msrs().write(msr, value);
        }
        vcpu.skipInstruction(v);
    }
}
