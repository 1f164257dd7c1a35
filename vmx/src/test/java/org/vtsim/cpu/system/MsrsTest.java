package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;

class MsrsTest {
    private final ApicOnlyPlatform platform = new ApicOnlyPlatform();
    private final long[] clock = {1000};
    private final Msrs msrs = new Msrs(CpuidModel.skylake(), platform, () -> clock[0], PagingEvents.NONE);

    private static boolean faults(Runnable r) {
        try {
            r.run();
            return false;
        } catch (CpuFault f) {
            return true;
        }
    }

    @Test
    void rdmsrSplitsIntoEdxEax() {
        Machine m = new Machine(true);
        m.s.gpr[CpuState.RCX] = Msr.IA32_PAT;
        msrs.rdmsr(m.s);
        assertEquals(0x00070406L, m.s.gpr[CpuState.RAX]);
        assertEquals(0x00070406L, m.s.gpr[CpuState.RDX]);
    }

    @Test
    void msrAccessAtCpl3IsGp() {
        Machine m = new Machine(true);
        m.user();
        m.s.gpr[CpuState.RCX] = Msr.IA32_EFER;
        assertThrows(CpuFault.class, () -> msrs.rdmsr(m.s));
        assertThrows(CpuFault.class, () -> msrs.wrmsr(m.s));
    }

    /** EFER: only SCE, LME, NXE are writable; LMA ignores writes; anything else #GP(0). */
    @Test
    void eferReservedBits() {
        qt().withExamples(300).forAll(integers().between(0, 63)).checkAssert(bit -> {
            Machine m = new Machine(false);
            long v = 1L << bit;
            boolean ok = v == CpuState.EFER_SCE || v == CpuState.EFER_LME || v == CpuState.EFER_NXE
                    || v == CpuState.EFER_LMA;
            assertEquals(!ok, faults(() -> msrs.write(m.s, Msr.IA32_EFER, v)), "bit " + bit);
            if (ok) {
                assertEquals(v == CpuState.EFER_LMA ? 0 : v, m.s.efer);
            }
        });
    }

    @Test
    void lmeCannotChangeWhilePagingIsOn() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_EFER, CpuState.EFER_SCE));
        msrs.write(m.s, Msr.IA32_EFER, CpuState.EFER_LME); // LMA kept, SCE/NXE cleared
        assertEquals(CpuState.EFER_LME | CpuState.EFER_LMA, m.s.efer);
    }

    /** PAT: each byte must be 0, 1, 4, 5, 6 or 7 (SDM Vol. 3A 11.12.2). */
    @Test
    void patAcceptsExactlyValidMemoryTypes() {
        qt().withExamples(1000).forAll(integers().between(0, 7), integers().between(0, 255)).checkAssert((i, b) -> {
            Machine m = new Machine(true);
            long pat = (long) b << (8 * i);
            boolean ok = b == 0 || b == 1 || b == 4 || b == 5 || b == 6 || b == 7;
            assertEquals(!ok, faults(() -> msrs.write(m.s, Msr.IA32_PAT, pat)));
        });
    }

    @Test
    void addressMsrsRequireCanonicalValues() {
        int[] addressMsrs = {Msr.IA32_LSTAR, Msr.IA32_CSTAR, Msr.IA32_FS_BASE, Msr.IA32_GS_BASE,
            Msr.IA32_KERNEL_GS_BASE, Msr.IA32_SYSENTER_ESP, Msr.IA32_SYSENTER_EIP};
        qt().withExamples(500).forAll(integers().between(0, addressMsrs.length - 1), longs().all())
                .checkAssert((i, v) -> {
                    Machine m = new Machine(true);
                    boolean canonical = (v << 16 >> 16) == v;
                    assertEquals(!canonical, faults(() -> msrs.write(m.s, addressMsrs[i], v)));
                    if (canonical) {
                        assertEquals(v, msrs.read(m.s, addressMsrs[i]));
                    }
                });
    }

    @Test
    void fsBaseIsTheSegmentBase() {
        Machine m = new Machine(true);
        msrs.write(m.s, Msr.IA32_FS_BASE, 0x7f0000001000L);
        assertEquals(0x7f0000001000L, m.s.seg[CpuState.FS].base);
    }

    @Test
    void tscWriteSetsAnOffsetFromTheCycleCounter() {
        Machine m = new Machine(true);
        assertEquals(1000, msrs.read(m.s, Msr.IA32_TIME_STAMP_COUNTER));
        msrs.write(m.s, Msr.IA32_TIME_STAMP_COUNTER, 50);
        clock[0] = 1600;
        assertEquals(650, msrs.readTsc());
    }

    @Test
    void tscAuxUpperHalfIsReserved() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_TSC_AUX, 1L << 32));
        msrs.write(m.s, Msr.IA32_TSC_AUX, 7);
        assertEquals(7, msrs.tscAux());
    }

    @Test
    void featureControlWritesFaultOnceLocked() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_FEATURE_CONTROL, 5)); // VMX bit without VMX
        msrs.write(m.s, Msr.IA32_FEATURE_CONTROL, 1);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_FEATURE_CONTROL, 1));
        assertEquals(1, msrs.read(m.s, Msr.IA32_FEATURE_CONTROL));
    }

    @Test
    void mtrrCapIsReadOnlyAndDefTypeChecksTheType() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_MTRRCAP, 0));
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_MTRR_DEF_TYPE, 2));
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_MTRR_DEF_TYPE, 1 << 10));
        msrs.write(m.s, Msr.IA32_MTRR_DEF_TYPE, 0x806);
        assertEquals(0x806, msrs.read(m.s, Msr.IA32_MTRR_DEF_TYPE));
    }

    @Test
    void miscEnableOnlyFastStringsIsWritable() {
        Machine m = new Machine(true);
        long v = msrs.read(m.s, Msr.IA32_MISC_ENABLE);
        msrs.write(m.s, Msr.IA32_MISC_ENABLE, v & ~1L);
        assertThrows(CpuFault.class, () -> msrs.write(m.s, Msr.IA32_MISC_ENABLE, v | 1L << 22));
    }

    @Test
    void deviceMsrsGoToThePlatform() {
        Machine m = new Machine(true);
        msrs.write(m.s, 0x808, 0x20);
        assertEquals(0x20L, platform.msrs.get(0x808));
        platform.msrs.put(Msr.IA32_APIC_BASE, 0xfee00900L);
        assertEquals(0xfee00900L, msrs.read(m.s, Msr.IA32_APIC_BASE));
    }

    @Test
    void unknownMsrsAreGpAndCountedByNumber() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> msrs.read(m.s, 0x48));
        assertThrows(CpuFault.class, () -> msrs.write(m.s, 0x48, 0));
        assertThrows(CpuFault.class, () -> msrs.read(m.s, 0xc0010117));
        assertEquals(Map.of(0x48, 2L, 0xc0010117, 1L), msrs.unknownMsrAccesses());
    }

    @Test
    void msrsOfAbsentFeaturesDoNotExist() {
        Msrs small = new Msrs(CpuidModel.skylake().without(CpuFeature.RDTSCP), platform, () -> 0, PagingEvents.NONE);
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> small.read(m.s, Msr.IA32_TSC_AUX));
        assertTrue(small.unknownMsrAccesses().containsKey(Msr.IA32_TSC_AUX));
    }
}
