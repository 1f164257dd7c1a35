package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;

/** Exit-qualification encoders and decoders, SDM Vol. 3C 27.2.1 Tables 27-1 to 27-7. */
class QualificationCodecTest {

    // ---- I/O (Table 27-5) ----

    @Test
    void outImmediateAlToPort80() {
        // OUT 0x80, AL: size 1 (bits 2:0 = 0), OUT (bit 3 = 0), immediate (bit 6), port 0x80 in 31:16.
        assertEquals(0x00800040L, IoQualification.encode(1, false, false, false, true, 0x80));
        assertEquals("OUT imm8, 1 byte, port 0x80", IoQualification.describe(0x00800040L));
    }

    @Test
    void inAlFromDxPort3f8() {
        // IN AL, DX with DX = 0x3f8: IN (bit 3), DX (bit 6 = 0).
        assertEquals(0x03f80008L, IoQualification.encode(1, true, false, false, false, 0x3f8));
        assertEquals("IN dx, 1 byte, port 0x3f8", IoQualification.describe(0x03f80008L));
    }

    @Test
    void repOutswAndDoubleword() {
        // REP OUTSW to DX = 0x1f0: size field 1, string bit 4, REP bit 5.
        assertEquals(0x01f00031L, IoQualification.encode(2, false, true, true, false, 0x1f0));
        assertEquals("REP OUTS dx, 2 bytes, port 0x1f0", IoQualification.describe(0x01f00031L));
        assertEquals(3, IoQualification.encode(4, false, false, false, false, 0) & 7);
        assertThrows(IllegalArgumentException.class, () -> IoQualification.encode(3, false, false, false, false, 0));
    }

    @Test
    void ioRoundTrip() {
        qt().withExamples(300).forAll(integers().between(0, 2), integers().between(0, 15),
                integers().between(0, 0xffff)).checkAssert((sizeLog, flags, port) -> {
                    int size = 1 << sizeLog;
                    boolean in = (flags & 1) != 0;
                    boolean string = (flags & 2) != 0;
                    boolean rep = (flags & 4) != 0;
                    boolean imm = (flags & 8) != 0;
                    long q = IoQualification.encode(size, in, string, rep, imm, port);
                    assertEquals(size, IoQualification.size(q));
                    assertEquals(in, IoQualification.in(q));
                    assertEquals(string, IoQualification.string(q));
                    assertEquals(rep, IoQualification.rep(q));
                    assertEquals(imm, IoQualification.immediate(q));
                    assertEquals(port, IoQualification.port(q));
                    assertEquals(0, q & IoQualification.RESERVED);
                });
    }

    // ---- control-register accesses (Table 27-3) ----

    @Test
    void controlRegisterExamples() {
        // MOV CR3, RAX -> CR 3, type 0, GPR 0.
        assertEquals(0x3L, ControlRegisterAccessQualification.movToCr(3, 0));
        // MOV R9, CR4 -> CR 4, type 1 (bits 5:4 = 01), GPR 9 in 11:8.
        assertEquals(0x914L, ControlRegisterAccessQualification.movFromCr(4, 9));
        assertEquals("MOV from CR4 to R9", ControlRegisterAccessQualification.describe(0x914L));
        assertEquals(0x20L, ControlRegisterAccessQualification.clts());
        // LMSW from memory with source 0x000b: type 3, bit 6, data in 31:16.
        assertEquals(0x000b0070L, ControlRegisterAccessQualification.lmsw(0xb, true));
        assertEquals("LMSW 0xb from memory", ControlRegisterAccessQualification.describe(0x000b0070L));
        assertEquals("CLTS", ControlRegisterAccessQualification.describe(0x20L));
        assertEquals("MOV to CR8 from R15", ControlRegisterAccessQualification.describe(0xf08L));
    }

