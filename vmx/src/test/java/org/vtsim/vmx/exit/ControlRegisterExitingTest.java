package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/** CR0/CR4 guest/host masks and read shadows, CLTS, LMSW, CR3 targets, CR8 (SDM Vol. 3C 25.1.3, 25.3). */
class ControlRegisterExitingTest {

    private static boolean bit(long v, int i) {
        return (v >>> i & 1) != 0;
    }

    @Test
    void movToCr0OrCr4ExitsIffAMaskedBitDiffersFromTheShadow() {
        qt().withExamples(500).forAll(longs().all(), longs().all(), longs().all()).checkAssert((src, mask, shadow) -> {
            boolean expected = false;
            for (int i = 0; i < 64; i++) { // "for any bit set in the mask, the source differs from the shadow"
                expected |= bit(mask, i) && bit(src, i) != bit(shadow, i);
            }
            assertEquals(expected, ControlRegisterExiting.movToCr0OrCr4Exits(src, mask, shadow));
            // Same with a source equal to the shadow in all masked bits: never exits.
            long agreeing = src & ~mask | shadow & mask;
            assertFalse(ControlRegisterExiting.movToCr0OrCr4Exits(agreeing, mask, shadow));
        });
    }

    @Test
    void readShadowedTakesMaskedBitsFromTheShadow() {
        qt().withExamples(300).forAll(longs().all(), longs().all(), longs().all()).checkAssert((cr, mask, shadow) -> {
            long read = ControlRegisterExiting.readShadowed(cr, mask, shadow);
            for (int i = 0; i < 64; i++) {
                assertEquals(bit(mask, i) ? bit(shadow, i) : bit(cr, i), bit(read, i), "bit " + i);
            }
        });
    }

    @Test
    void aNonExitingMovToCrKeepsHostBitsAndShowsTheGuestWhatItWrote() {
        qt().withExamples(500).forAll(longs().all(), longs().all(), longs().all(), longs().all())
                .checkAssert((src0, current, mask, shadow) -> {
                    long src = src0 & ~mask | shadow & mask; // a write that does not exit
                    long written = ControlRegisterExiting.nonRootWriteValue(src, current, mask);
                    assertEquals(current & mask, written & mask, "host-owned bits keep their value");
                    assertEquals(src & ~mask, written & ~mask, "guest-owned bits come from the source");
                    assertEquals(src, ControlRegisterExiting.readShadowed(written, mask, shadow));
                });
    }

    @Test
    void clts() {
        long ts = CpuState.CR0_TS;
        assertTrue(ControlRegisterExiting.cltsExits(ts, ts));
        assertFalse(ControlRegisterExiting.cltsExits(ts, 0));
        assertFalse(ControlRegisterExiting.cltsExits(0, ts));
        assertEquals(0x31L, ControlRegisterExiting.cltsResult(0x39L, 0), "mask TS 0: TS cleared");
        assertEquals(0x39L, ControlRegisterExiting.cltsResult(0x39L, ts), "mask TS 1, shadow TS 0: unchanged");
        // Whatever the state, a CLTS that does not exit leaves the guest seeing TS = 0.
        qt().withExamples(300).forAll(longs().all(), longs().all(), longs().all()).checkAssert((cr0, mask, shadow) -> {
            if (!ControlRegisterExiting.cltsExits(mask, shadow)) {
                long after = ControlRegisterExiting.cltsResult(cr0, mask);
                assertEquals(0, ControlRegisterExiting.readShadowed(after, mask, shadow) & ts);
                assertEquals(cr0 & ~ts, after & ~ts);
            }
        });
    }

    /** SDM 25.1.3 LMSW, both bullets as written. */
    private static boolean lmswReference(int source, long mask, long shadow) {
        boolean exits = bit(mask, 0) && bit(source, 0) && !bit(shadow, 0);
        for (int i = 1; i <= 3; i++) {
            exits |= bit(mask, i) && bit(source, i) != bit(shadow, i);
        }
        return exits;
    }

    /** Architectural LMSW (SDM Vol. 2A): loads CR0[3:0] from the source, but cannot clear PE. */
    private static long lmswNative(long cr0, int source) {
        return cr0 & ~0xeL | source & 0xeL | source & 1;
    }

    @Test
    void lmswExitsAsTheSdmSaysAndOtherwiseMatchesNativeLmswOnWhatTheGuestSees() {
        qt().withExamples(500).forAll(integers().between(0, 0xffff), longs().all(), longs().all(), longs().all())
                .checkAssert((src, mask, shadow, cr0) -> {
                    boolean exits = ControlRegisterExiting.lmswExits(src, mask, shadow);
                    assertEquals(lmswReference(src, mask, shadow), exits);
                    if (!exits) {
                        long after = ControlRegisterExiting.lmswResult(cr0, src, mask);
                        long seen = ControlRegisterExiting.readShadowed(after, mask, shadow);
                        long nativeSeen = lmswNative(ControlRegisterExiting.readShadowed(cr0, mask, shadow), src);
                        assertEquals(nativeSeen & 0xf, seen & 0xf);
                        assertEquals(cr0 & ~0xfL, after & ~0xfL, "LMSW touches only bits 3:0");
                        assertEquals(cr0 & mask, after & mask, "host-owned bits unchanged");
                    }
                });
        assertFalse(ControlRegisterExiting.lmswExits(0, 1, 1), "clearing PE cannot change what the guest sees");
        assertTrue(ControlRegisterExiting.lmswExits(1, 1, 0), "setting a masked PE the shadow has clear");
        assertEquals(1L, ControlRegisterExiting.lmswResult(1, 0, 0) & 1, "LMSW never clears PE");
    }

