package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.InterruptionInformation.Field;

/** Exit-reason field (SDM 24.9.1) and interruption-information fields (24.8.3, 24.9.2, 24.9.3). */
class ExitInformationCodecTest {

    @Test
    void exitReasonExamples() {
        assertEquals(30, ExitReasonField.encode(ExitReason.IO_INSTRUCTION));
        // VM-entry failure due to invalid guest state: 33 with bit 31.
        assertEquals(0x80000021, ExitReasonField.entryFailure(ExitReason.ENTRY_FAILURE_INVALID_GUEST_STATE));
        assertEquals("33 VM-entry failure due to invalid guest state, VM-entry failure",
                ExitReasonField.describe(0x80000021L));
        assertEquals("12 HLT, pending MTF VM exit", ExitReasonField.describe(0x1000000cL));
        assertEquals("35 (no basic exit reason 35 in SDM Appendix C)", ExitReasonField.describe(35));
        assertEquals("1 External interrupt, undefined bits set 0x10000", ExitReasonField.describe(0x10001));
        assertNull(ExitReasonField.reason(35));
        assertThrows(IllegalArgumentException.class, () -> ExitReasonField.encode(0x10000, false, false, false,
                false));
    }

    @Test
    void exitReasonRoundTrip() {
        qt().withExamples(300).forAll(integers().between(0, 0xffff), integers().between(0, 15)).checkAssert((b, f) -> {
            int field = ExitReasonField.encode(b, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0, (f & 8) != 0);
            assertEquals(b, ExitReasonField.basic(field));
            assertEquals((f & 1) != 0, ExitReasonField.enclaveMode(field));
            assertEquals((f & 2) != 0, ExitReasonField.pendingMtfExit(field));
            assertEquals((f & 4) != 0, ExitReasonField.fromVmxRoot(field));
            assertEquals((f & 8) != 0, ExitReasonField.entryFailure(field));
            assertEquals(0, field & ExitReasonField.UNDEFINED_BITS);
        });
        for (ExitReason r : ExitReason.values()) {
            assertEquals(r, ExitReasonField.reason(ExitReasonField.encode(r)));
        }
    }

    @Test
    void interruptionInformationExamples() {
        // #PF with error code: valid | error code | type 3 | vector 14 = 0x80000b0e (KVM's intr_info for #PF).
        assertEquals(0x80000b0e, InterruptionInformation.hardwareException(14));
        assertEquals("valid, hardware exception #PF (vector 14), error code valid",
                InterruptionInformation.describe(Field.VM_EXIT_INTERRUPTION_INFORMATION, 0x80000b0eL));
        // #UD carries no error code: 0x80000306.
        assertEquals(0x80000306, InterruptionInformation.hardwareException(6));
        // NMI: type 2, vector 2 -> 0x80000202.
        assertEquals(0x80000202, InterruptionInformation.encode(2, InterruptionInformation.TYPE_NMI, false, false));
        // External interrupt 0x20 with NMI unblocking due to IRET -> 0x80001020.
        assertEquals("valid, external interrupt vector 32 (0x20), NMI unblocking due to IRET",
                InterruptionInformation.describe(Field.VM_EXIT_INTERRUPTION_INFORMATION, 0x80001020L));
        assertEquals("valid, external interrupt vector 32 (0x20), reserved bit 12 set",
                InterruptionInformation.describe(Field.VM_ENTRY_INTERRUPTION_INFORMATION, 0x80001020L));
        // Software interrupt INT 0x80 (type 4) is an IDT-vectoring type but never a VM-exit interruption type.
        int int80 = InterruptionInformation.encode(0x80, InterruptionInformation.TYPE_SOFTWARE_INTERRUPT, false,
                false);
        assertEquals(0x80000480, int80);
        assertEquals("valid, software interrupt vector 128 (0x80)",
                InterruptionInformation.describe(Field.IDT_VECTORING_INFORMATION, int80));
        assertEquals("valid, software interrupt vector 128 (0x80) [type 4 not used in this field]",
                InterruptionInformation.describe(Field.VM_EXIT_INTERRUPTION_INFORMATION, int80));
        // Pending MTF VM exit injected at VM entry: type 7, vector 0.
        assertEquals("valid, other event: pending MTF VM exit (vector 0)",
                InterruptionInformation.describe(Field.VM_ENTRY_INTERRUPTION_INFORMATION, 0x80000700L));
        assertEquals("not valid", InterruptionInformation.describe(0));
    }

    @Test
    void errorCodeVectorsAreThoseOfTable6_1() {
        for (int v = 0; v < 32; v++) {
            boolean expected = v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21;
            assertEquals(expected, InterruptionInformation.exceptionHasErrorCode(v), "vector " + v);
        }
    }

    @Test
    void interruptionInformationRoundTrip() {
        qt().withExamples(300).forAll(integers().between(0, 255), integers().between(0, 7), booleans().all(),
                booleans().all()).checkAssert((vector, type, ec, nmi) -> {
                    int info = InterruptionInformation.encode(vector, type, ec, nmi);
                    assertTrue(InterruptionInformation.valid(info));
                    assertEquals(vector, InterruptionInformation.vector(info));
                    assertEquals(type, InterruptionInformation.type(info));
                    assertEquals(ec, InterruptionInformation.errorCodeValid(info));
                    assertEquals(nmi, InterruptionInformation.nmiUnblockingDueToIret(info));
                    assertEquals(0, info & InterruptionInformation.RESERVED);
                });
        assertFalse(InterruptionInformation.typeUsed(Field.VM_ENTRY_INTERRUPTION_INFORMATION, 1));
        assertTrue(InterruptionInformation.typeUsed(Field.VM_ENTRY_INTERRUPTION_INFORMATION, 7));
        assertFalse(InterruptionInformation.typeUsed(Field.IDT_VECTORING_INFORMATION, 7));
        assertFalse(InterruptionInformation.typeUsed(Field.VM_EXIT_INTERRUPTION_INFORMATION, 4));
    }
}
