package org.vtsim.monitor;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.vmcs.Vmcs;

/** CPUID (exit reason 10, unconditional in non-root operation, SDM 25.1.2): the guest's CPUID model. */
final class CpuidExit {
    private CpuidExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        int[] r = vcpu.vm().cpuid().query((int) vcpu.register(CpuState.RAX), (int) vcpu.register(CpuState.RCX));
        vcpu.setRegister(CpuState.RAX, r[0] & 0xffffffffL);
        vcpu.setRegister(CpuState.RBX, r[1] & 0xffffffffL);
        vcpu.setRegister(CpuState.RCX, r[2] & 0xffffffffL);
        vcpu.setRegister(CpuState.RDX, r[3] & 0xffffffffL);
        vcpu.skipInstruction(v);
    }
}
