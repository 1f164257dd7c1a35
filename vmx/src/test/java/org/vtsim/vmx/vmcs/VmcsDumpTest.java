package org.vtsim.vmx.vmcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;

class VmcsDumpTest {
    private static final VmxCapabilities PLAIN = VmxCapabilities.of(CpuidModel.skylake(), false, false);
    private static final VmxCapabilities WITH_EPT = VmxCapabilities.of(CpuidModel.skylake(), true, true);

    /** The groups come in SDM order 24.4 … 24.9 and every existing field sits in its group once. */
    @Test
    void groupsAsTheSdmDoesAndListsEveryExistingField() {
        for (VmxCapabilities caps : List.of(PLAIN, WITH_EPT)) {
            String text = VmcsDump.dump(new Vmcs(0), caps);
            List<Integer> headings = new ArrayList<>();
            for (VmcsArea a : VmcsArea.values()) {
                int at = text.indexOf(a.title + " (SDM " + a.sdmSection + ")");
                assertTrue(at >= 0, a.title);
                headings.add(at);
            }
            for (int i = 1; i < headings.size(); i++) {
                assertTrue(headings.get(i) > headings.get(i - 1), "SDM order");
            }
            for (VmcsField f : VmcsField.values()) {
                int at = text.indexOf("  " + f.name() + " ");
                if (!caps.fieldExists(f)) {
                    assertEquals(-1, at, f + " does not exist on the model CPU");
                    continue;
                }
                assertTrue(at >= 0, f.name());
                int area = VmcsArea.of(f).ordinal();
                assertTrue(at > headings.get(area), f.name());
                assertTrue(area == headings.size() - 1 || at < headings.get(area + 1), f.name());
            }
        }
    }

    @Test
    void fieldsOfTheModelCpuDecideWhatIsShown() {
        Vmcs v = new Vmcs(0);
        v.set(VmcsField.EPT_POINTER, 0x1234_501e);
        String plain = VmcsDump.dump(v, PLAIN);
        assertFalse(plain.contains("  EPT_POINTER "));
        assertTrue(plain.contains("does not have (not shown above): EPT_POINTER=0x1234501e"), plain);
        assertTrue(VmcsDump.dump(v, WITH_EPT).contains("  EPT_POINTER"));
    }

    @Test
    void linesCarryNameEncodingAndValueAtTheFieldWidth() {
        Vmcs v = new Vmcs(0x3000);
        v.set(VmcsField.GUEST_RIP, 0x1000);
        v.set(VmcsField.GUEST_CS_SELECTOR, 8);
        v.set(VmcsField.GUEST_CS_LIMIT, 0xffffffffL);
        v.setLaunched(true);
        String text = VmcsDump.dump(v, PLAIN, true);
        assertTrue(text.startsWith("VMCS at 0x3000, launch state launched\n"), text);
        assertTrue(text.matches("(?s).*\n  GUEST_RIP +0x681e  0x0000000000001000\n.*"), text);
        assertTrue(text.matches("(?s).*\n  GUEST_CS_SELECTOR +0x0802  0x0008\n.*"), text);
        assertTrue(text.matches("(?s).*\n  GUEST_CS_LIMIT +0x4802  0xffffffff\n.*"), text);
        assertFalse(text.contains("GUEST_DS_SELECTOR"), "zero fields left out with nonZeroOnly");
        assertTrue(text.contains("Host-state area (SDM 24.5)\n  (all zero)\n"), text);
    }

