package org.vtsim.monitor.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.exit.EptViolationQualification;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.IoQualification;

class ExitDetailTest {

    @Test
    void ioKeyComesFromTheQualification() {
        qt().withExamples(300).forAll(integers().between(0, 0xffff), integers().between(0, 2), booleans().all(),
                booleans().all()).checkAssert((port, sizeIndex, in, string) -> {
                    int size = new int[] {1, 2, 4}[sizeIndex];
                    long q = IoQualification.encode(size, in, string, string, false, port);
                    long d = ExitDetail.forExit(ExitReason.IO_INSTRUCTION.number, q, 0, 0);
                    assertEquals(ExitDetail.io(port, size, in), d);
                    assertEquals(Breakdown.IO_PORT, ExitDetail.breakdown(d));
                    assertEquals("0x" + Integer.toHexString(port) + (in ? ":PIN:" : ":POUT:") + size,
                            ExitDetail.label(d));
                });
    }

    @Test
    void labels() {
        assertEquals("0x6e0:W", ExitDetail.label(ExitDetail.forExit(ExitReason.WRMSR.number, 0, 0x6e0, 0)));
        assertEquals("0xc0000080:R", ExitDetail.label(ExitDetail.forExit(ExitReason.RDMSR.number, 0,
                0xffffffff_c0000080L, 0)));
        assertEquals("CR8:MOV_TO", ExitDetail.label(ExitDetail.forExit(ExitReason.CONTROL_REGISTER_ACCESSES.number,
                ControlRegisterAccessQualification.movToCr(8, 0), 0, 0)));
        assertEquals("CR3:MOV_FROM", ExitDetail.label(ExitDetail.forExit(
                ExitReason.CONTROL_REGISTER_ACCESSES.number, ControlRegisterAccessQualification.movFromCr(3, 2), 0, 0)));
        assertEquals("CR0:CLTS", ExitDetail.label(ExitDetail.forExit(ExitReason.CONTROL_REGISTER_ACCESSES.number,
                ControlRegisterAccessQualification.clts(), 0, 0)));
        assertEquals("write:present", ExitDetail.label(ExitDetail.forExit(ExitReason.EPT_VIOLATION.number,
                EptViolationQualification.encode(EptViolationQualification.ACCESS_WRITE,
                        EptViolationQualification.PERMISSION_READ, true, true, false), 0, 0)));
        assertEquals("fetch:not-present", ExitDetail.label(ExitDetail.forExit(ExitReason.EPT_VIOLATION.number,
                EptViolationQualification.encode(EptViolationQualification.ACCESS_FETCH, 0, false, false, false), 0,
                0)));
        assertEquals("14:#PF", ExitDetail.label(ExitDetail.forExit(ExitReason.EXCEPTION_OR_NMI.number, 0x1000, 0,
                InterruptionInformation.hardwareException(14))));
        assertEquals(ExitDetail.NONE, ExitDetail.forExit(ExitReason.CPUID.number, 0, 0, 0));
        assertEquals(ExitDetail.NONE, ExitDetail.forExit(ExitReason.ENTRY_FAILURE_BIT | 33, 0, 0, 0));
        assertNull(ExitDetail.breakdown(ExitDetail.NONE));
        assertEquals("-", ExitDetail.label(ExitDetail.NONE));
    }

    @Test
    void refusesWhatTheSdmDoesNotEncode() {
        assertThrows(IllegalArgumentException.class, () -> ExitDetail.io(0x10000, 1, false));
        assertThrows(IllegalArgumentException.class, () -> ExitDetail.io(0x80, 3, false));
        assertThrows(IllegalArgumentException.class, () -> ExitDetail.forExit(ExitReason.IO_INSTRUCTION.number,
                2 /* size field 2: not used (Table 27-5) */, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ExitDetail.cr(16, 0));
        assertThrows(IllegalArgumentException.class, () -> ExitDetail.exception(256));
    }
}