    @Test
    void controlRegisterRoundTrip() {
        qt().withExamples(200).forAll(integers().between(0, 15), integers().between(0, 15), booleans().all())
                .checkAssert((cr, gpr, from) -> {
                    long q = from ? ControlRegisterAccessQualification.movFromCr(cr, gpr)
                            : ControlRegisterAccessQualification.movToCr(cr, gpr);
                    assertEquals(cr, ControlRegisterAccessQualification.controlRegister(q));
                    assertEquals(gpr, ControlRegisterAccessQualification.gpr(q));
                    assertEquals(from ? 1 : 0, ControlRegisterAccessQualification.accessType(q));
                    assertEquals(0, ControlRegisterAccessQualification.lmswSourceData(q));
                    assertEquals(0, q & ControlRegisterAccessQualification.RESERVED);
                });
        qt().withExamples(200).forAll(integers().between(0, 0xffff), booleans().all()).checkAssert((data, mem) -> {
            long q = ControlRegisterAccessQualification.lmsw(data, mem);
            assertEquals(3, ControlRegisterAccessQualification.accessType(q));
            assertEquals(data, ControlRegisterAccessQualification.lmswSourceData(q));
            assertEquals(mem, ControlRegisterAccessQualification.lmswMemoryOperand(q));
            assertEquals(0, ControlRegisterAccessQualification.controlRegister(q));
            assertEquals(0, ControlRegisterAccessQualification.gpr(q));
        });
    }

    // ---- MOV DR (Table 27-4) ----

    @Test
    void movDr() {
        // MOV RBX, DR6 -> DR 6, direction bit 4, GPR 3.
        assertEquals(0x316L, MovDrQualification.encode(6, true, 3));
        assertEquals("MOV from DR6 to RBX", MovDrQualification.describe(0x316L));
        qt().withExamples(200).forAll(integers().between(0, 7), booleans().all(), integers().between(0, 15))
                .checkAssert((dr, from, gpr) -> {
                    long q = MovDrQualification.encode(dr, from, gpr);
                    assertEquals(dr, MovDrQualification.debugRegister(q));
                    assertEquals(from, MovDrQualification.fromDr(q));
                    assertEquals(gpr, MovDrQualification.gpr(q));
                    assertEquals(0, q & MovDrQualification.RESERVED);
                });
    }

    // ---- debug exceptions (Table 27-1) and task switch (Table 27-2) ----

    @Test
    void debugExceptions() {
        assertEquals(0x4001L, DebugExceptionQualification.encode(1, false, false, true, false));
        assertEquals("B0 BS (single step)", DebugExceptionQualification.describe(0x4001L));
        assertEquals("none", DebugExceptionQualification.describe(0));
        qt().withExamples(200).forAll(integers().between(0, 15), integers().between(0, 15)).checkAssert((b, f) -> {
            long q = DebugExceptionQualification.encode(b, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0, (f & 8) != 0);
            assertEquals(b, DebugExceptionQualification.breakpointsMet(q));
            assertEquals((f & 1) != 0, (q & DebugExceptionQualification.BLD) != 0);
            assertEquals((f & 2) != 0, (q & DebugExceptionQualification.BD) != 0);
            assertEquals((f & 4) != 0, (q & DebugExceptionQualification.BS) != 0);
            assertEquals((f & 8) != 0, (q & DebugExceptionQualification.RTM) != 0);
        });
    }

    @Test
    void taskSwitch() {
        // JMP to TSS selector 0x28: source 2 in bits 31:30.
        assertEquals(0x80000028L, TaskSwitchQualification.encode(0x28, TaskSwitchQualification.SOURCE_JMP));
        assertEquals("task switch by JMP to TSS selector 0x28", TaskSwitchQualification.describe(0x80000028L));
        qt().withExamples(200).forAll(integers().between(0, 0xffff), integers().between(0, 3)).checkAssert((s, src) -> {
            long q = TaskSwitchQualification.encode(s, src);
            assertEquals(s, TaskSwitchQualification.tssSelector(q));
            assertEquals(src, TaskSwitchQualification.source(q));
        });
    }

    // ---- EPT violation (Table 27-7) ----

