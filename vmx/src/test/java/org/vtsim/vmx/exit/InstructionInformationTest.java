package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.vtsim.vmx.exit.InstructionInformation.*;

import org.junit.jupiter.api.Test;
import org.vtsim.vmx.ExitReason;

/** VM-exit instruction information, SDM Vol. 3C 27.2.5 Tables 27-8 to 27-14. */
class InstructionInformationTest {

    @Test
    void vmptrldRaxMemoryOperand() {
        // VMPTRLD [RAX] in 64-bit mode: address size 2 (bits 9:7), DS (3 in 17:15), no index (bit 22),
        // base RAX (0 in 26:23): 0x100 | 0x18000 | 0x400000 = 0x00418100.
        int info = memoryOperand(0, ADDRESS_SIZE_64, SEGMENT_DS, NO_REGISTER, 0);
        assertEquals(0x00418100, info);
        assertEquals("VMPTRLD DS:[RAX + disp], 64-bit address", InstructionInformation.describe(ExitReason.VMPTRLD,
                info));
    }

    @Test
    void vmreadRegisterToRegister() {
        // VMREAD RBX, RAX (destination RBX = Reg1, encoding in RAX = Reg2): bit 10, Reg1 3 in 6:3,
        // index and base invalid.
        int info = withReg2(registerOperand(3), 0);
        assertEquals(0x08400418, info);
        assertEquals("VMREAD destination RBX, field encoding in RAX",
                InstructionInformation.describe(ExitReason.VMREAD, info));
        // VMWRITE with a memory source [RSI + RDI*8], address size 32, SS, encoding in R10.
        int w = withReg2(memoryOperand(3, ADDRESS_SIZE_32, SEGMENT_SS, 7, 6), 10);
        assertEquals("VMWRITE source SS:[ESI + EDI*8 + disp], 32-bit address, field encoding in R10",
                InstructionInformation.describe(ExitReason.VMWRITE, w));
    }

    @Test
    void descriptorTableAndLdtrTr() {
        int lidt = withIdentity(memoryOperand(0, ADDRESS_SIZE_64, SEGMENT_DS, NO_REGISTER, 5), LIDT);
        assertEquals(LIDT, identity(lidt));
        assertEquals("LIDT DS:[RBP + disp], 64-bit address, 16-bit operand size (or 64-bit mode)",
                InstructionInformation.describe(ExitReason.ACCESS_TO_GDTR_OR_IDTR, lidt));
        int sgdt32 = withDescriptorOperandSize32(withIdentity(memoryOperand(0, ADDRESS_SIZE_32, SEGMENT_ES,
                NO_REGISTER, 3), SGDT), true);
        assertEquals("SGDT ES:[EBX + disp], 32-bit address, 32-bit operand size",
                InstructionInformation.describe(ExitReason.ACCESS_TO_GDTR_OR_IDTR, sgdt32));
        int ltr = withIdentity(registerOperand(0), LTR);
        assertEquals("LTR RAX", InstructionInformation.describe(ExitReason.ACCESS_TO_LDTR_OR_TR, ltr));
        // SLDT to memory [BX + SI], 16-bit address.
        int sldt = withIdentity(memoryOperand(0, ADDRESS_SIZE_16, SEGMENT_DS, 6, 3), SLDT);
        assertEquals("SLDT DS:[BX + SI + disp], 16-bit address",
                InstructionInformation.describe(ExitReason.ACCESS_TO_LDTR_OR_TR, sldt));
    }

    @Test
    void rdrandInsOutsAndInvept() {
        // RDRAND ECX: Reg1 1 in 6:3, operand size 1 in 12:11 -> 0x808.
        assertEquals(0x808, rdrandRdseed(1, OPERAND_SIZE_32));
        assertEquals("RDRAND to ECX", InstructionInformation.describe(ExitReason.RDRAND, 0x808));
        // OUTSB with a 64-bit address and an FS override: 0x100 | 4 << 15.
        assertEquals(0x20100, insOuts(ADDRESS_SIZE_64, SEGMENT_FS));
        int invept = withReg2(memoryOperand(0, ADDRESS_SIZE_64, SEGMENT_DS, NO_REGISTER, 4), 1);
        assertEquals("INVEPT descriptor DS:[RSP + disp], 64-bit address, type in RCX",
                InstructionInformation.describe(ExitReason.INVEPT, invept));
        assertNull(Layout.of(ExitReason.CPUID));
        assertThrows(IllegalArgumentException.class, () -> InstructionInformation.describe(ExitReason.HLT, 0));
        assertThrows(IllegalArgumentException.class, () -> memoryOperand(0, 3, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> memoryOperand(0, 0, 6, 0, 0));
    }

    @Test
    void memoryOperandRoundTrip() {
        qt().withExamples(400).forAll(integers().between(0, 11), integers().between(0, 5),
                integers().between(-1, 15), integers().between(-1, 15)).checkAssert((scAs, seg, idx, base) -> {
                    int sc = scAs & 3;
                    int as = scAs >> 2;
                    int info = memoryOperand(sc, as, seg, idx, base);
                    assertEquals(sc, scaling(info));
                    assertEquals(as, addressSize(info));
                    assertEquals(seg, segment(info));
                    assertEquals(idx, indexReg(info));
                    assertEquals(base, baseReg(info));
                    assertEquals(false, isRegisterOperand(info));
                    int withR2 = withReg2(info, (idx + 16) & 15);
                    assertEquals((idx + 16) & 15, reg2(withR2));
                    assertEquals(idx, indexReg(withR2));
                    int withId = withIdentity(info, (base + 16) & 3);
                    assertEquals((base + 16) & 3, identity(withId));
                    assertEquals(base, baseReg(withId));
                });
        qt().withExamples(100).forAll(integers().between(0, 15), integers().between(0, 15)).checkAssert((r1, r2) -> {
            int info = withReg2(registerOperand(r1), r2);
            assertEquals(true, isRegisterOperand(info));
            assertEquals(r1, reg1(info));
            assertEquals(r2, reg2(info));
            assertEquals(NO_REGISTER, indexReg(info));
            assertEquals(NO_REGISTER, baseReg(info));
        });
        qt().withExamples(100).forAll(integers().between(0, 15), integers().between(0, 2)).checkAssert((r, sz) -> {
            int info = rdrandRdseed(r, sz);
            assertEquals(r, reg1(info));
            assertEquals(sz, rdrandOperandSize(info));
        });
    }
}
