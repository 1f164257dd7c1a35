package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.exit.EptViolationQualification;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * EPT violations (reason 48, SDM 28.3.3.2): the guest-physical address (SDM 27.2.1) decides.
 * Inside a memory slot: the page is mapped now (lazy population) and the access retried. Elsewhere
 * nothing is ever mapped, so the guest never reaches host memory its slots do not give it, and the
 * instruction is emulated ({@link InstructionEmulator}) against what a PC has there: the devices of the
 * MMIO window, or unassigned memory (reads all ones, writes dropped: {@link UnassignedMemory}), as on the
 * native platform. An instruction fetch outside the slots, or a guest paging-structure access there,
 * is refused and the VM stops: the monitor runs no code and walks no tables from device or unassigned
 * space.
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
        boolean mmio = gpa >= vcpu.platform().mmioStart() && gpa < vcpu.platform().mmioEnd();
        String what = mmio ? "the MMIO window" : "unassigned guest-physical memory";
        if ((EptViolationQualification.access(q) & EptViolationQualification.ACCESS_FETCH) != 0) {
            refuse(vcpu, v, "instruction fetch from " + what + " at 0x" + Long.toHexString(gpa), q);
            return;
        }
        long dataAccess = EptViolationQualification.LINEAR_ADDRESS_VALID | EptViolationQualification.TRANSLATED_ACCESS;
        if ((q & dataAccess) != dataAccess) {
            refuse(vcpu, v, "guest paging-structure access to " + what + " at 0x" + Long.toHexString(gpa), q);
            return;
        }
        vcpu.charge(Cost.MONITOR_MMIO);
        InstructionEmulator.emulate(vcpu, v, gpa, mmio ? EmulatedTarget.mmio(vcpu) : UnassignedMemory.of(vcpu));
    }

    private static void refuse(Vcpu vcpu, Vmcs v, String what, long q) {
        vcpu.stop(StopReason.SHUTDOWN, "refused: " + what + ", outside the guest's memory slots ("
                + EptViolationQualification.describe(q) + "; guest rip 0x" + Long.toHexString(v.get(GUEST_RIP)) + ")",
                vcpu.guestStateReport());
    }
}
