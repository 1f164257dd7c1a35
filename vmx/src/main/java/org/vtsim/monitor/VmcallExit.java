package org.vtsim.monitor;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * VMCALL (exit reason 18): the hypercall interface of docs/hypercalls.md. The number is in RAX, the
 * result goes to RAX (KVM's convention). A VMCALL from CPL > 0 gets -1 (KVM returns -KVM_EPERM to
 * user mode); an unknown number gets -1000 (KVM's -KVM_ENOSYS).
 */
final class VmcallExit {
    static final long NOP = 0;
    static final long ENOSYS = -1000;
    static final long EPERM = -1;

    private VmcallExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        long nr = vcpu.register(CpuState.RAX);
        int cpl = (v.get32(org.vtsim.vmx.vmcs.VmcsField.GUEST_SS_ACCESS_RIGHTS) >>> 5) & 3;
        long result;
        if (cpl != 0) {
            result = EPERM;
        } else if (nr == NOP) {
            result = 0;
        } else {
            result = ENOSYS;
        }
        vcpu.setRegister(CpuState.RAX, result);
        vcpu.skipInstruction(v);
    }
}
