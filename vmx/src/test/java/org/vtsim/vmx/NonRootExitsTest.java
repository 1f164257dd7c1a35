package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.TestPlatform;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.IoQualification;

/**
 * Real x86 code (GNU as --64) in VMX non-root operation: each exit's reason, qualification,
 * instruction length, the guest state saved and the host state loaded (SDM Vol. 3C 25, 27).
 */
class NonRootExitsTest {
    // 0: mov eax,0; 5: cpuid; 7: hlt; 8: out 0x80,al; a: in eax,dx; b: ud2; d: mov rax,cr3; 10: mov cr0,rax
    static final String GUEST = "b800000000 0fa2 f4 e680 ed 0f0b 0f20d8 0f22c0";

    private static VmxMachine launched(String guest) {
        VmxMachine m = new VmxMachine("f4");
        m.enterRootWithVmcs(guest);
        m.cpu.setStopAtVmExit(true);
        return m;
    }

    private static void assertHostLoaded(VmxMachine m) {
        assertFalse(m.vmx.nonRoot());
        assertFalse(m.cpu.vmxNonRoot());
        assertEquals(VmxMachine.HOST_CODE, m.s.rip);
        assertEquals(VmxMachine.HOST_STACK, m.s.gpr[CpuState.RSP]);
        assertEquals(2, m.s.getRflags());
        Segment cs = m.s.seg[CpuState.CS];
        assertEquals(0x08, cs.selector);
        assertEquals(0xb | Segment.ATTR_S | Segment.ATTR_P | Segment.ATTR_L | Segment.ATTR_G, cs.attributes);
        assertEquals(0x67, m.s.tr.limit);
        assertEquals(0xffff, m.s.gdtrLimit);
        assertEquals(0x400, m.s.dr[7]);
    }

    /** Resumes after an instruction exit, skipping the instruction (as a monitor would). */
    private static void skipAndResume(VmxMachine m) {
        m.w(GUEST_RIP, m.r(GUEST_RIP) + m.r(VM_EXIT_INSTRUCTION_LENGTH));
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
    }

    @Test
    void unconditionalAndControlledInstructionExits() {
        VmxMachine m = launched(GUEST);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.HLT_EXITING
                | PrimaryProcessorBasedControls.UNCONDITIONAL_IO_EXITING | PrimaryProcessorBasedControls.CR3_STORE_EXITING);
        m.w(EXCEPTION_BITMAP, 1 << 6);
        m.w(CR0_GUEST_HOST_MASK, CpuState.CR0_PG);
        m.w(CR0_READ_SHADOW, CpuState.CR0_PG);
        m.s.gpr[CpuState.RDX] = 0x3f8;
        long cycles = m.cpu.cycles();
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertTrue(m.vmx.nonRoot());
        assertTrue(m.cpu.cycles() >= cycles + 700, "VM entry is charged");

