package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptMemoryType;

/**
 * x86 code (GNU as --64) in VMX non-root operation with "enable EPT" (SDM Vol. 3C 28.3, 28.4): the 2-D walk's
 * references read from the CPU's translation counters and charged from the cost profile, EPT violations and
 * misconfigurations as VM exits with the SDM 27.2.1 information, and what VPID, INVEPT and INVVPID keep or drop.
 */
class EptNonRootTest {
    static final String HLT2 = "f4f4";

    /** Every item 0 except those given: cycles then count exactly what the test is about. */
    static CostProfile only(Object... itemsAndCycles) {
        StringBuilder b = new StringBuilder();
        for (Cost c : Cost.values()) {
            b.append(c.name()).append("=0\n");
        }
        for (int i = 0; i < itemsAndCycles.length; i += 2) {
            b.append(((Cost) itemsAndCycles[i]).name()).append('=').append(itemsAndCycles[i + 1]).append('\n');
        }
        try {
            return CostProfile.load("test", new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void launchToExit(EptGuest g, ExitReason expected) {
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(100), g.m.cpu.stopDetail());
        assertEquals(expected.number, g.m.r(EXIT_REASON), "exit reason");
    }

    private static void resumeToExit(EptGuest g, ExitReason expected) {
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, g.m.cpu.run(100), g.m.cpu.stopDetail());
        assertEquals(expected.number, g.m.r(EXIT_REASON), "exit reason");
    }

    /** HLT exited: skip it as a monitor would. */
    private static void skipHlt(EptGuest g) {
        g.m.w(GUEST_RIP, g.m.r(GUEST_RIP) + 1);
    }

    @Test
    void coldFirstAccessOf4LevelGuestUnder4LevelEptMakes24ReferencesEachCharged() {
        EptGuest g = new EptGuest(HLT2, 12, 12, false, only(Cost.WALK_REFERENCE, 1000));
        long cycles = g.m.cpu.cycles();
        launchToExit(g, ExitReason.HLT);
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
        assertEquals(1, g.counter("ept.walks"));
        assertEquals(24, g.counter("ept.walk.references"));
        assertEquals(4, g.counter("ept.walk.references.guest"));
        assertEquals(20, g.counter("ept.walk.references.ept"));
        assertEquals(24_000, g.m.cpu.cycles() - cycles, "each reference charged WALK_REFERENCE, nothing else");
        assertFalse(g.m.vmx.nonRoot());
    }

    @Test
    void largePagesMakeFewerReferencesExactlyAsTheFormulaSays() {
        int[] shifts = {12, 21, 30};
        for (int gs : shifts) {
            for (int es : shifts) {
                EptGuest g = new EptGuest(HLT2, gs, es, false, CostProfile.zero());
                launchToExit(g, ExitReason.HLT);
                int n = EptGuest.levels(gs);
                int m = EptGuest.levels(es);
                String what = "guest 2^" + gs + " EPT 2^" + es;
                assertEquals((n + 1) * (m + 1) - 1, g.counter("ept.walk.references"), what);
                assertEquals(n, g.counter("ept.walk.references.guest"), what);
                assertEquals((n + 1) * m, g.counter("ept.walk.references.ept"), what);
            }
        }
    }

    @Test
    void withVpidAVmExitKeepsTheGuestsTranslations() {
        EptGuest g = new EptGuest(HLT2, 12, 12, false, only(Cost.WALK_REFERENCE, 1000, Cost.TLB_L1_HIT, 3));
        g.enableVpid(5);
        launchToExit(g, ExitReason.HLT);
        skipHlt(g);
        long cycles = g.m.cpu.cycles();
        resumeToExit(g, ExitReason.HLT);
        assertEquals(VmxMachine.GUEST_CODE + 1, g.m.r(GUEST_RIP));
        assertEquals(1, g.counter("ept.walks"), "the combined mapping survived exit and entry");
        assertEquals(24, g.counter("ept.walk.references"));
        assertEquals(1, g.counter("ept.combined.l1.hits"));
        assertEquals(3, g.m.cpu.cycles() - cycles, "one L1 TLB hit");
    }

    @Test
    void withoutVpidTheGuestWalksAgainFromItsGuestPhysicalMappings() {
        EptGuest g = new EptGuest(HLT2, 12, 12, false,
                only(Cost.WALK_REFERENCE, 1000, Cost.GPA_TLB_HIT, 7, Cost.TLB_L1_HIT, 3));
        launchToExit(g, ExitReason.HLT);
        skipHlt(g);
        long cycles = g.m.cpu.cycles();
        resumeToExit(g, ExitReason.HLT);
        assertEquals(2, g.counter("ept.walks"), "VPID 0000H: exit and entry dropped the combined mapping");
        assertEquals(0, g.counter("ept.combined.hits"));
        // Guest-physical mappings are tagged by EPTP only (SDM 28.4.3.1): the new walk reads the 4 guest
        // entries and translates all 5 guest-physical addresses from cached mappings.
        assertEquals(24 + 4, g.counter("ept.walk.references"));
        assertEquals(5, g.counter("ept.gpa.tlb.hits"));
        assertEquals(4 * 1000 + 5 * 7, g.m.cpu.cycles() - cycles);
    }

    @Test
    void inveptSingleContextAndInvvpidIndividualAddressReallyInvalidate() {
        EptGuest g = new EptGuest("f4f4f4f4", 12, 12, false, CostProfile.zero());
        g.enableVpid(7);
        launchToExit(g, ExitReason.HLT);

        // INVVPID of another address of the VPID, INVEPT of another EPTP: nothing of this guest goes.
        skipHlt(g);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invvpid(0, 7, 0x30000));
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invvpid(0, 8, VmxMachine.GUEST_CODE));
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, EptBuilderRoot.other(), 0));
        resumeToExit(g, ExitReason.HLT);
        assertEquals(1, g.counter("ept.walks"));

        // INVVPID individual-address of the code page: the combined mapping goes, guest-physical ones stay.
        skipHlt(g);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invvpid(0, 7, VmxMachine.GUEST_CODE));
        resumeToExit(g, ExitReason.HLT);
        assertEquals(2, g.counter("ept.walks"));
        assertEquals(24 + 4, g.counter("ept.walk.references"));

        // INVEPT single-context of this EPTP: combined and guest-physical mappings go: a full cold walk.
        skipHlt(g);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.HLT);
        assertEquals(3, g.counter("ept.walks"));
        assertEquals(24 + 4 + 24, g.counter("ept.walk.references"));

        // An invalid EPTP in a single-context descriptor: VMfailValid(28), nothing invalidated.
        assertEquals(VmxResult.FAIL_VALID, g.m.vmx.invept(1, g.eptp() | 1L << 8, 0));
        assertEquals(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID.number, g.m.vmx.instructionError());
    }

    /** EPTPs for other EPT roots. */
    static final class EptBuilderRoot {
        static long other() {
            return org.vtsim.ept.ept.Eptp.of(0x7000_0000L);
        }
    }

    // mov rax,[0x50008]; mov [0x58010],rax; mov rbx,0x60000; jmp rbx
    static final String ACCESSES = "488b0425080005004889042510800500 48c7c300000600 ffe3";

    @Test
    void eptViolationsOnReadWriteAndFetchExitWithQualificationGpaAndGla() {
        EptGuest g = new EptGuest(ACCESSES, 12, 12, true, CostProfile.skylake());
        long wb = (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT;
        g.map(0x50000, EptEntryBits.X | wb); // execute-only (IA32_VMX_EPT_VPID_CAP bit 0)
        g.map(0x58000, EptEntryBits.R | wb);
        g.map(0x60000, EptEntryBits.R | EptEntryBits.W | wb);
        g.m.cpu.memory().write8(0x60000, 0xf4);
        // Guest entries are user, writable, not execute-disable: advanced information bits 9 and 10 are set.
        long adv = 1L << 9 | 1L << 10;
        long lin = 1L << 7 | 1L << 8;

        launchToExit(g, ExitReason.EPT_VIOLATION);
        assertEquals(1 | EptEntryBits.PERM_X << 3 | lin | adv, g.m.r(EXIT_QUALIFICATION), "read of an x-only page");
        assertEquals(0x50008, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0x50008, g.m.r(GUEST_LINEAR_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP), "fault-like: the instruction's RIP");
        assertEquals(1, g.counter("ept.violations"));

        g.map(0x50000, EptBuilder.RWX_WB);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.EPT_VIOLATION);
        assertEquals(2 | EptEntryBits.PERM_R << 3 | lin | adv, g.m.r(EXIT_QUALIFICATION), "write to an r-- page");
        assertEquals(0x58010, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0x58010, g.m.r(GUEST_LINEAR_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE + 8, g.m.r(GUEST_RIP));
        assertEquals(0, g.m.cpu.memory().read64(0x58010), "the write did not happen");

        g.map(0x58000, EptBuilder.RWX_WB);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(2, 0, 0));
        resumeToExit(g, ExitReason.EPT_VIOLATION);
        assertEquals(4 | (EptEntryBits.PERM_R | EptEntryBits.PERM_W) << 3 | lin | adv, g.m.r(EXIT_QUALIFICATION),
                "fetch from an rw- page");
        assertEquals(0x60000, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0x60000, g.m.r(GUEST_LINEAR_ADDRESS));
        assertEquals(0x60000, g.m.r(GUEST_RIP), "the jump retired; the fetch at its target faulted");
        assertEquals(g.m.cpu.memory().read64(0x50008), g.m.cpu.memory().read64(0x58010));

        g.map(0x60000, EptBuilder.RWX_WB);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.HLT);
        assertEquals(3, g.counter("ept.violations"));
    }

    @Test
    void eptViolationOnAGuestPagingStructureEntryHasBit8Clear() {
        EptGuest g = new EptGuest(HLT2, 12, 12, true, CostProfile.skylake());
        g.map(EptGuest.PT, EptEntryBits.X | (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT);
        launchToExit(g, ExitReason.EPT_VIOLATION);
        // A read of the guest PTE for the code page: linear address valid, not the final translation.
        assertEquals(1 | EptEntryBits.PERM_X << 3 | 1L << 7, g.m.r(EXIT_QUALIFICATION));
        assertEquals(EptGuest.PT + 8 * (VmxMachine.GUEST_CODE >>> 12), g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_LINEAR_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
    }

    @Test
    void nmiUnblockingBitWhenIretFaultsWithBlockingByNmi() {
        // push 0x10; push 0x28100; pushfq; push 8; push 0x20100; hlt; iretq — IRET's pops read page 0x28000,
        // which EPT makes execute-only after the pushes (at the HLT exit).
        EptGuest g = new EptGuest("6a10 6800810200 9c 6a08 6800010200 f4 48cf", 12, 12, true,
                CostProfile.skylake());
        g.m.w(GUEST_RSP, 0x28100);
        g.m.w(GUEST_INTERRUPTIBILITY_STATE, 8); // blocking by NMI
        launchToExit(g, ExitReason.HLT);
        skipHlt(g);
        g.map(VmxMachine.GUEST_STACK, EptEntryBits.X | (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.EPT_VIOLATION);
        long q = g.m.r(EXIT_QUALIFICATION);
        assertEquals(1L << 12, q & 1L << 12, "NMI unblocking due to IRET: 0x" + Long.toHexString(q));
        assertEquals(1, q & 7, "a read");
        assertEquals(VmxMachine.GUEST_CODE + 0x10, g.m.r(GUEST_RIP));
        // SDM 27.1: "If a VM exit results from a fault, EPT violation, or EPT misconfiguration encountered during
        // execution of IRET and the 'NMI exiting' VM-execution control is 0, any blocking by NMI is cleared before
        // the VM exit commences" — bit 12 is how the monitor learns it was there.
        assertEquals(0, g.m.r(GUEST_INTERRUPTIBILITY_STATE) & 8, "blocking by NMI cleared by the IRET");

        // The same violation without blocking by NMI: bit 12 clear.
        g.m.w(GUEST_INTERRUPTIBILITY_STATE, 0);
        resumeToExit(g, ExitReason.EPT_VIOLATION);
        assertEquals(0, g.m.r(EXIT_QUALIFICATION) & 1L << 12);
    }

    @Test
    void eptMisconfigurationExits() {
        EptGuest g = new EptGuest(ACCESSES, 12, 12, true, CostProfile.skylake());
        // Write without read is a misconfiguration (SDM 28.3.3.1).
        g.map(0x50000, EptEntryBits.W | (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT);
        launchToExit(g, ExitReason.EPT_MISCONFIGURATION);
        assertEquals(0x50008, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
        assertEquals(1, g.counter("ept.misconfigs"));
    }

    @Test
    void aGuestPageFaultFoundByThe2dWalkIsAnOrdinaryPageFault() {
        // mov rax,[0x250000] — beyond the 2 MiB the guest maps.
        EptGuest g = new EptGuest("488b042500002500", 12, 12, true, CostProfile.skylake());
        g.m.w(EXCEPTION_BITMAP, 1 << 14);
        launchToExit(g, ExitReason.EXCEPTION_OR_NMI);
        assertEquals(0x80000b0eL, g.m.r(VM_EXIT_INTERRUPTION_INFORMATION)); // #PF, hardware exception, error code
        assertEquals(0, g.m.r(VM_EXIT_INTERRUPTION_ERROR_CODE)); // not present, read, supervisor
        assertEquals(0x250000, g.m.r(EXIT_QUALIFICATION));
        assertEquals(1, g.counter("ept.page.faults"));
        assertEquals(0, g.counter("ept.violations"));
        assertTrue(g.m.s.cr0 != 0 && (g.m.s.cr0 & CpuState.CR0_PG) != 0);
    }

    @Test
    void paeGuestTakesItsPdptesFromTheVmcsAtEntryAndThroughEptOnMovToCr3() {
        // 32-bit code: mov eax,cr3; hlt; mov cr3,eax; hlt
        EptGuest g = new EptGuest("0f20d8 f4 0f22d8 f4", 12, 12, true, CostProfile.skylake());
        long pdpt = 0x5000_0000L;
        long pd = 0x5000_1000L;
        g.m.cpu.memory().write64(pd, 0x83 | 0x60); // 2 MiB page at 0: P, R/W, PS, A, D
        g.m.cpu.memory().write64(pdpt, 0); // not present in memory: only the VMCS copy is valid
        g.map(pdpt, EptBuilder.RWX_WB);
        g.map(pd, EptBuilder.RWX_WB);
        g.m.w(VM_ENTRY_CONTROLS, g.m.r(VM_ENTRY_CONTROLS) & ~org.vtsim.vmx.controls.VmEntryControls.IA32E_MODE_GUEST);
        g.m.w(GUEST_CR4, CpuState.CR4_PAE | CpuState.CR4_VMXE);
        g.m.w(GUEST_CR3, pdpt);
        g.m.w(GUEST_CS_ACCESS_RIGHTS, 0xc09b);
        g.m.w(GUEST_PDPTE0, pd | 1);

        launchToExit(g, ExitReason.HLT); // the fetches used PDPTE0 from the VMCS (SDM 26.3.2.4)
        assertEquals(VmxMachine.GUEST_CODE + 3, g.m.r(GUEST_RIP));
        assertEquals(0, g.counter("ept.pdpte.loads"));

        // MOV to CR3 loads the PDPTEs from guest-physical CR3 through EPT (SDM 28.3.1): execute-only there is
        // an EPT violation without a guest-linear address (bit 7 clear).
        skipHlt(g);
        g.map(pdpt, EptEntryBits.X | (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.EPT_VIOLATION);
        assertEquals(1 | EptEntryBits.PERM_X << 3, g.m.r(EXIT_QUALIFICATION));
        assertEquals(pdpt, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(VmxMachine.GUEST_CODE + 4, g.m.r(GUEST_RIP));

        // Readable, and a valid PDPTE in memory: the load succeeds and the guest runs on it.
        g.map(pdpt, EptBuilder.RWX_WB);
        g.m.cpu.memory().write64(pdpt, pd | 1);
        assertEquals(VmxResult.SUCCEED, g.m.vmx.invept(1, g.eptp(), 0));
        resumeToExit(g, ExitReason.HLT);
        assertEquals(VmxMachine.GUEST_CODE + 7, g.m.r(GUEST_RIP));
        assertEquals(2, g.counter("ept.pdpte.loads"));
    }

    @Test
    void anEptViolationReadingTheIdtForAnInjectedEventExitsWithTheEventAsIdtVectoring() {
        EptGuest g = new EptGuest(HLT2, 12, 12, true, CostProfile.skylake());
        // External interrupt 0x20 injected; the guest IDT (0x7000) has no EPT mapping (SDM 26.6.1.2, 27.2.4).
        g.m.w(VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000020L);
        g.m.w(GUEST_RFLAGS, 0x202); // IF = 1, as injecting an external interrupt requires (SDM 26.3.1.4)
        assertEquals(VmxResult.VM_ENTERED, g.m.vmx.vmlaunch());
        assertFalse(g.m.vmx.nonRoot());
        assertEquals(ExitReason.EPT_VIOLATION.number, g.m.r(EXIT_REASON));
        assertEquals(0x7200, g.m.r(GUEST_PHYSICAL_ADDRESS));
        assertEquals(0x80000020L, g.m.r(IDT_VECTORING_INFORMATION), "the event is recorded, not lost");
        assertEquals(VmxMachine.GUEST_CODE, g.m.r(GUEST_RIP));
    }
}
