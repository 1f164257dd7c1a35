package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * HLT (exit reason 12, HLT exiting): the vCPU idles until the next device event. The monitor
 * completes the HLT and re-enters the guest in the HLT activity state (SDM 24.4.2, 26.6.3): the
 * processor then skips time to the next device event, whose interrupt exits (external-interrupt
 * exiting) and is injected, which wakes the guest. The halted time is counted as idle
 * ({@link Vcpu#idleCycles}), apart from exit handling. A HLT nothing can ever end stops the VM as a
 * native run stops (IF = 0, or no timer armed and no interrupt pending).
 */
final class HltExit {
    private HltExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        vcpu.skipInstruction(v);
        if ((v.get(GUEST_RFLAGS) & CpuState.IF) == 0) {
            vcpu.stop(StopReason.HALTED, "HLT with interrupts disabled", vcpu.guestStateReport());
            return;
        }
        vcpu.syncDevices();
        if (vcpu.interruptPending()) {
            return; // injected at the entry: the HLT ends at once
        }
        if (!InterruptExits.canWake(vcpu)) {
            vcpu.stop(StopReason.HALTED, "HLT with no timer armed and no interrupt pending", vcpu.guestStateReport());
            return;
        }
        vcpu.write(GUEST_ACTIVITY_STATE, 1);
    }
}
