package org.vtsim.monitor;

import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.vmx.VmxCapabilities;

/**
 * The guest's view of the MSRs that exit and belong to no device: the processor's own MSR model
 * (the same unit a native run uses), except what VMX adds — the VMX capability MSRs do not exist for
 * a guest without VMX (#GP, SDM Vol. 4 2.1), and IA32_FEATURE_CONTROL is the guest's own register
 * (the monitor locked the processor's for VMXON).
 */
final class GuestMsrs {
    private static final long FEATURE_CONTROL_LOCK = 1;

    private final Cpu cpu;
    private long featureControl;

    GuestMsrs(Cpu cpu) {
        this.cpu = cpu;
    }

    long read(int msr) {
        if (VmxCapabilities.isCapabilityMsr(msr)) {
            throw CpuFault.gp(0);
        }
        if (msr == VmxCapabilities.IA32_FEATURE_CONTROL) {
            return featureControl;
        }
        return cpu.readMsr(msr);
    }

    void write(int msr, long value) {
        if (VmxCapabilities.isCapabilityMsr(msr)) {
            throw CpuFault.gp(0);
        }
        if (msr == VmxCapabilities.IA32_FEATURE_CONTROL) {
            // Locked: writes #GP; the VMX enables need VMX, which the guest does not have (SDM Vol. 3C 23.7).
            if ((featureControl & FEATURE_CONTROL_LOCK) != 0 || (value & ~FEATURE_CONTROL_LOCK) != 0) {
                throw CpuFault.gp(0);
            }
            featureControl = value;
            return;
        }
        cpu.writeMsr(msr, value);
    }
}