        assertEquals(StopReason.VM_EXIT, m.cpu.run(100), m.cpu.stopDetail());
        assertEquals(ExitReason.CPUID.number, m.r(EXIT_REASON));
        assertEquals(0, m.r(EXIT_QUALIFICATION));
        assertEquals(2, m.r(VM_EXIT_INSTRUCTION_LENGTH));
        assertEquals(VmxMachine.GUEST_CODE + 5, m.r(GUEST_RIP)); // the exiting instruction's RIP
        assertEquals(2, m.r(GUEST_RFLAGS));
        assertEquals(VmxMachine.GUEST_STACK, m.r(GUEST_RSP));
        assertHostLoaded(m);
        assertTrue(m.vmx.currentVmcs().launched());

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.HLT.number, m.r(EXIT_REASON));
        assertEquals(1, m.r(VM_EXIT_INSTRUCTION_LENGTH));
        assertEquals(VmxMachine.GUEST_CODE + 7, m.r(GUEST_RIP));
        assertEquals(0, m.r(GUEST_ACTIVITY_STATE)); // HLT exited before halting

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.IO_INSTRUCTION.number, m.r(EXIT_REASON));
        assertEquals(IoQualification.encode(1, false, false, false, true, 0x80), m.r(EXIT_QUALIFICATION));
        assertEquals(2, m.r(VM_EXIT_INSTRUCTION_LENGTH));

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(IoQualification.encode(4, true, false, false, false, 0x3f8), m.r(EXIT_QUALIFICATION));
        assertEquals(1, m.r(VM_EXIT_INSTRUCTION_LENGTH));

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, m.r(EXIT_REASON));
        assertEquals(0x80000306L, m.r(VM_EXIT_INTERRUPTION_INFORMATION)); // valid, hardware exception, #UD
        assertEquals(VmxMachine.GUEST_CODE + 0xb, m.r(GUEST_RIP));

        m.w(GUEST_RIP, m.r(GUEST_RIP) + 2);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.CONTROL_REGISTER_ACCESSES.number, m.r(EXIT_REASON));
        assertEquals(ControlRegisterAccessQualification.movFromCr(3, 0), m.r(EXIT_QUALIFICATION));
        assertEquals(3, m.r(VM_EXIT_INSTRUCTION_LENGTH));

        // MOV to CR0 with RAX = CR3 (0): clears PG, which the mask owns and the shadow has set: exits.
        // (RAX is 0 from mov eax,0; the host ran nothing in between.)
        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ControlRegisterAccessQualification.movToCr(0, 0), m.r(EXIT_QUALIFICATION));
        assertEquals(VmxMachine.GUEST_CODE + 0x10, m.r(GUEST_RIP));
    }

    // vmcall; vmread rax,rcx; vmptrst [rbx+0x10]
    static final String VMX_IN_GUEST = "0f01c1 0f78c8 0fc77b10";

    @Test
    void vmxInstructionsInTheGuestExit() {
        VmxMachine m = launched(VMX_IN_GUEST);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(ExitReason.VMCALL.number, m.r(EXIT_REASON));
        assertEquals(3, m.r(VM_EXIT_INSTRUCTION_LENGTH));
        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(ExitReason.VMREAD.number, m.r(EXIT_REASON));
        // Register destination RAX (reg1 = 0, bit 10), field encoding in RCX (reg2 = 1).
        long info = m.r(VM_EXIT_INSTRUCTION_INFORMATION);
        assertTrue(InstructionInformation.isRegisterOperand(info));
        assertEquals(0, InstructionInformation.reg1(info));
        assertEquals(1, InstructionInformation.reg2(info));
        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(ExitReason.VMPTRST.number, m.r(EXIT_REASON));
        assertEquals(0x10, m.r(EXIT_QUALIFICATION)); // the displacement
        info = m.r(VM_EXIT_INSTRUCTION_INFORMATION);
        assertEquals(CpuState.RBX, InstructionInformation.baseReg(info));
        assertEquals(InstructionInformation.NO_REGISTER, InstructionInformation.indexReg(info));
        assertEquals(InstructionInformation.ADDRESS_SIZE_64, InstructionInformation.addressSize(info));
        assertEquals(CpuState.DS, InstructionInformation.segment(info));
    }

    @Test
    void tripleFaultInTheGuestExitsInsteadOfShuttingDown() {
        VmxMachine m = launched("0f0b"); // ud2 with an empty guest IDT: #UD, #GP, #DF, triple fault
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10), m.cpu.stopDetail());
        assertEquals(ExitReason.TRIPLE_FAULT.number, m.r(EXIT_REASON));
        assertHostLoaded(m);
    }

    @Test
    void externalInterruptExitingWithAcknowledge() {
        VmxMachine m = launched("90 90 eb fc"); // nop; nop; jmp back
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.EXTERNAL_INTERRUPT_EXITING);
        m.setControl(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.INSTRUCTION_LIMIT, m.cpu.run(20));
        ((TestPlatform) m.cpu.platform()).pendingVector = 0x30;
        // RFLAGS.IF = 0 in the guest: the exit does not depend on it.
        assertEquals(StopReason.VM_EXIT, m.cpu.run(20));
        assertEquals(ExitReason.EXTERNAL_INTERRUPT.number, m.r(EXIT_REASON));
        assertEquals(0x80000030L, m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertFalse(m.cpu.platform().interruptPending()); // acknowledged
    }

    @Test
    void entryMsrLoadFailureIsAnEntryFailureExit() {
        VmxMachine m = launched("f4");
        m.cpu.memory().write64(0x42000, 0x174); // IA32_SYSENTER_CS: fine
        m.cpu.memory().write64(0x42010, 0x808); // an x2APIC MSR: not loadable (SDM 26.4)
        m.w(VM_ENTRY_MSR_LOAD_ADDRESS, 0x42000);
        m.w(VM_ENTRY_MSR_LOAD_COUNT, 2);
        assertEquals(VmxResult.VM_ENTRY_FAILED, m.vmx.vmlaunch());
        assertEquals(ExitReason.ENTRY_FAILURE_MSR_LOADING.number | 0x80000000L, m.r(EXIT_REASON));
        assertEquals(2, m.r(EXIT_QUALIFICATION));
        assertHostLoaded(m);
        assertFalse(m.vmx.currentVmcs().launched());
    }

    @Test
    void exitMsrLoadFailureIsAVmxAbort() {
        VmxMachine m = launched("0fa2"); // cpuid
        m.cpu.memory().write64(0x42000, 0xc0000100L); // IA32_FS_BASE may not be in the area (SDM 27.6)
        m.w(VM_EXIT_MSR_LOAD_ADDRESS, 0x42000);
        m.w(VM_EXIT_MSR_LOAD_COUNT, 1);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.SHUTDOWN, m.cpu.run(10));
        assertEquals(4, m.cpu.memory().read32(VmxMachine.VMCS_REGION + 4));
    }
}
