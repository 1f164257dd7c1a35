package org.vtsim.monitor;

import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Triple fault (exit reason 2, SDM 25.2): the guest would have shut down; the VM stops with the
 * guest state for the report (KVM_EXIT_SHUTDOWN).
 */
final class ShutdownExit {
    private ShutdownExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.stop(StopReason.SHUTDOWN, "triple fault in the guest at rip 0x"
                + Long.toHexString(v.get(org.vtsim.vmx.vmcs.VmcsField.GUEST_RIP)), vcpu.guestStateReport());
    }
}
