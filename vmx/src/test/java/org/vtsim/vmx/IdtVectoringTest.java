package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.TestPlatform;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.vmx.exit.InterruptionInformation;

/**
 * VM exits during event delivery (SDM Vol. 3C 27.2.4, 27.2.5): real x86 code (GNU as --64) under EPT whose
 * event delivery — an external interrupt, a guest #PF, INT n / INT3, an event VM entry injects — meets an
 * exception in the exception bitmap or an EPT violation. The exit records the event in the IDT-vectoring
 * information (vector, type, error code) and, for software interrupts and exceptions, the instruction
 * length; RIP is saved as the event left it; re-injecting the IDT-vectoring information as a monitor does
 * delivers the event exactly once.
 */
class IdtVectoringTest {
    static final long HANDLER = VmxMachine.GUEST_CODE + 0x100;
    /** The page below GUEST_STACK: where a 64-bit frame is pushed (SS at GUEST_STACK - 8 first). */
    static final long STACK_PAGE = VmxMachine.GUEST_STACK - 0x1000;
    static final long FIRST_PUSH = VmxMachine.GUEST_STACK - 8;
    static final long TSS = 0x9000;

    /**
     * A guest with 4 KiB guest and EPT pages, its GDT, IDT and TSS mapped, an interrupt gate for every vector
     * to HANDLER (hlt, which exits); the stack page below GUEST_STACK has no EPT mapping yet.
     */
    static EptGuest guest(String code) {
        EptGuest g = new EptGuest(code, 12, 12, true, CostProfile.skylake());
        for (long page : new long[] {0x6000, 0x7000, TSS}) {
            g.map(page, EptBuilder.RWX_WB);
        }
        g.mem.write64(0x6008, 0x00af9b000000ffffL); // GDT[1]: 64-bit code, DPL 0
        for (int v = 0; v < 256; v++) {
            gate(g, v, true, 0);
        }
        g.m.write(HANDLER, "f4");
        g.m.w(GUEST_RFLAGS, 0x202); // IF = 1
        return g;
    }

    /** A 64-bit interrupt gate (DPL 0) for {@code vector} to HANDLER in the IDT at 0x7000 (SDM Vol. 3A 6.14.1). */
    static void gate(EptGuest g, int vector, boolean present, int ist) {
        long lo = (HANDLER & 0xffff) | 0x08L << 16 | (long) ist << 32 | (present ? 0x8eL : 0x0eL) << 40
                | ((HANDLER >>> 16) & 0xffff) << 48;
        g.mem.write64(0x7000 + 16L * vector, lo);
        g.mem.write64(0x7000 + 16L * vector + 8, HANDLER >>> 32);
    }

    /** The guest's own page tables stop mapping the stack page (its PTE is cleared). */
    static void unmapStackInGuest(EptGuest g) {
        g.map(STACK_PAGE, EptBuilder.RWX_WB);
        g.mem.write64(EptGuest.PT + 8 * (STACK_PAGE >>> 12), 0);
    }

    static void mapStackInGuest(EptGuest g) {
        g.mem.write64(EptGuest.PT + 8 * (STACK_PAGE >>> 12), STACK_PAGE | EptGuest.LEAF);
    }

    /** What a monitor does with valid IDT-vectoring information (SDM 31.7.1.1): inject the same event again. */
    static void reinject(VmxMachine m) {
        m.w(VM_ENTRY_INTERRUPTION_INFORMATION, m.r(IDT_VECTORING_INFORMATION));
        m.w(VM_ENTRY_EXCEPTION_ERROR_CODE, m.r(IDT_VECTORING_ERROR_CODE));
        m.w(VM_ENTRY_INSTRUCTION_LENGTH, m.r(VM_EXIT_INSTRUCTION_LENGTH));
    }

