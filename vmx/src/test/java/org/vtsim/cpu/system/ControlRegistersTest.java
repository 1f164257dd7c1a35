package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;

class ControlRegistersTest {
    /** Records the paging callbacks. */
    static final class Recorder implements PagingEvents {
        final List<String> calls = new ArrayList<>();
        boolean rejectPdptes;

        @Override
        public void loadPdptes(long cr3) {
            calls.add("pdptes " + Long.toHexString(cr3));
            if (rejectPdptes) {
                throw CpuFault.gp(0);
            }
        }

        @Override
        public void cr3Loaded(long cr3, int pcid, boolean invalidate) {
            calls.add("cr3 " + Long.toHexString(cr3) + " pcid " + pcid + (invalidate ? " flush" : " keep"));
        }

        @Override
        public void flushAll(boolean includingGlobal) {
            calls.add(includingGlobal ? "flush all+global" : "flush all");
        }

        @Override
        public void pagingModeChanged() {
            calls.add("mode");
        }
    }

    private final Recorder rec = new Recorder();
    private final ControlRegisters crs = new ControlRegisters(CpuidModel.skylake(), rec, null);

    private static CpuState protectedNoPaging() {
        Machine m = new Machine(false);
        return m.s;
    }

    @Test
    void pagingWithoutProtectionIsGp() {
        CpuState s = protectedNoPaging();
        assertThrows(CpuFault.class, () -> crs.write(s, 0, CpuState.CR0_PG | CpuState.CR0_ET));
    }

    @Test
    void enablingPagingWithLmeActivatesIa32eMode() {
        CpuState s = protectedNoPaging();
        crs.write(s, 4, CpuState.CR4_PAE);
        s.efer = CpuState.EFER_LME;
        crs.write(s, 0, s.cr0 | CpuState.CR0_PG);
        assertTrue(s.longModeActive());
        assertTrue(rec.calls.contains("mode"));
    }

    @Test
    void enablingLongModeWithoutPaeIsGp() {
        CpuState s = protectedNoPaging();
        s.efer = CpuState.EFER_LME;
        assertThrows(CpuFault.class, () -> crs.write(s, 0, s.cr0 | CpuState.CR0_PG));
        assertEquals(0, s.cr0 & CpuState.CR0_PG);
        assertEquals(0, s.efer & CpuState.EFER_LMA);
    }

