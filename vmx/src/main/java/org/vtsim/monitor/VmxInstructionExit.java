package org.vtsim.monitor;

import org.vtsim.vmx.vmcs.Vmcs;

/**
 * VMX instructions in the guest (exit reasons 19-27, 50, 53: unconditional in non-root operation,
 * SDM 25.1.2). The guest's CPUID has no VMX, so they are #UD, as on a processor without VMX.
 */
final class VmxInstructionExit {
    private VmxInstructionExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(org.vtsim.cost.Cost.MONITOR_HANDLER);
        throw GuestFault.ud();
    }
}
