package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * The event exits: an external interrupt (reason 1; with "acknowledge interrupt on exit" the vector
 * is in the exit interruption information, SDM 27.2.2), queued for injection; the interrupt window
 * (reason 7), after which the entry injects; the VMX-preemption timer (reason 52), which only bounds
 * a run slice — but a guest halted with nothing left that could wake it is stopped, as natively.
 */
final class InterruptExits {
    private InterruptExits() {
    }

    static void externalInterrupt(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        int info = v.get32(VM_EXIT_INTERRUPTION_INFORMATION);
        if (InterruptionInformation.valid(info)) {
            vcpu.queueInterrupt(InterruptionInformation.vector(info));
        }
    }

    static void interruptWindow(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
    }

    static void preemptionTimer(Vcpu vcpu, Vmcs v, long q) {
        vcpu.charge(Cost.MONITOR_HANDLER);
        if (v.get32(GUEST_ACTIVITY_STATE) == 1) {
            vcpu.syncDevices();
            if (!vcpu.interruptPending() && !canWake(vcpu)) {
                vcpu.stop(StopReason.HALTED, "HLT with no timer armed and no interrupt pending",
                        vcpu.guestStateReport());
            }
        }
    }

    /** Whether a device timer is armed (its event may raise an interrupt). */
    static boolean canWake(Vcpu vcpu) {
        return vcpu.platform().nextEventCycle() != Long.MAX_VALUE;
    }
}