    @Test
    void disablingPagingIn64BitModeIsGpButFromCompatibilityModeLeavesIa32e() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> crs.write(m.s, 0, m.s.cr0 & ~CpuState.CR0_PG));
        m.load(CpuState.CS, Machine.CODE32_0);
        crs.write(m.s, 0, m.s.cr0 & ~CpuState.CR0_PG);
        assertEquals(0, m.s.efer & CpuState.EFER_LMA);
        assertTrue(rec.calls.contains("flush all+global"));
    }

    @Test
    void cr0UpperHalfIsReservedAndNwWithoutCdIsGp() {
        CpuState s = protectedNoPaging();
        assertThrows(CpuFault.class, () -> crs.write(s, 0, s.cr0 | 1L << 32));
        assertThrows(CpuFault.class, () -> crs.write(s, 0, (s.cr0 | CpuState.CR0_NW) & ~CpuState.CR0_CD));
    }

    @Test
    void cr0EtAlwaysReadsOne() {
        CpuState s = protectedNoPaging();
        crs.write(s, 0, CpuState.CR0_PE);
        assertEquals(CpuState.CR0_PE | CpuState.CR0_ET, s.cr0);
    }

    /** Every CR4 bit outside what the model supports is #GP(0) and leaves CR4 unchanged (SDM Vol. 3A 2.5). */
    @Test
    void cr4ReservedBitsFollowTheModel() {
        long allowed = ControlRegisters.cr4Allowed(CpuidModel.skylake());
        assertEquals(0, allowed & (CpuState.CR4_OSFXSR | CpuState.CR4_VMXE | CpuState.CR4_LA57));
        qt().withExamples(300).forAll(integers().between(0, 63)).checkAssert(bit -> {
            CpuState s = protectedNoPaging();
            long value = 1L << bit;
            boolean ok = (allowed & value) != 0 && value != CpuState.CR4_PCIDE; // PCIDE needs IA-32e
            try {
                crs.write(s, 4, value);
                assertTrue(ok, "bit " + bit + " accepted");
                assertEquals(value, s.cr4);
            } catch (CpuFault f) {
                assertTrue(!ok, "bit " + bit + " rejected");
                assertEquals(0, s.cr4);
            }
        });
    }

    @Test
    void pcideNeedsZeroPcidInCr3AndThenCr3Bit63SkipsTheFlush() {
        Machine m = new Machine(true);
        m.s.cr3 = 0x1001;
        assertThrows(CpuFault.class, () -> crs.write(m.s, 4, m.s.cr4 | CpuState.CR4_PCIDE));
        m.s.cr3 = 0x1000;
        crs.write(m.s, 4, m.s.cr4 | CpuState.CR4_PCIDE);
        rec.calls.clear();
        crs.write(m.s, 3, 0x8000000000002005L);
        assertEquals(0x2005, m.s.cr3);
        assertEquals(List.of("cr3 2005 pcid 5 keep"), rec.calls);
        rec.calls.clear();
        crs.write(m.s, 4, m.s.cr4 & ~CpuState.CR4_PCIDE);
        assertTrue(rec.calls.contains("flush all+global"));
    }

    @Test
    void cr3BitsAboveMaxPhysAddrAreGpInIa32eMode() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> crs.write(m.s, 3, 1L << 46));
        assertThrows(CpuFault.class, () -> crs.write(m.s, 3, 1L << 63)); // no PCIDE: bit 63 reserved
        crs.write(m.s, 3, (1L << 46) - 4096);
    }

    @Test
    void paePagingLoadsPdptesBeforeCommitting() {
        CpuState s = protectedNoPaging();
        crs.write(s, 4, CpuState.CR4_PAE);
        crs.write(s, 0, s.cr0 | CpuState.CR0_PG);
        assertTrue(rec.calls.contains("pdptes 0"));
        rec.rejectPdptes = true;
        assertThrows(CpuFault.class, () -> crs.write(s, 3, 0x5000));
        assertEquals(0, s.cr3);
    }

    @Test
    void togglingPgeFlushesGlobalEntries() {
        Machine m = new Machine(true);
        crs.write(m.s, 4, m.s.cr4 | CpuState.CR4_PGE);
        assertTrue(rec.calls.contains("flush all+global"));
    }

    @Test
    void clearingPaeInIa32eModeIsGp() {
        Machine m = new Machine(true);
        assertThrows(CpuFault.class, () -> crs.write(m.s, 4, 0));
    }

    @Test
    void cr8IsTheTaskPriorityClass() {
        int[] tpr = {0};
        ControlRegisters withApic = new ControlRegisters(CpuidModel.skylake(), rec, new TaskPriority() {
            @Override
            public int priorityClass() {
                return tpr[0];
            }

            @Override
            public void setPriorityClass(int c) {
                tpr[0] = c;
            }
        });
        Machine m = new Machine(true);
        withApic.write(m.s, 8, 0xa);
        assertEquals(0xa, tpr[0]);
        tpr[0] = 3;
        assertEquals(3, withApic.read(m.s, 8));
        assertThrows(CpuFault.class, () -> withApic.write(m.s, 8, 0x10));
    }

    @Test
    void lmswCannotClearPeAndOnlyTouchesLowFourBits() {
        CpuState s = protectedNoPaging();
        crs.lmsw(s, 0xfff0 | (int) CpuState.CR0_TS);
        assertEquals(CpuState.CR0_PE | CpuState.CR0_ET | CpuState.CR0_TS, s.cr0);
        crs.clts(s);
        assertEquals(0, s.cr0 & CpuState.CR0_TS);
    }

    @Test
    void controlRegistersArePrivileged() {
        Machine m = new Machine(true);
        m.user();
        assertThrows(CpuFault.class, () -> crs.read(m.s, 0));
        assertThrows(CpuFault.class, () -> crs.write(m.s, 3, 0));
        assertThrows(CpuFault.class, () -> crs.clts(m.s));
    }
}
