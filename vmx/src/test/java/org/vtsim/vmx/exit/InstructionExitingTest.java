package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;

/** Unconditional and single-control instruction exits, SDM Vol. 3C 25.1.2 and 25.1.3. */
class InstructionExitingTest {
    private static final int SECONDARY = PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS;

    @Test
    void theUnconditionalListOf25_1_2() {
        Set<ExitReason> expected = EnumSet.of(ExitReason.CPUID, ExitReason.GETSEC, ExitReason.INVD, ExitReason.XSETBV,
                ExitReason.INVEPT, ExitReason.INVVPID, ExitReason.VMCALL, ExitReason.VMCLEAR, ExitReason.VMLAUNCH,
                ExitReason.VMPTRLD, ExitReason.VMPTRST, ExitReason.VMRESUME, ExitReason.VMXOFF, ExitReason.VMXON);
        for (ExitReason r : ExitReason.values()) {
            assertEquals(expected.contains(r), InstructionExiting.exitsUnconditionally(r), r.name());
        }
    }

    private static void primaryControl(int control, IntPredicate exits) {
        assertTrue(exits.test(control));
        assertFalse(exits.test(~control));
    }

    @Test
    void primaryControls() {
        primaryControl(PrimaryProcessorBasedControls.HLT_EXITING, InstructionExiting::hltExits);
        primaryControl(PrimaryProcessorBasedControls.INVLPG_EXITING, InstructionExiting::invlpgExits);
        primaryControl(PrimaryProcessorBasedControls.MONITOR_EXITING, InstructionExiting::monitorExits);
        primaryControl(PrimaryProcessorBasedControls.MWAIT_EXITING, InstructionExiting::mwaitExits);
        primaryControl(PrimaryProcessorBasedControls.RDPMC_EXITING, InstructionExiting::rdpmcExits);
        primaryControl(PrimaryProcessorBasedControls.MOV_DR_EXITING, InstructionExiting::movDrExits);
    }

    private interface Secondary {
        boolean exits(int primary, int secondary);
    }

    private static void secondaryControl(int control, Secondary exits) {
        assertTrue(exits.exits(SECONDARY, control));
        assertFalse(exits.exits(SECONDARY, ~control));
        assertFalse(exits.exits(~SECONDARY, control), "secondary controls not activated");
    }

    @Test
    void secondaryControls() {
        secondaryControl(SecondaryProcessorBasedControls.DESCRIPTOR_TABLE_EXITING,
                InstructionExiting::descriptorTableExits);
        secondaryControl(SecondaryProcessorBasedControls.RDRAND_EXITING, InstructionExiting::rdrandExits);
        secondaryControl(SecondaryProcessorBasedControls.RDSEED_EXITING, InstructionExiting::rdseedExits);
        secondaryControl(SecondaryProcessorBasedControls.WBINVD_EXITING, InstructionExiting::wbinvdExits);
        secondaryControl(SecondaryProcessorBasedControls.ENABLE_INVPCID, InstructionExiting::invpcidEnabled);
        int invlpg = PrimaryProcessorBasedControls.INVLPG_EXITING;
        int invpcid = SecondaryProcessorBasedControls.ENABLE_INVPCID;
        assertTrue(InstructionExiting.invpcidExits(SECONDARY | invlpg, invpcid));
        assertFalse(InstructionExiting.invpcidExits(SECONDARY, invpcid), "needs INVLPG exiting");
        assertFalse(InstructionExiting.invpcidExits(SECONDARY | invlpg, 0), "needs enable INVPCID (else #UD)");
    }

    @Test
    void xsavesExitsOnTheAndOfTheThreeMasks() {
        int enable = SecondaryProcessorBasedControls.ENABLE_XSAVES_XRSTORS;
        qt().withExamples(300).forAll(longs().all(), longs().all(), longs().all()).checkAssert((rfbm, xss, bitmap) -> {
            boolean expected = false;
            for (int i = 0; i < 64; i++) {
                expected |= (rfbm >>> i & xss >>> i & bitmap >>> i & 1) != 0;
            }
            assertEquals(expected, InstructionExiting.xsavesOrXrstorsExits(SECONDARY, enable, rfbm, xss, bitmap));
            assertFalse(InstructionExiting.xsavesOrXrstorsExits(SECONDARY, 0, rfbm, xss, bitmap));
        });
        assertTrue(InstructionExiting.xsavesOrXrstorsExits(SECONDARY, enable, 0x100, 0x100, 0x100));
        assertFalse(InstructionExiting.xsavesOrXrstorsExits(SECONDARY, enable, 0x100, 0x100, 0x200));
    }

    @Test
    void vmreadAndVmwriteBitmaps() {
        long bitmap = 0x40000;
        int shadowing = SecondaryProcessorBasedControls.VMCS_SHADOWING;
        qt().withExamples(300).forAll(integers().between(0, 0x7fff), longs().all(), integers().between(0, 3))
                .checkAssert((field, high, kind) -> {
                    SparseMemory m = new SparseMemory();
                    int set = kind == 0 ? field : field ^ 1; // the bit of the field or of a neighbour
                    m.write8(bitmap + set / 8, 1 << (set % 8));
                    long operand = kind == 3 ? field | (high & ~0x7fffL | 0x8000L) : field;
                    boolean expected = kind == 3 || set == field; // bits 63:15 set, or the field's own bit
                    assertEquals(expected,
                            InstructionExiting.vmreadOrVmwriteExits(SECONDARY, shadowing, m, bitmap, operand));
                    assertTrue(InstructionExiting.vmreadOrVmwriteExits(SECONDARY, 0, m, bitmap, operand),
                            "no VMCS shadowing: always exits");
                });
        SparseMemory m = new SparseMemory();
        m.write8(bitmap + (0x6800 >> 3), 1); // GUEST_CR0 = 0x6800: byte 0xd00, bit 0
        assertTrue(InstructionExiting.vmreadOrVmwriteExits(SECONDARY, shadowing, m, bitmap, 0x6800));
        assertFalse(InstructionExiting.vmreadOrVmwriteExits(SECONDARY, shadowing, m, bitmap, 0x6802));
    }
}
