package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.exit.EptViolationQualification;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * EPT violations (reason 48, SDM 28.3.3.2): the guest-physical address (SDM 27.2.1) decides.
 * Inside a memory slot: the page is mapped now (lazy population) and the access retried. Inside the
 * MMIO window: a device access, emulated by {@link InstructionEmulator}. Anywhere else the access is refused
 * and the VM stops: the guest never reaches host memory its slots do not give it.
 */
final class EptViolationExit {
    private EptViolationExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        long gpa = v.get(GUEST_PHYSICAL_ADDRESS);
        GuestMemory memory = vcpu.vm().memory();
        if (memory.slotOf(gpa) != null) {
            vcpu.charge(Cost.MONITOR_EPT_POPULATE);
            memory.populate(gpa);
            return;
        }
        if (gpa >= vcpu.platform().mmioStart() && gpa < vcpu.platform().mmioEnd()
                && (EptViolationQualification.access(q) & EptViolationQualification.ACCESS_FETCH) == 0) {
            vcpu.charge(Cost.MONITOR_MMIO);
            InstructionEmulator.emulate(vcpu, v, gpa, EmulatedTarget.mmio(vcpu));
            return;
        }
        vcpu.stop(StopReason.SHUTDOWN, "refused: guest-physical " + EptViolationQualification.describe(q)
                + " at 0x" + Long.toHexString(gpa) + " outside the guest's memory slots (guest rip 0x"
                + Long.toHexString(v.get(GUEST_RIP)) + ")", vcpu.guestStateReport());
    }
}
