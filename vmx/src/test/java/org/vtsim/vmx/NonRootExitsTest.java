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

    /**
     * SDM 26.7.5 / 25.2: "VM exits caused by this control [interrupt-window exiting] take priority over
     * external interrupts and lower priority events": with both controls set, IF = 1 and an interrupt
     * pending, the exit is the interrupt window's and the interrupt stays pending.
     */
    @Test
    void theInterruptWindowExitsBeforeAPendingExternalInterrupt() {
        VmxMachine m = launched("90 90 eb fc"); // nop; nop; jmp back
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.EXTERNAL_INTERRUPT_EXITING);
        m.setControl(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING);
        m.w(GUEST_RFLAGS, 2 | CpuState.IF);
        ((TestPlatform) m.cpu.platform()).pendingVector = 0x30;
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(20));
        assertEquals(ExitReason.INTERRUPT_WINDOW.number, m.r(EXIT_REASON));
        assertTrue(m.cpu.platform().interruptPending()); // not acknowledged: no external-interrupt exit
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
    // 0: mov ecx,0x10; 5: rdmsr; 7: mov ecx,0x174; c: rdmsr; e: mov dx,0x70; 12: in al,dx; 13: mov dx,0x71;
    // 17: in al,dx; 18: invlpg [rbx+0x40]; 1c: rdtsc; 1e: mov rsi,cr0; 21: mov rdi,cr8; 25: mov cr8,rdi;
    // 29: sgdt [rbx+8]; 2d: pause
    static final String CONTROLLED = "b910000000 0f32 b974010000 0f32 66ba7000 ec 66ba7100 ec 0f017b40 0f31"
            + " 0f20c6 440f20c7 440f22c7 0f014308 f390";

    @Test
    void bitmapsShadowsAndOffsets() {
        VmxMachine m = launched(CONTROLLED);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.USE_MSR_BITMAPS
                | PrimaryProcessorBasedControls.USE_IO_BITMAPS | PrimaryProcessorBasedControls.INVLPG_EXITING
                | PrimaryProcessorBasedControls.USE_TSC_OFFSETTING | PrimaryProcessorBasedControls.USE_TPR_SHADOW
                | PrimaryProcessorBasedControls.PAUSE_EXITING
                | PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS);
        m.w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                org.vtsim.vmx.controls.SecondaryProcessorBasedControls.DESCRIPTOR_TABLE_EXITING);
        m.w(MSR_BITMAPS_ADDRESS, 0x43000);
        m.cpu.memory().write8(0x43000 + 0x174 / 8, 1 << (0x174 % 8)); // read bitmap for low MSRs
        m.w(IO_BITMAP_A_ADDRESS, 0x44000);
        m.w(IO_BITMAP_B_ADDRESS, 0x44000 + 0x1000);
        m.cpu.memory().write8(0x44000 + 0x71 / 8, 1 << (0x71 % 8));
        m.w(TSC_OFFSET, 1L << 40);
        m.w(CR0_GUEST_HOST_MASK, CpuState.CR0_TS);
        m.w(CR0_READ_SHADOW, CpuState.CR0_TS);
        m.w(VIRTUAL_APIC_ADDRESS, 0x45000);
        m.cpu.memory().write32(0x45000 + 0x80, 0x50);
        m.s.gpr[CpuState.RBX] = 0x50000;
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());

        assertEquals(StopReason.VM_EXIT, m.cpu.run(100), m.cpu.stopDetail());
        assertEquals(ExitReason.RDMSR.number, m.r(EXIT_REASON)); // MSR 0x10 passed, 0x174 exits
        assertEquals(VmxMachine.GUEST_CODE + 0xc, m.r(GUEST_RIP));
        assertEquals(2, m.r(VM_EXIT_INSTRUCTION_LENGTH));

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.IO_INSTRUCTION.number, m.r(EXIT_REASON)); // port 0x70 passed, 0x71 exits
        assertEquals(IoQualification.encode(1, true, false, false, false, 0x71), m.r(EXIT_QUALIFICATION));
        assertEquals(VmxMachine.GUEST_CODE + 0x17, m.r(GUEST_RIP));

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.INVLPG.number, m.r(EXIT_REASON));
        assertEquals(0x50040, m.r(EXIT_QUALIFICATION));
        assertEquals(4, m.r(VM_EXIT_INSTRUCTION_LENGTH));

        long hostTsc = m.cpu.hostTsc();
        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        long guestTsc = (m.s.gpr[CpuState.RDX] & 0xffffffffL) << 32 | (m.s.gpr[CpuState.RAX] & 0xffffffffL);
        assertTrue(guestTsc > hostTsc + (1L << 40) && guestTsc < m.cpu.hostTsc() + (1L << 40), "TSC offsetting");
        assertEquals(CpuState.CR0_TS, m.s.gpr[CpuState.RSI] & CpuState.CR0_TS); // read shadow
        assertEquals(0, m.s.cr0 & CpuState.CR0_TS);
        assertEquals(5, m.s.gpr[CpuState.RDI]); // VTPR[7:4] through CR8
        assertEquals(0x50, m.cpu.memory().read32(0x45080));
        assertEquals(ExitReason.ACCESS_TO_GDTR_OR_IDTR.number, m.r(EXIT_REASON));
        assertEquals(8, m.r(EXIT_QUALIFICATION));
        long info = m.r(VM_EXIT_INSTRUCTION_INFORMATION);
        assertEquals(0, InstructionInformation.identity(info)); // SGDT
        assertEquals(CpuState.RBX, InstructionInformation.baseReg(info));

        skipAndResume(m);
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100));
        assertEquals(ExitReason.PAUSE.number, m.r(EXIT_REASON));
        assertEquals(2, m.r(VM_EXIT_INSTRUCTION_LENGTH));
    }

    @Test
    void monitorTrapFlagExitsAfterEachInstruction() {
        VmxMachine m = launched("90 90 90");
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.MONITOR_TRAP_FLAG);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(ExitReason.MONITOR_TRAP_FLAG.number, m.r(EXIT_REASON));
        assertEquals(VmxMachine.GUEST_CODE + 1, m.r(GUEST_RIP)); // trap-like: after the first NOP
        assertEquals(0, m.r(VM_EXIT_INSTRUCTION_LENGTH));
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(VmxMachine.GUEST_CODE + 2, m.r(GUEST_RIP));
    }

    @Test
    void interruptWindowAndPreemptionTimer() {
        VmxMachine m = launched("90 eb fd"); // nop; jmp back
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING);
        m.w(GUEST_RFLAGS, 2 | CpuState.IF);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(ExitReason.INTERRUPT_WINDOW.number, m.r(EXIT_REASON));
        assertEquals(VmxMachine.GUEST_CODE, m.r(GUEST_RIP)); // before any guest instruction

        m.w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, m.r(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                & ~PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING);
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        m.setControl(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE);
        m.w(VMX_PREEMPTION_TIMER_VALUE, 100); // 100 << 5 TSC ticks
        long start = m.cpu.cycles();
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100_000));
        assertEquals(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, m.r(EXIT_REASON));
        assertEquals(0, m.r(VMX_PREEMPTION_TIMER_VALUE));
        long elapsed = m.cpu.cycles() - start;
        assertTrue(elapsed >= 99 << 5 && elapsed < 3 * (100 << 5), "expired after ~3200 cycles: " + elapsed);
    }

    @Test
    void exceptionBitmapPageFaultLeavesCr2() {
        // mov rax,[0x7fff0000000] (no mapping: #PF) under real paging
        VmxMachine m = launched("48a1000000f0ff070000");
        m.w(EXCEPTION_BITMAP, 1 << 14);
        m.cpu.setTranslation(new org.vtsim.cpu.MmuTranslation(new org.vtsim.ept.mmu.Mmu(m.cpu.memory()), m.s,
                m.cpu.costProfile()));
        m.cpu.memory().write64(0x1000, 0x2000 | 3);
        m.cpu.memory().write64(0x2000, 0x3000 | 3);
        for (int i = 0; i < 512; i++) {
            m.cpu.memory().write64(0x3000 + 8L * i, ((long) i << 21) | 0x83);
        }
        m.w(GUEST_CR3, 0x1000);
        m.w(HOST_CR3, 0x1000);
        m.s.cr2 = 0x1234;
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10), m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, m.r(EXIT_REASON));
        assertEquals(0x7fff0000000L, m.r(EXIT_QUALIFICATION));
        assertEquals(0x1234, m.s.cr2);
        assertEquals(0x80000b0eL, m.r(VM_EXIT_INTERRUPTION_INFORMATION)); // valid, error code, hw exception, 14
        assertEquals(0, m.r(VM_EXIT_INTERRUPTION_ERROR_CODE)); // not present, read, supervisor
    }
    @Test
    void entryCheckFailuresReportTheSdmWay() {
        VmxMachine m = launched("f4");
        m.w(HOST_CR0, m.r(HOST_CR0) & ~CpuState.CR0_NE); // host CR0 breaks IA32_VMX_CR0_FIXED0 (26.2.2)
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmlaunch());
        assertEquals(8, m.vmx.instructionError());
        assertTrue(m.vmx.inVmxOperation() && !m.vmx.nonRoot());
        m.w(HOST_CR0, m.r(HOST_CR0) | CpuState.CR0_NE);
        m.w(GUEST_CR0, m.r(GUEST_CR0) & ~CpuState.CR0_NE); // guest CR0 breaks the fixed bits (26.3.1.1)
        m.s.rip = 0x1234;
        assertEquals(VmxResult.VM_ENTRY_FAILED, m.vmx.vmlaunch());
        assertEquals(ExitReason.ENTRY_FAILURE_INVALID_GUEST_STATE.number | 0x80000000L, m.r(EXIT_REASON));
        assertEquals(0, m.r(EXIT_QUALIFICATION));
        assertHostLoaded(m);
        assertFalse(m.vmx.currentVmcs().launched());
    }
    @Test
    void int3ThroughTheExceptionBitmapIsASoftwareException() {
        VmxMachine m = launched("90 cc"); // nop; int3
        m.w(EXCEPTION_BITMAP, 1 << 3);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10), m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, m.r(EXIT_REASON));
        assertEquals(0x80000603L, m.r(VM_EXIT_INTERRUPTION_INFORMATION)); // valid, software exception, #BP
        assertEquals(1, m.r(VM_EXIT_INSTRUCTION_LENGTH));
        assertEquals(VmxMachine.GUEST_CODE + 1, m.r(GUEST_RIP));
    }
    @Test
    void preemptionTimerWakesAHaltedGuest() {
        VmxMachine m = launched("f4"); // hlt (no HLT exiting, IF = 0)
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        m.w(VMX_PREEMPTION_TIMER_VALUE, 1000);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        long start = m.cpu.cycles();
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100), m.cpu.stopDetail());
        assertEquals(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, m.r(EXIT_REASON));
        assertEquals(1, m.r(GUEST_ACTIVITY_STATE)); // saved as HLT
        assertEquals(VmxMachine.GUEST_CODE + 1, m.r(GUEST_RIP));
        assertTrue(m.cpu.cycles() - start >= 1000 << 5, "idled until the timer expired");
    }

    @Test
    void noStiBlockingIsSavedWhileHalted() {
        // sti; hlt with HLT exiting: the HLT exit saves blocking by STI (the shadow covers the HLT,
        // SDM 24.4.2). A monitor completes the HLT and resumes in the HLT state without blocking
        // (26.3.1.5 forbids HLT with blocking); an exit taken while halted must then save no
        // blocking either — the shadow ended with the HLT (SDM Vol. 2B STI) — or the next VMRESUME
        // into the HLT state would fail.
        VmxMachine m = launched("fb f4"); // sti; hlt
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.HLT_EXITING);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100), m.cpu.stopDetail());
        assertEquals(ExitReason.HLT.number, m.r(EXIT_REASON));
        assertEquals(1, m.r(GUEST_INTERRUPTIBILITY_STATE) & 3, "blocking by STI covers the HLT");
        m.w(GUEST_RIP, m.r(GUEST_RIP) + 1);
        m.w(GUEST_INTERRUPTIBILITY_STATE, 0);
        m.w(GUEST_ACTIVITY_STATE, 1);
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        m.w(VMX_PREEMPTION_TIMER_VALUE, 10);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(100), m.cpu.stopDetail());
        assertEquals(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, m.r(EXIT_REASON));
        assertEquals(1, m.r(GUEST_ACTIVITY_STATE));
        assertEquals(0, m.r(GUEST_INTERRUPTIBILITY_STATE) & 3);
        m.w(VMX_PREEMPTION_TIMER_VALUE, 10);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
    }

    /** An interrupt gate for {@code vector} in the guest IDT (0x7000) to {@code handler}, CS = 8 (GDT[1]). */
    private static void gate(VmxMachine m, int vector, long handler) {
        var mem = m.cpu.memory();
        mem.write64(0x6008, 0x00af9b000000ffffL); // GDT[1]: 64-bit code, DPL 0
        long g = 0x7000 + 16L * vector;
        mem.write64(g, (handler & 0xffff) | 0x08L << 16 | 0x8eL << 40 | ((handler >>> 16) & 0xffff) << 48);
        mem.write64(g + 8, handler >>> 32);
    }

    @Test
    void eventInjectionDeliversThroughTheGuestIdt() {
        long handler = VmxMachine.GUEST_CODE + 0x100;
        VmxMachine m = launched("90 90");
        m.write(handler, "0fa2"); // the handler: cpuid (exits)
        gate(m, 0x20, handler);
        gate(m, 13, handler);
        // External interrupt 0x20 (needs RFLAGS.IF = 1, SDM 26.3.1.5): the frame's RIP is the guest RIP.
        m.w(GUEST_RFLAGS, 2 | CpuState.IF);
        m.w(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000020L);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10), m.cpu.stopDetail());
        assertEquals(ExitReason.CPUID.number, m.r(EXIT_REASON));
        assertEquals(handler, m.r(GUEST_RIP));
        assertEquals(VmxMachine.GUEST_STACK - 40, m.r(GUEST_RSP));
        assertEquals(VmxMachine.GUEST_CODE, m.cpu.memory().read64(VmxMachine.GUEST_STACK - 40));
        assertEquals(0, m.r(VM_ENTRY_INTERRUPTION_INFORMATION) >>> 31); // cleared by the exit (27.2)

        // #GP with error code 0x18: pushed below the frame.
        m.w(GUEST_RIP, VmxMachine.GUEST_CODE);
        m.w(GUEST_RSP, VmxMachine.GUEST_STACK);
        m.w(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000b0dL);
        m.w(VM_ENTRY_EXCEPTION_ERROR_CODE, 0x18);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(VmxMachine.GUEST_STACK - 48, m.r(GUEST_RSP));
        assertEquals(0x18, m.cpu.memory().read64(VmxMachine.GUEST_STACK - 48));

        // Software interrupt INT 0x20 of length 2: the return address follows the instruction.
        m.w(GUEST_RIP, VmxMachine.GUEST_CODE);
        m.w(GUEST_RSP, VmxMachine.GUEST_STACK);
        m.w(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000420L);
        m.w(VM_ENTRY_INSTRUCTION_LENGTH, 2);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10));
        assertEquals(VmxMachine.GUEST_CODE + 2, m.cpu.memory().read64(VmxMachine.GUEST_STACK - 40));
    }
}
