package org.vtsim.vmx.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;

/** How failures are ordered and reported, the processor-mode forms, and the cost of a passing check. */
class VmEntryChecksOrderTest {
    private final VmEntryChecks checks = new VmEntryChecks(Spec.SKYLAKE);

    @Test
    void controlFailuresComeBeforeHostFailuresWhichComeBeforeGuestFailures() {
        qt().withExamples(50).forAll(BaselineGen.baselines(Spec.any())).checkAssert(b -> {
            b.clear(GUEST_CR4, CpuState.CR4_VMXE); // 26.3.1.1
            b.set(HOST_TR_SELECTOR, 0); // 26.2.3
            b.set(CR3_TARGET_COUNT, 9); // 26.2.1.1
            assertEquals(ControlFieldChecks.CR3_TARGET_COUNT_TOO_HIGH,
                    checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            assertEquals(List.of(ControlFieldChecks.CR3_TARGET_COUNT_TOO_HIGH, HostStateChecks.TR_NULL,
                    GuestRegisterChecks.CR4), checks.checkAll(b.vmcs, b.memory, b.processorIa32e));
            b.set(CR3_TARGET_COUNT, 0);
            assertEquals(HostStateChecks.TR_NULL, checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            b.set(HOST_TR_SELECTOR, 0x40);
            assertEquals(GuestRegisterChecks.CR4, checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
        });
    }

    @Test
    void theTwoArgumentFormsCheckAsAProcessorInIa32eMode() {
        qt().withExamples(50).forAll(BaselineGen.baselines(Spec.any().host32())).checkAssert(b -> {
            assertNull(checks.firstFailure(b.vmcs, b.memory, false));
            assertEquals(HostStateChecks.HOST_32_IN_IA32E, checks.firstFailure(b.vmcs, b.memory));
            assertEquals(List.of(HostStateChecks.HOST_32_IN_IA32E), checks.checkAll(b.vmcs, b.memory));
        });
    }

    @Test
    void guestStateFailuresNameTheirExitQualification() {
        EntryCheckFailure link = NonRegisterStateChecks.LINK_REVISION;
        assertTrue(link.toString().startsWith("VM-entry failure, exit reason 33 (qualification 4): SDM 26.3.1.5: "),
                link.toString());
        assertTrue(PdpteChecks.PDPTE[3].toString().startsWith("VM-entry failure, exit reason 33 (qualification 2)"));
        assertTrue(HostStateChecks.CS_NULL.toString().startsWith("VMfailValid(8): SDM 26.2.3: "));
        assertEquals(7, ControlFieldChecks.ENTRY_RESERVED.kind().number);
    }

    /** VMLAUNCH/VMRESUME run firstFailure on every entry: a passing VMCS must cost no allocation. */
    @Test
    void firstFailureAllocatesNothingForAPassingVmcs() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        qt().withExamples(5).forAll(BaselineGen.baselines(Spec.any())).checkAssert(b -> {
            int calls = 20_000;
            for (int i = 0; i < calls; i++) {
                checks.firstFailure(b.vmcs, b.memory, b.processorIa32e); // warm up
            }
            long before = mx.getThreadAllocatedBytes(tid);
            EntryCheckFailure last = null;
            for (int i = 0; i < calls; i++) {
                last = checks.firstFailure(b.vmcs, b.memory, b.processorIa32e);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertNull(last);
            // One 16-byte object per call would be 320,000 bytes; allow the measurement's own noise.
            assertTrue(allocated < calls, "allocated " + allocated + " bytes in " + calls + " checks");
        });
    }
}