    @Test
    void controlWordsAreDecodedIntoNamedBits() {
        Vmcs v = new Vmcs(0);
        v.set(VmcsField.PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.DEFAULT1 | PinBasedControls.NMI_EXITING);
        v.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                PrimaryProcessorBasedControls.HLT_EXITING | PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS);
        String text = VmcsDump.dump(v, PLAIN, true);
        assertTrue(text.contains("= NMI_EXITING | default-1 bits 1,2,4\n"), text);
        assertTrue(text.contains("= HLT_EXITING | ACTIVATE_SECONDARY_CONTROLS\n"), text);
    }

    @Test
    void controlBitNamesComeFromTheControlsClasses() {
        assertEquals("ENABLE_EPT", ControlBits.SECONDARY_PROCESSOR_BASED.name(1));
        assertEquals("IA32E_MODE_GUEST", ControlBits.VM_ENTRY.name(9));
        assertEquals("ACKNOWLEDGE_INTERRUPT_ON_EXIT", ControlBits.VM_EXIT.name(15));
        assertEquals("bit 12 (default 1)", ControlBits.VM_ENTRY.name(12));
        assertEquals("bit 29", ControlBits.SECONDARY_PROCESSOR_BASED.name(29));
        assertEquals(List.of("EXTERNAL_INTERRUPT_EXITING", "bit 31"), ControlBits.PIN_BASED.decode(0x80000001L));
        assertEquals(List.of("ENTRY_TO_SMM", "default-1 bit 12"), ControlBits.VM_ENTRY.decode(0x1400L));
    }

    /** Exit information is explained by the org.vtsim.vmx.exit codecs, with the exit reason as context. */
    @Test
    void exitInformationIsExplained() {
        Vmcs v = new Vmcs(0);
        v.set(VmcsField.EXIT_REASON, 30);
        v.set(VmcsField.EXIT_QUALIFICATION, 0x00f80008L); // 1-byte IN from port 0xf8, DX operand (Table 27-5)
        v.set(VmcsField.IDT_VECTORING_INFORMATION, 0x80000b0eL);
        String text = VmcsDump.dump(v, PLAIN, true);
        assertTrue(text.contains("0x0000001e  " + org.vtsim.vmx.exit.ExitReasonField.describe(30) + "\n"), text);
        String io = org.vtsim.vmx.exit.ExitQualification.describe(org.vtsim.vmx.ExitReason.IO_INSTRUCTION, 0x00f80008L, 0);
        assertTrue(io.contains("0xf8"), io);
        assertTrue(text.contains("0x0000000000f80008  " + io + "\n"), text);
        assertTrue(text.contains("valid, hardware exception #PF (vector 14), error code valid"), text);
        assertEquals(null, VmcsDump.meaning(new Vmcs(0), VmcsField.EXIT_QUALIFICATION, 0));
    }

    /** Control fields split by the SDM section that describes them. */
    @Test
    void controlFieldsSplitIntoExecutionExitAndEntry() {
        assertEquals(VmcsArea.VM_EXECUTION_CONTROLS, VmcsArea.of(VmcsField.EXCEPTION_BITMAP));
        assertEquals(VmcsArea.VM_EXECUTION_CONTROLS, VmcsArea.of(VmcsField.TSC_OFFSET));
        assertEquals(VmcsArea.VM_EXIT_CONTROLS, VmcsArea.of(VmcsField.VM_EXIT_MSR_LOAD_ADDRESS));
        assertEquals(VmcsArea.VM_ENTRY_CONTROLS, VmcsArea.of(VmcsField.VM_ENTRY_INTERRUPTION_INFORMATION));
        assertEquals(VmcsArea.VM_EXIT_INFORMATION, VmcsArea.of(VmcsField.VM_INSTRUCTION_ERROR));
        assertEquals(VmcsArea.GUEST_STATE, VmcsArea.of(VmcsField.VMCS_LINK_POINTER));
        for (VmcsField f : VmcsField.values()) {
            VmcsArea a = VmcsArea.of(f);
            if (f.name().startsWith("VM_ENTRY_")) {
                assertEquals(VmcsArea.VM_ENTRY_CONTROLS, a, f.name());
            }
            if (f.name().startsWith("VM_EXIT_") && f.type() == FieldType.CONTROL) {
                assertEquals(VmcsArea.VM_EXIT_CONTROLS, a, f.name());
            }
        }
    }
}