    static void resumeToHandler(EptGuest g) {
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.HLT.number, g.m.r(EXIT_REASON));
        assertEquals(HANDLER, g.m.r(GUEST_RIP), "the handler runs");
        assertEquals(0, g.m.r(IDT_VECTORING_INFORMATION), "an instruction exit is not during event delivery");
    }

    @Test
    void aPageFaultInTheBitmapPushingAnInterruptFrameExitsWithTheInterruptAsIdtVectoring() {
        // SDM 27.2.4: "a fault occurs during event delivery and causes a VM exit (because the bit associated
        // with the fault is set to 1 in the exception bitmap)" — the interrupt is recorded, not lost.
        EptGuest g = guest("ebfe"); // jmp $
        unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 14); // every #PF exits (mask = match = 0)
        g.m.s.cr2 = 0xc2c2;
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.INSTRUCTION_LIMIT, g.m.cpu.run(5));
        TestPlatform platform = (TestPlatform) g.m.cpu.platform();
        platform.pendingVector = 0x20;
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(5), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(0x80000b0eL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(2, g.m.r(VM_EXIT_INTERRUPTION_ERROR_CODE), "supervisor write to a not-present page");
        assertEquals(FIRST_PUSH, g.m.r(EXIT_QUALIFICATION));
        assertEquals(0x80000020L, g.m.r(IDT_VECTORING_INFORMATION), "valid, external interrupt, vector 0x20");
        assertEquals(0, g.m.r(IDT_VECTORING_ERROR_CODE));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP), "the instruction the interrupt came before");
        assertEquals(VmxMachine.GUEST_STACK, g.m.r(GUEST_RSP), "nothing was committed");
        assertEquals(0x202, g.m.r(GUEST_RFLAGS), "IF still set: the gate was not taken");
        assertEquals(0xc2c2, g.m.s.cr2, "a #PF that exits leaves CR2 alone (SDM 27.1)");
        assertEquals(-1, platform.pendingVector, "acknowledged once");

        mapStackInGuest(g);
        reinject(g.m);
        resumeToHandler(g);
        assertEquals(VmxMachine.GUEST_STACK - 40, g.m.r(GUEST_RSP));
        assertEquals(VmxMachine.GUEST_CODE, g.mem.read64(VmxMachine.GUEST_STACK - 40), "return RIP");
        assertEquals(-1, platform.pendingVector);
    }

    @Test
    void aPageFaultInTheBitmapDeliveringAnInjectedInterruptExitsAtVmEntry() {
        // SDM 26.6.1.2: an injected event never exits by itself, but its delivery may; 27.2.4 applies to it.
        EptGuest g = guest("f4");
        unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 14);
        g.m.w(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000031L);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch(), "the entry itself succeeded");
        assertFalse(g.m.vmx.nonRoot(), "and the exit followed: root operation");
        assertTrue(g.m.vmx.currentVmcs().launched());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(0x80000b0eL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(0x80000031L, g.m.r(IDT_VECTORING_INFORMATION));
        assertEquals(0, g.m.r(VM_ENTRY_INTERRUPTION_INFORMATION) >>> 31, "cleared by the exit (27.2.5)");
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));

        mapStackInGuest(g);
        reinject(g.m);
        resumeToHandler(g);
        assertEquals(VmxMachine.GUEST_CODE, g.mem.read64(VmxMachine.GUEST_STACK - 40));
    }

    @Test
    void anEptViolationPushingAPageFaultFrameExitsWithThePageFaultAsIdtVectoring() {
        // mov rax,[0x250000]: beyond the 2 MiB the guest maps, a #PF the bitmap lets through to the guest IDT,
        // whose frame goes to a stack page EPT does not map yet.
        EptGuest g = guest("488b042500002500");
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EPT_VIOLATION.number, g.m.r(EXIT_REASON));
        assertEquals(FIRST_PUSH, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(2, g.m.r(EXIT_QUALIFICATION) & 7, "a data write");
        assertEquals(0x80000b0eL, g.m.r(IDT_VECTORING_INFORMATION), "valid, hardware exception, error code, #PF");
        assertEquals(0, g.m.r(IDT_VECTORING_ERROR_CODE), "not present, read, supervisor");
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP), "the faulting instruction");
        assertEquals(0x250000, g.m.s.cr2, "the guest's #PF loaded CR2 before its delivery began");

        g.map(STACK_PAGE, EptBuilder.RWX_WB);
        reinject(g.m);
        resumeToHandler(g);
        assertEquals(VmxMachine.GUEST_STACK - 48, g.m.r(GUEST_RSP));
        assertEquals(0, g.mem.read64(VmxMachine.GUEST_STACK - 48), "error code");
        assertEquals(VmxMachine.GUEST_CODE, g.mem.read64(VmxMachine.GUEST_STACK - 40), "return RIP");
    }

    @Test
    void softwareInterruptsAndExceptionsRecordTheirInstructionLength() {
        // SDM 27.2.5: during delivery of a software interrupt or software exception, the VM-exit instruction
        // length is that of INT n / INT3; RIP is the instruction's own (it did not complete).
        String[] code = {"cd30", "cc", "67cd30"}; // int 0x30; int3; int 0x30 with a 67 prefix (3 bytes)
        long[] info = {0x80000430L, 0x80000603L, 0x80000430L};
        int[] length = {2, 1, 3};
        for (int i = 0; i < code.length; i++) {
            EptGuest g = guest(code[i]);
            assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
            assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
            assertEquals(ExitReason.EPT_VIOLATION.number, g.m.r(EXIT_REASON), code[i]);
            assertEquals(info[i], g.m.r(IDT_VECTORING_INFORMATION), code[i]);
            assertEquals(length[i], g.m.r(VM_EXIT_INSTRUCTION_LENGTH), code[i]);
            assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP), code[i]);

            g.map(STACK_PAGE, EptBuilder.RWX_WB);
            reinject(g.m);
            resumeToHandler(g);
            assertEquals(VmxMachine.GUEST_CODE + length[i], g.mem.read64(VmxMachine.GUEST_STACK - 40), code[i]);
        }
    }

    // mov rax,[0x250000]: a read #PF (error code 0) whose frame push then faults with a write #PF (error code 2).
    static final String READ_FAULT = "488b042500002500";

    @Test
    void theNestedExceptionMeetsTheBitmapBeforeTheDoubleFaultRule() {
        // SDM 26.6.1.2 / 25.2: "if event delivery encounters a nested exception, a VM exit may occur depending on
        // the contents of the exception bitmap"; only then Table 6-5 (#PF while delivering #PF: #DF) applies.
        // Mask/match select write #PFs only: the guest's read #PF is delivered, the nested write #PF exits.
        EptGuest g = guest(READ_FAULT);
        unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 14);
        g.m.w(PAGE_FAULT_ERROR_CODE_MASK, 2);
        g.m.w(PAGE_FAULT_ERROR_CODE_MATCH, 2);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(0x80000b0eL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION), "the nested #PF, not #DF");
        assertEquals(2, g.m.r(VM_EXIT_INTERRUPTION_ERROR_CODE));
        assertEquals(FIRST_PUSH, g.m.r(EXIT_QUALIFICATION));
        assertEquals(0x80000b0eL, g.m.r(IDT_VECTORING_INFORMATION), "the guest's #PF being delivered");
        assertEquals(0, g.m.r(IDT_VECTORING_ERROR_CODE));
        assertEquals(0x250000, g.m.s.cr2, "CR2 from the guest's #PF; the exiting one left it alone");
    }

    @Test
    void aDoubleFaultInTheBitmapExitsDirectlyWithoutIdtVectoring() {
        // SDM 26.6.1.2: the #DF that Table 6-5 produces is checked against the exception bitmap; 27.2.4: "the
        // original event results in a double-fault exception that causes the VM exit directly" is not an exit
        // during event delivery.
        EptGuest g = guest(READ_FAULT);
        unmapStackInGuest(g);
        g.m.w(EXCEPTION_BITMAP, 1 << 8);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EXCEPTION_OR_NMI.number, g.m.r(EXIT_REASON));
        assertEquals(0x80000b08L, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION));
        assertEquals(0, g.m.r(VM_EXIT_INTERRUPTION_ERROR_CODE));
        assertEquals(0, g.m.r(IDT_VECTORING_INFORMATION));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
    }

    @Test
    void aFaultDeliveringTheDoubleFaultIsATripleFaultExitWithoutIdtVectoring() {
        // SDM 25.2, "Triple fault": an exception while calling the #DF handler that does not itself exit.
        EptGuest g = guest(READ_FAULT);
        unmapStackInGuest(g);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.TRIPLE_FAULT.number, g.m.r(EXIT_REASON));
        assertEquals(0, g.m.r(IDT_VECTORING_INFORMATION), "27.2.4: a triple fault is not during event delivery");
    }

    @Test
    void anEptViolationDeliveringTheDoubleFaultRecordsTheDoubleFault() {
        // #PF, #PF on its frame: #DF, delivered on IST1 (from the TSS) — a stack page EPT does not map.
        EptGuest g = guest(READ_FAULT);
        unmapStackInGuest(g);
        gate(g, 8, true, 1);
        long ist = 0x30000;
        g.mem.write64(TSS + 0x24, ist);
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(10), g.m.cpu.stopDetail());
        assertEquals(ExitReason.EPT_VIOLATION.number, g.m.r(EXIT_REASON));
        assertEquals(ist - 8, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0x80000b08L, g.m.r(IDT_VECTORING_INFORMATION), "#DF, error code valid");
        assertEquals(0, g.m.r(IDT_VECTORING_ERROR_CODE));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
    }

    /**
     * Every interruption type VM entry can inject (SDM Table 24-17) meeting each kind of nested exit: the exit
     * records exactly the injected event (vector, type, error code; instruction length for types 4–6, 27.2.5),
     * and re-injecting it once the cause is gone reaches the handler with the frame the event pushes.
     */
    @Test
    void everyEventTypeMeetingEveryNestedExitIsRecordedAndRedeliveredOnce() {
        qt().withExamples(60).forAll(integers().between(0, 5), integers().between(0, 255), integers().between(1, 15),
                integers().between(0, 2)).checkAssert((type, v, length, nested) -> {
                    int vmxType = new int[] {0, 2, 3, 4, 5, 6}[type];
                    int vector = switch (vmxType) {
                        case 0 -> 32 + v % 224;
                        case 2 -> 2;
                        case 3 -> v % 21 == 2 ? 0 : v % 21; // 0..20 but 2 (#CP's error code is not modelled)
                        case 5 -> 1;
                        case 6 -> 3 + v % 2;
                        default -> v;
                    };
                    boolean error = vmxType == 3 && InterruptionInformation.exceptionHasErrorCode(vector);
                    boolean software = vmxType >= 4;
                    int info = InterruptionInformation.encode(vector, vmxType, error, false);
                    String what = InterruptionInformation.describe(info) + " / nested " + nested + " / length " + length;

                    EptGuest g = guest("f4");
                    g.m.w(VM_ENTRY_INTERRUPTION_INFORMATION, info);
                    g.m.w(VM_ENTRY_EXCEPTION_ERROR_CODE, vector << 3);
                    g.m.w(VM_ENTRY_INSTRUCTION_LENGTH, length);
                    long expectedExit;
                    switch (nested) {
                        case 0 -> expectedExit = ExitReason.EPT_VIOLATION.number;
                        case 1 -> {
                            unmapStackInGuest(g);
                            g.m.w(EXCEPTION_BITMAP, 1 << 14);
                            expectedExit = ExitReason.EXCEPTION_OR_NMI.number;
                        }
                        default -> {
                            g.map(STACK_PAGE, EptBuilder.RWX_WB);
                            gate(g, vector, false, 0);
                            g.m.w(EXCEPTION_BITMAP, 1 << 11);
                            expectedExit = ExitReason.EXCEPTION_OR_NMI.number;
                        }
                    }
                    assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch(), what);
                    assertFalse(g.m.vmx.nonRoot(), what);
                    assertEquals(expectedExit, g.m.r(EXIT_REASON), what);
                    assertEquals(info & 0xffffffffL, g.m.r(IDT_VECTORING_INFORMATION), what);
                    assertEquals(error ? vector << 3 : 0L, g.m.r(IDT_VECTORING_ERROR_CODE), what);
                    if (software) {
                        assertEquals((long) length, g.m.r(VM_EXIT_INSTRUCTION_LENGTH), what);
                    }
                    assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP), what);
                    if (nested == 2) {
                        // #NP(IDT vector) with EXT for events external to the program (SDM Vol. 3A 6.13, Vol. 3C 26.6.1.1).
                        int ext = vmxType == 4 || vmxType == 6 ? 0 : 1;
                        assertEquals(0x80000b0bL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION), what);
                        assertEquals(vector * 8L + 2 + ext, g.m.r(VM_EXIT_INTERRUPTION_ERROR_CODE), what);
                        gate(g, vector, true, 0);
                    } else if (nested == 1) {
                        assertEquals(FIRST_PUSH, g.m.r(EXIT_QUALIFICATION), what);
                        mapStackInGuest(g);
                    } else {
                        assertEquals(FIRST_PUSH, g.m.r(GUEST_PHYSICAL_ADDRESS), what);
                        g.map(STACK_PAGE, EptBuilder.RWX_WB);
                    }

                    reinject(g.m);
                    resumeToHandler(g);
                    long frame = VmxMachine.GUEST_STACK - 40 - (error ? 8 : 0);
                    assertEquals(frame, g.m.r(GUEST_RSP), what);
                    if (error) {
                        assertEquals((long) vector << 3, g.mem.read64(frame), what);
                    }
                    assertEquals(VmxMachine.GUEST_CODE + (software ? length : 0), g.mem.read64(frame + (error ? 8 : 0)),
                            what);
                });
    }
}