    @Test
    void eptViolationExamples() {
        // A write to a read-only, executable page through the final translation of a linear address.
        long q = EptViolationQualification.encode(EptViolationQualification.ACCESS_WRITE,
                EptViolationQualification.PERMISSION_READ | EptViolationQualification.PERMISSION_EXECUTE,
                true, true, false);
        assertEquals(0x1aaL, q);
        assertEquals("write to a page that is r-x; linear address valid, access to the final translation",
                EptViolationQualification.describe(q));
        // A read of a guest paging-structure entry in a not-present EPT page.
        assertEquals(0x81L, EptViolationQualification.encode(1, 0, true, false, false));
        assertEquals(0x1004L, EptViolationQualification.encode(4, 0, false, false, true));
        assertEquals("fetch to a page that is ---; no linear address; NMI unblocking due to IRET",
                EptViolationQualification.describe(0x1004L));
        assertThrows(IllegalArgumentException.class, () -> EptViolationQualification.encode(1, 0, false, true, false));
        long adv = EptViolationQualification.withAdvancedInformation(q, true, false, true);
        assertEquals(0xbaaL, adv);
        assertThrows(IllegalArgumentException.class,
                () -> EptViolationQualification.withAdvancedInformation(0x81L, true, true, true));
    }

    @Test
    void eptViolationRoundTrip() {
        qt().withExamples(300).forAll(integers().between(0, 7), integers().between(0, 15), integers().between(0, 7))
                .checkAssert((access, perms, flags) -> {
                    boolean linear = (flags & 1) != 0;
                    boolean translated = linear && (flags & 2) != 0;
                    boolean nmi = (flags & 4) != 0;
                    long q = EptViolationQualification.encode(access, perms, linear, translated, nmi);
                    assertEquals(access, EptViolationQualification.access(q));
                    assertEquals(perms, EptViolationQualification.permissions(q));
                    assertEquals(linear, EptViolationQualification.linearAddressValid(q));
                    assertEquals(translated, EptViolationQualification.translatedAccess(q));
                    assertEquals(nmi, EptViolationQualification.nmiUnblockingDueToIret(q));
                });
    }

    // ---- APIC access (Table 27-6) and address/displacement qualifications ----

    @Test
    void apicAccess() {
        // A linear write of the EOI register (offset 0xb0): type 1 in 15:12.
        assertEquals(0x10b0L, ApicAccessQualification.linear(ApicAccessQualification.LINEAR_DATA_WRITE, 0xb0));
        assertEquals("linear data write at offset 0xb0", ApicAccessQualification.describe(0x10b0L));
        assertEquals(0xf000L, ApicAccessQualification.guestPhysical(15));
        assertEquals(false, ApicAccessQualification.linearAccess(0xa000L));
        assertThrows(IllegalArgumentException.class, () -> ApicAccessQualification.guestPhysical(4));
        qt().withExamples(200).forAll(integers().between(0, 3), integers().between(0, 0xfff)).checkAssert((t, off) -> {
            long q = ApicAccessQualification.linear(t, off);
            assertEquals(t, ApicAccessQualification.accessType(q));
            assertEquals(off, ApicAccessQualification.offset(q));
            assertEquals(true, ApicAccessQualification.linearAccess(q));
        });
    }

    @Test
    void operandQualifications() {
        assertEquals(0x1000L, OperandQualification.invlpg(0xdead00001000L, false));
        assertEquals(0xdead00001000L, OperandQualification.invlpg(0xdead00001000L, true));
        assertEquals(-8L, OperandQualification.displacement(-8, false, 0x401000));
        assertEquals(0x401000L - 8, OperandQualification.displacement(-8, true, 0x401000));
        assertEquals("linear address 0x1000", ExitQualification.describe(ExitReason.INVLPG, 0x1000, 0));
        assertThrows(IllegalArgumentException.class, () -> OperandQualification.describe(ExitReason.CPUID, 0));
    }

    @Test
    void dispatcherPicksTheTable() {
        assertEquals("OUT imm8, 1 byte, port 0x80",
                ExitQualification.describe(ExitReason.IO_INSTRUCTION, 0x00800040L, 0));
        assertEquals("MOV to CR3 from RAX", ExitQualification.describe(ExitReason.CONTROL_REGISTER_ACCESSES, 3, 0));
        long pf = InterruptionInformation.hardwareException(14);
        assertEquals("page-fault linear address 0xb8000",
                ExitQualification.describe(ExitReason.EXCEPTION_OR_NMI, 0xb8000, pf));
        long db = InterruptionInformation.hardwareException(1);
        assertEquals("debug exception: BS (single step)",
                ExitQualification.describe(ExitReason.EXCEPTION_OR_NMI, 0x4000, db));
        assertEquals("none", ExitQualification.describe(ExitReason.CPUID, 0, 0));
    }
}
