package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.NoDevices;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.exit.EptViolationQualification;

/**
 * NMIs and VM exits during their delivery or during an IRET, under EPT (SDM Vol. 3C 27.1, 27.2.1, 27.2.4,
 * 31.7.1): real x86 code on the IdtVectoringTest rig (4 KiB guest and EPT pages, an interrupt gate for every
 * vector to a HLT that exits).
 */
class NmiIdtVectoringTest {
    static final long NMI_INFO = 0x80000202L;
    static final long BLOCKING_BY_NMI = 8;
    static final int VIRTUAL_NMIS = PinBasedControls.NMI_EXITING | PinBasedControls.VIRTUAL_NMIS;

    @Test
    void aPageFaultPushingAnNmiFrameRecordsTheNmiAsIdtVectoringAndBlocksNothingYet() {
        // SDM 27.2.4: the event being delivered is recorded (type 2, vector 2); 27.1: an NMI "causes subsequent
        // NMIs to be blocked, but only after" it is delivered — here it was not, and the monitor re-injects it.
        EptGuest g = IdtVectoringTest.guest("ebfe");
        IdtVectoringTest.unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 14);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        ((NoDevices) g.m.cpu.platform()).raiseNmi();
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(5), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(0x80000b0eL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION), "#PF with error code");
        assertEquals(NMI_INFO, g.m.r(IDT_VECTORING_INFORMATION), "valid, NMI, vector 2 (bit 12 undefined: 0)");
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
        assertEquals(0, g.m.r(GUEST_INTERRUPTIBILITY_STATE));
        assertFalse(g.m.cpu.nmi().blocked());

        IdtVectoringTest.mapStackInGuest(g);
        IdtVectoringTest.reinject(g.m);
        IdtVectoringTest.resumeToHandler(g);
        assertEquals(BLOCKING_BY_NMI, g.m.r(GUEST_INTERRUPTIBILITY_STATE), "the re-injected NMI blocks NMIs");
    }

    @Test
    void anInjectedVirtualNmiWhoseDeliveryExitsLeavesVirtualNmiBlockingInEffect() {
        // SDM 27.1: "If the 'virtual NMIs' VM-execution control is 1, VM entry injects an NMI, and delivery of the
        // NMI causes a nested exception ... that causes a VM exit, virtual-NMI blocking is in effect before the VM
        // exit commences"; the monitor clears it before injecting the NMI again (26.3.1.5 forbids injecting an
        // NMI with virtual-NMI blocking), as KVM's vmx_complete_interrupts does.
        EptGuest g = IdtVectoringTest.guest("ebfe");
        g.m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, VIRTUAL_NMIS);
        IdtVectoringTest.unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 14);
        g.m.w(VM_ENTRY_INTERRUPTION_INFORMATION, NMI_INFO);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertFalse(g.m.vmx.nonRoot(), "the injection exited at once");
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(NMI_INFO, g.m.r(IDT_VECTORING_INFORMATION));
        assertEquals(BLOCKING_BY_NMI, g.m.r(GUEST_INTERRUPTIBILITY_STATE), "virtual-NMI blocking saved");

        IdtVectoringTest.mapStackInGuest(g);
        IdtVectoringTest.reinject(g.m);
        assertEquals(VmxResult.VM_ENTRY_FAILED, g.m.vmx.vmresume(), "refused: bit 3 with an injected virtual NMI");
        assertEquals(ExitReason.ENTRY_FAILURE_INVALID_GUEST_STATE.number | ExitReason.ENTRY_FAILURE_BIT,
                (int) g.m.r(EXIT_REASON));
        g.m.w(GUEST_INTERRUPTIBILITY_STATE, 0);
        IdtVectoringTest.reinject(g.m);
        g.m.w(VM_ENTRY_INTERRUPTION_INFORMATION, NMI_INFO);
        IdtVectoringTest.resumeToHandler(g);
        assertEquals(BLOCKING_BY_NMI, g.m.r(GUEST_INTERRUPTIBILITY_STATE));
    }

    @Test
    void anEptViolationDuringAnUnblockingIretSetsQualificationBit12AndSavesNoBlocking() {
        // SDM 27.2.1 (EPT violations), bit 12: "NMI unblocking due to IRET"; 27.1: "If a VM exit results from a
        // fault, EPT violation, or EPT misconfiguration encountered during execution of IRET and the 'NMI exiting'
        // VM-execution control is 0 [the 'virtual NMIs' control is 1], any blocking by NMI [virtual-NMI blocking] is
        // cleared before the VM exit commences."
        for (int pin : new int[] {0, VIRTUAL_NMIS}) {
            EptGuest g = IdtVectoringTest.guest("48cf"); // iretq, its frame on a page without EPT mapping
            g.m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
            g.m.w(GUEST_RSP, IdtVectoringTest.STACK_PAGE + 0x800);
            g.m.w(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_NMI);
            assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
            assertEquals(StopReason.VM_EXIT, g.m.cpu.run(5), g.m.cpu.stopDetail());
            assertEquals(ExitReason.EPT_VIOLATION.number, g.m.r(EXIT_REASON));
            assertTrue(EptViolationQualification.nmiUnblockingDueToIret(g.m.r(EXIT_QUALIFICATION)), "pin " + pin);
            assertEquals(0, g.m.r(GUEST_INTERRUPTIBILITY_STATE), "pin " + pin);
            assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
            assertEquals(IdtVectoringTest.STACK_PAGE + 0x800, g.m.r(GUEST_RSP));
            assertFalse(g.m.cpu.nmi().blocked());
            assertEquals(0, g.m.s.gpr[CpuState.RAX]);
        }
    }
}