    @Test
    void fixedBitsApplyOnlyToGuestOwnedBitsAndUnrestrictedGuestExemptsPeAndPg() {
        VmxCapabilities caps = VmxCapabilities.skylake(CpuidModel.skylake());
        long ok = caps.cr0Fixed0 | CpuState.CR0_ET;
        assertFalse(ControlRegisterExiting.cr0WriteViolatesFixedBits(ok, 0, caps, false));
        long noPe = ok & ~CpuState.CR0_PE;
        assertEquals((caps.cr0Fixed0 & CpuState.CR0_PE) != 0,
                ControlRegisterExiting.cr0WriteViolatesFixedBits(noPe, 0, caps, false));
        assertFalse(ControlRegisterExiting.cr0WriteViolatesFixedBits(noPe & ~CpuState.CR0_PG, 0, caps, true));
        assertFalse(ControlRegisterExiting.cr0WriteViolatesFixedBits(noPe, CpuState.CR0_PE, caps, false),
                "a host-owned bit is not written, so it cannot fault");
        long noNe = ok & ~CpuState.CR0_NE;
        assertEquals((caps.cr0Fixed0 & CpuState.CR0_NE) != 0,
                ControlRegisterExiting.cr0WriteViolatesFixedBits(noNe, 0, caps, true));
        long cr4 = caps.cr4Fixed0;
        assertFalse(ControlRegisterExiting.cr4WriteViolatesFixedBits(cr4, 0, caps));
        assertEquals((caps.cr4Fixed0 & CpuState.CR4_VMXE) != 0,
                ControlRegisterExiting.cr4WriteViolatesFixedBits(cr4 & ~CpuState.CR4_VMXE, 0, caps));
        assertFalse(ControlRegisterExiting.cr4WriteViolatesFixedBits(cr4 & ~CpuState.CR4_VMXE, CpuState.CR4_VMXE,
                caps));
    }

    @Test
    void cr3TargetsAndLoadStoreExiting() {
        qt().withExamples(300).forAll(integers().between(0, 4), longs().between(0, 7), longs().all(), longs().all())
                .checkAssert((count, value, t0, t1) -> {
                    long[] targets = {t0 & 7, t1 & 7, 3, 5};
                    boolean expected = false;
                    for (int i = 0; i < count; i++) { // "only the first n CR3-target values are considered"
                        expected |= targets[i] == value;
                    }
                    assertEquals(expected,
                            Cr3TargetMatch.matches(value, count, targets[0], targets[1], targets[2], targets[3]));
                    int load = PrimaryProcessorBasedControls.CR3_LOAD_EXITING;
                    assertEquals(!expected, ControlRegisterExiting.movToCr3Exits(load, value, count, targets[0],
                            targets[1], targets[2], targets[3]));
                    assertFalse(ControlRegisterExiting.movToCr3Exits(0, value, count, targets[0], targets[1],
                            targets[2], targets[3]));
                });
        assertThrows(IllegalStateException.class, () -> Cr3TargetMatch.matches(0, 5, 0, 0, 0, 0));
        assertFalse(Cr3TargetMatch.matches(0, 0, 0, 0, 0, 0), "count 0: zero targets match nothing");

        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.CR3_LOAD_EXITING);
        vmcs.set(VmcsField.CR3_TARGET_COUNT, 2);
        vmcs.set(VmcsField.CR3_TARGET_VALUE_1, 0x5000);
        vmcs.set(VmcsField.CR3_TARGET_VALUE_2, 0x6000);
        assertFalse(ControlRegisterExiting.movToCr3Exits(vmcs, 0x5000));
        assertTrue(ControlRegisterExiting.movToCr3Exits(vmcs, 0x6000), "value 2 is beyond the count");
        assertFalse(ControlRegisterExiting.movToCr3Exits(vmcs, 0), "target 0 is 0 and within the count");

        int store = PrimaryProcessorBasedControls.CR3_STORE_EXITING;
        assertTrue(ControlRegisterExiting.movFromCr3Exits(store));
        assertFalse(ControlRegisterExiting.movFromCr3Exits(PrimaryProcessorBasedControls.CR3_LOAD_EXITING));
        assertTrue(ControlRegisterExiting.movToCr8Exits(PrimaryProcessorBasedControls.CR8_LOAD_EXITING));
        assertFalse(ControlRegisterExiting.movToCr8Exits(PrimaryProcessorBasedControls.CR8_STORE_EXITING));
        assertTrue(ControlRegisterExiting.movFromCr8Exits(PrimaryProcessorBasedControls.CR8_STORE_EXITING));
        assertFalse(ControlRegisterExiting.movFromCr8Exits(PrimaryProcessorBasedControls.CR8_LOAD_EXITING));
    }

    @Test
    void vmcsConveniencesReadTheMaskAndShadowOfTheirRegister() {
        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.CR0_GUEST_HOST_MASK, CpuState.CR0_PG);
        vmcs.set(VmcsField.CR0_READ_SHADOW, CpuState.CR0_PG);
        vmcs.set(VmcsField.CR4_GUEST_HOST_MASK, CpuState.CR4_VMXE);
        assertFalse(ControlRegisterExiting.movToCr0Exits(vmcs, CpuState.CR0_PG | CpuState.CR0_PE));
        assertTrue(ControlRegisterExiting.movToCr0Exits(vmcs, CpuState.CR0_PE));
        assertTrue(ControlRegisterExiting.movToCr4Exits(vmcs, CpuState.CR4_VMXE));
        assertFalse(ControlRegisterExiting.movToCr4Exits(vmcs, CpuState.CR4_PAE));
    }
}
