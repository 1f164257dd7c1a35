package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.NoDevices;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;

/**
 * NMIs in VMX non-root operation (SDM Vol. 3C 24.4.2, 25.2, 25.3, 26.6.1.1, 26.7.1, 27.1, 27.2.2, 27.3.4,
 * 27.5.5): real x86 code under "NMI exiting", "virtual NMIs" and "NMI-window exiting", each test quoting its
 * rule. The NMI comes from the platform's NMI line; the guest's vector 2 handler counts NMIs in R15.
 */
class NmiExitsTest {
    static final long NMI_HANDLER = VmxMachine.GUEST_CODE + 0x100;
    static final long GP_HANDLER = VmxMachine.GUEST_CODE + 0x200;
    static final long NMI_INFO = 0x80000202L; // valid, type 2 (NMI), vector 2
    static final long BLOCKING_BY_NMI = 8;

    /** A guest running {@code code}, with a GDT and an IDT (vector 2, vector 13) and HLT exiting. */
    static VmxMachine guest(String code, int pin, int proc) {
        VmxMachine m = new VmxMachine("f4");
        m.enterRootWithVmcs(code);
        m.cpu.setStopAtVmExit(true);
        m.cpu.memory().write64(0x6008, 0x00af9b000000ffffL);
        m.cpu.memory().write64(0x6010, 0x00cf93000000ffffL);
        gate(m, 2, NMI_HANDLER);
        gate(m, 13, GP_HANDLER);
        m.write(NMI_HANDLER, "49ffc7 48cf"); // inc r15; iretq
        m.write(GP_HANDLER, "f4"); // hlt
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.HLT_EXITING | proc);
        return m;
    }

    static void gate(VmxMachine m, int vector, long handler) {
        long lo = (handler & 0xffff) | 0x08L << 16 | 0x8eL << 40 | ((handler >>> 16) & 0xffff) << 48;
        m.cpu.memory().write64(0x7000 + 16L * vector, lo);
        m.cpu.memory().write64(0x7000 + 16L * vector + 8, handler >>> 32);
    }

    static void raiseNmi(VmxMachine m) {
        ((NoDevices) m.cpu.platform()).raiseNmi();
    }

    static void exits(VmxMachine m, ExitReason reason, long budget) {
        assertEquals(StopReason.VM_EXIT, m.cpu.run(budget), m.cpu.stopDetail());
        assertEquals(reason.number, m.r(EXIT_REASON));
    }

    static final int NMI_EXITING = PinBasedControls.NMI_EXITING;
    static final int VIRTUAL_NMIS = PinBasedControls.NMI_EXITING | PinBasedControls.VIRTUAL_NMIS;
    static final int NMI_WINDOW = PrimaryProcessorBasedControls.NMI_WINDOW_EXITING;

    @Test
    void nmiExitingTurnsAnNmiIntoExitReason0WithTypeNmiAndBlocksNmisInTheHost() {
        // SDM 25.2: "If the 'NMI exiting' VM-execution control is 1, NMIs cause VM exits"; 27.2.2: interruption
        // type 2, vector 2; 27.5.5: "VM exits caused directly by NMIs cause blocking by NMI".
        VmxMachine m = guest("ebfe", NMI_EXITING, 0); // jmp $
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.INSTRUCTION_LIMIT, m.cpu.run(5));
        raiseNmi(m);
        exits(m, ExitReason.EXCEPTION_OR_NMI, 5);
        assertEquals(NMI_INFO, m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(0, m.r(EXIT_QUALIFICATION));
        assertEquals(0, m.r(IDT_VECTORING_INFORMATION));
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP), "the NMI came before the jmp: not delivered");
        assertEquals(0, m.r(GUEST_INTERRUPTIBILITY_STATE), "the guest's NMIs were not blocked");
        assertEquals(0, m.s.gpr[15], "the guest handler did not run");
        assertTrue(m.cpu.nmi().blocked(), "blocking by NMI in root operation after the exit");
        assertFalse(m.cpu.nmiPending(), "the NMI was taken by the exit");
    }

    @Test
    void withNmiExitingABlockedGuestHoldsNmisPendingAndIretDoesNotUnblock() {
        // SDM 26.7.1: with "virtual NMIs" 0 "NMIs are blocked if bit 3 ... is 1 ... If the 'NMI exiting' control is
        // 1, such blocking remains in effect as long as the logical processor is in VMX non-root operation";
        // 25.3 IRET: "If the 'NMI exiting' VM-execution control is 1, IRET does not affect blocking of NMIs."
        VmxMachine m = guest("ebfe", NMI_EXITING, 0);
        m.w(GUEST_RIP, NMI_HANDLER + 3); // the iretq, with a frame returning to the jmp
        m.w(GUEST_RSP, VmxMachine.GUEST_STACK - 40);
        frame(m, VmxMachine.GUEST_CODE);
        m.w(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_NMI);
        raiseNmi(m);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.INSTRUCTION_LIMIT, m.cpu.run(20), "no exit: the NMI stays pending");
        assertTrue(m.cpu.nmiPending());
        assertEquals(VmxMachine.GUEST_CODE, m.s.rip);
    }

    /** A 64-bit interrupt frame at GUEST_STACK - 40 returning to {@code rip} (CS 8, RFLAGS 2, SS 0x10). */
    static void frame(VmxMachine m, long rip) {
        long sp = VmxMachine.GUEST_STACK - 40;
        m.cpu.memory().write64(sp, rip);
        m.cpu.memory().write64(sp + 8, 0x08);
        m.cpu.memory().write64(sp + 16, 2);
        m.cpu.memory().write64(sp + 24, VmxMachine.GUEST_STACK);
        m.cpu.memory().write64(sp + 32, 0x10);
    }

    @Test
    void withoutNmiExitingTheGuestTakesTheNmiThroughItsIdtAndIretUnblocksIt() {
        // SDM 25.3 IRET: "If the 'NMI exiting' VM-execution control is 0, IRET operates normally and unblocks
        // NMIs"; bit 3 of the interruptibility state saved on exit is blocking by NMI (24.4.2, 27.3.4).
        VmxMachine m = guest("ebfe", 0, 0);
        m.write(NMI_HANDLER, "f4 49ffc7 48cf"); // hlt (exits); inc r15; iretq
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        raiseNmi(m);
        exits(m, ExitReason.HLT, 5);
        assertEquals(NMI_HANDLER, m.r(GUEST_RIP), "the NMI went through guest IDT vector 2");
        assertEquals(BLOCKING_BY_NMI, m.r(GUEST_INTERRUPTIBILITY_STATE), "NMIs blocked in the handler");
        assertTrue(m.cpu.nmi().blocked(), "blocking by NMI carries into root operation (27.5.5)");
        m.w(GUEST_RIP, NMI_HANDLER + 1);
        m.w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, m.r(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                | PrimaryProcessorBasedControls.MONITOR_TRAP_FLAG);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        exits(m, ExitReason.MONITOR_TRAP_FLAG, 5); // after inc r15
        assertEquals(BLOCKING_BY_NMI, m.r(GUEST_INTERRUPTIBILITY_STATE), "entry loaded bit 3 back");
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        exits(m, ExitReason.MONITOR_TRAP_FLAG, 5); // after iretq
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP));
        assertEquals(0, m.r(GUEST_INTERRUPTIBILITY_STATE), "IRET unblocked NMIs");
        assertEquals(1, m.s.gpr[15]);
    }

    @Test
    void anInjectedNmiWithVirtualNmisSetsVirtualNmiBlockingWhichGuestIretRemoves() {
        // SDM 26.7.1: with "virtual NMIs" bit 3 "determines whether there is virtual-NMI blocking after VM entry ...
        // unless the VM entry is injecting an NMI"; 25.3 IRET: "IRET removes any virtual-NMI blocking".
        VmxMachine m = guest("ebfe", VIRTUAL_NMIS, 0);
        m.write(NMI_HANDLER, "f4 49ffc7 48cf");
        m.w(VM_ENTRY_INTERRUPTION_INFORMATION, NMI_INFO);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        exits(m, ExitReason.HLT, 5);
        assertEquals(NMI_HANDLER, m.r(GUEST_RIP));
        assertEquals(BLOCKING_BY_NMI, m.r(GUEST_INTERRUPTIBILITY_STATE), "virtual-NMI blocking");
        assertFalse(m.cpu.nmi().blocked(), "physical NMIs are not blocked by a virtual NMI");
        // With virtual-NMI blocking in effect the NMI window stays shut; IRET opens it (25.2 NMI window).
        m.w(GUEST_RIP, NMI_HANDLER + 1);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, NMI_WINDOW);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        exits(m, ExitReason.NMI_WINDOW, 5);
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP), "the window opened after the iretq");
        assertEquals(1, m.s.gpr[15]);
        assertEquals(0, m.r(GUEST_INTERRUPTIBILITY_STATE));
        assertEquals(0, m.r(EXIT_QUALIFICATION));
    }

    @Test
    void physicalNmisAreNotBlockedInAGuestWithVirtualNmisBlocked() {
        // SDM 26.7.1: with "virtual NMIs" 1, "NMIs are not blocked in VMX non-root operation"; the exit saves
        // virtual-NMI blocking as it was.
        VmxMachine m = guest("ebfe", VIRTUAL_NMIS, 0);
        m.w(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_NMI);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        raiseNmi(m);
        exits(m, ExitReason.EXCEPTION_OR_NMI, 5);
        assertEquals(NMI_INFO, m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(BLOCKING_BY_NMI, m.r(GUEST_INTERRUPTIBILITY_STATE));
    }

    @Test
    void theNmiWindowOpensAtEntryUnlessMovSsBlocksAndTakesPriorityOverAPendingNmi() {
        // SDM 25.2: "a VM exit occurs before execution of any instruction if there is no virtual-NMI blocking and
        // there is no blocking of events by MOV SS"; "VM exits caused by this control take priority over
        // non-maskable interrupts (NMIs) and lower priority events"; 26.7.6: immediately after VM entry.
        VmxMachine m = guest("90 90 ebfe", VIRTUAL_NMIS, NMI_WINDOW);
        raiseNmi(m);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        exits(m, ExitReason.NMI_WINDOW, 5);
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP), "before the first instruction");
        assertTrue(m.cpu.nmiPending(), "the NMI waits behind the window exit");

        VmxMachine s = guest("90 90 ebfe", VIRTUAL_NMIS, NMI_WINDOW);
        s.w(GUEST_INTERRUPTIBILITY_STATE, 2); // blocking by MOV SS
        assertEquals(VmxResult.VM_ENTERED, s.vmx.vmlaunch());
        exits(s, ExitReason.NMI_WINDOW, 5);
        assertEquals(VmxMachine.GUEST_CODE + 1, s.r(GUEST_RIP), "one instruction under the MOV SS shadow");

        VmxMachine t = guest("90 90 ebfe", VIRTUAL_NMIS, NMI_WINDOW);
        t.w(GUEST_RFLAGS, 0x202);
        t.w(GUEST_INTERRUPTIBILITY_STATE, 1); // blocking by STI does not hold this model's NMI window
        assertEquals(VmxResult.VM_ENTERED, t.vmx.vmlaunch());
        exits(t, ExitReason.NMI_WINDOW, 5);
        assertEquals(VmxMachine.GUEST_CODE, t.r(GUEST_RIP));
    }

    @Test
    void anNmiExitComesBeforeTheInterruptWindowAndTheMonitorTrapFlagBeforeBoth() {
        // SDM 25.2 (interrupt window): "Non-maskable interrupts (NMIs) and higher priority events take priority
        // over VM exits caused by this control"; 25.5.2: MTF VM exits take priority over NMIs (traps on the
        // previous instruction, Vol. 3A Table 6-2).
        VmxMachine m = guest("90 ebfe", NMI_EXITING, PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING);
        m.w(GUEST_RFLAGS, 0x202);
        raiseNmi(m);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        exits(m, ExitReason.EXCEPTION_OR_NMI, 5);
        assertEquals(NMI_INFO, m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        exits(m, ExitReason.INTERRUPT_WINDOW, 5);

        VmxMachine t = guest("90 ebfe", NMI_EXITING, PrimaryProcessorBasedControls.MONITOR_TRAP_FLAG);
        assertEquals(VmxResult.VM_ENTERED, t.vmx.vmlaunch());
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // the nop retires
        raiseNmi(t);
        exits(t, ExitReason.MONITOR_TRAP_FLAG, 5);
        assertEquals(VmxMachine.GUEST_CODE + 1, t.r(GUEST_RIP));
        assertTrue(t.cpu.nmiPending());
    }

    @Test
    void aFaultingIretThatRemovedBlockingSetsBit12AndTheSavedStateShowsNoBlocking() {
        // SDM 27.2.2: bit 12 "If the 'virtual NMIs' VM-execution control is 0 [1], the VM exit is due to a fault on
        // the IRET instruction ..., and blocking by NMI [virtual-NMI blocking] was in effect before execution of
        // IRET, bit 12 is set to 1"; 27.1: the blocking "is cleared before the VM exit commences".
        for (int pin : new int[] {0, VIRTUAL_NMIS}) {
            VmxMachine m = faultingIret(pin, BLOCKING_BY_NMI);
            assertEquals(0x80001b0dL, m.r(VM_EXIT_INTERRUPTION_INFORMATION), "#GP(0), bit 12, pin " + pin);
            assertEquals(0, m.r(GUEST_INTERRUPTIBILITY_STATE));
            assertFalse(m.cpu.nmi().blocked());
            m = faultingIret(pin, 0);
            assertEquals(0x80000b0dL, m.r(VM_EXIT_INTERRUPTION_INFORMATION), "nothing to unblock, pin " + pin);
        }
        // "NMI exiting" without "virtual NMIs": IRET leaves blocking alone, so nothing is reported.
        VmxMachine m = faultingIret(NMI_EXITING, BLOCKING_BY_NMI);
        assertEquals(0x80000b0dL, m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(BLOCKING_BY_NMI, m.r(GUEST_INTERRUPTIBILITY_STATE));
    }

    /** A guest IRET to a non-canonical RIP (#GP(0), in the exception bitmap) with {@code intr} loaded. */
    static VmxMachine faultingIret(int pin, long intr) {
        VmxMachine m = guest("48cf", pin, 0);
        m.w(GUEST_RSP, VmxMachine.GUEST_STACK - 40);
        frame(m, 0x8000_0000_0000_0000L);
        m.w(GUEST_INTERRUPTIBILITY_STATE, intr);
        m.w(EXCEPTION_BITMAP, 1 << 13);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        exits(m, ExitReason.EXCEPTION_OR_NMI, 5);
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP));
        return m;
    }
}
