package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Vectors;

class SegmentLoaderTest {
    private static final int TEST_INDEX = 13;
    private static final int TEST_SEL = TEST_INDEX << 3;
    /** Code/data types that may go into DS/ES/FS/GS: all data, readable code (SDM Vol. 3A Table 3-1). */
    private static final Set<Integer> READABLE = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 14, 15);
    private static final Set<Integer> CONFORMING = Set.of(12, 13, 14, 15);
    private static final Set<Integer> WRITABLE_DATA = Set.of(2, 3, 6, 7);

    private static Machine machineWith(long descriptor, boolean longMode, int cpl) {
        Machine m = new Machine(longMode);
        m.s.gdtrLimit = (TEST_INDEX + 1) * 8 - 1;
        m.setGdt(TEST_INDEX, descriptor);
        m.s.cpl = cpl;
        return m;
    }

    /** null = loads; otherwise {vector, error code}. */
    private static int[] outcome(Runnable r) {
        try {
            r.run();
            return null;
        } catch (CpuFault f) {
            return new int[] {f.vector, f.errorCode};
        }
    }

    @Test
    void dataSegmentChecksMatchTheSdmMatrix() {
        qt().withExamples(1500).forAll(integers().between(0, 31), integers().between(0, 3), booleans().all(),
                integers().between(0, 15)).checkAssert((typeAndS, dpl, present, rplCpl) -> {
                    int type = typeAndS & 0xf;
                    boolean s = typeAndS >= 16;
                    int rpl = rplCpl & 3;
                    int cpl = rplCpl >> 2;
                    Machine m = machineWith(Descriptor.encode(0x1000, 0xfff, type, s, dpl, present, false, true,
                            false), false, cpl);
                    int[] got = outcome(() -> new SegmentLoader(m.mem).load(m.s, CpuState.DS, TEST_SEL | rpl));
                    int[] expected;
                    if (!s || !READABLE.contains(type)) {
                        expected = new int[] {Vectors.GP, TEST_SEL};
                    } else if (!CONFORMING.contains(type) && (rpl > dpl || cpl > dpl)) {
                        expected = new int[] {Vectors.GP, TEST_SEL};
                    } else if (!present) {
                        expected = new int[] {Vectors.NP, TEST_SEL};
                    } else {
                        expected = null;
                    }
                    if (expected == null) {
                        assertEquals(null, got);
                        assertEquals(TEST_SEL | rpl, m.s.seg[CpuState.DS].selector);
                        assertEquals(0x1000, m.s.seg[CpuState.DS].base);
                        assertEquals(type | 1, m.s.seg[CpuState.DS].attributes & 0xf);
                        // The accessed bit is set in the descriptor in memory too.
                        assertEquals(1, (m.mem.read(Machine.GDT + TEST_SEL + 5, 1)) & 1);
                    } else {
                        assertEquals(expected[0], got[0]);
                        assertEquals(expected[1], got[1]);
                    }
                });
    }

    @Test
    void stackSegmentChecksMatchTheSdmMatrix() {
        qt().withExamples(1500).forAll(integers().between(0, 31), integers().between(0, 3), booleans().all(),
                integers().between(0, 15)).checkAssert((typeAndS, dpl, present, rplCpl) -> {
                    int type = typeAndS & 0xf;
                    boolean s = typeAndS >= 16;
                    int rpl = rplCpl & 3;
                    int cpl = rplCpl >> 2;
                    Machine m = machineWith(Descriptor.encode(0, 0xfffff, type, s, dpl, present, false, true, true),
                            false, cpl);
                    int[] got = outcome(() -> new SegmentLoader(m.mem).load(m.s, CpuState.SS, TEST_SEL | rpl));
                    boolean ok = s && WRITABLE_DATA.contains(type) && rpl == cpl && dpl == cpl;
                    if (!ok) {
                        assertEquals(Vectors.GP, got[0]);
                        assertEquals(TEST_SEL, got[1]);
                    } else if (!present) {
                        assertEquals(Vectors.SS, got[0]);
                        assertEquals(TEST_SEL, got[1]);
                    } else {
                        assertEquals(null, got);
                        assertEquals(TEST_SEL | rpl, m.s.seg[CpuState.SS].selector);
                    }
                });
    }

    @Test
    void nullSelectorRulesForSs() {
        Machine p = new Machine(false);
        assertEquals(Vectors.GP, assertThrows(CpuFault.class,
                () -> new SegmentLoader(p.mem).load(p.s, CpuState.SS, 0)).vector);
        Machine l = new Machine(true);
        new SegmentLoader(l.mem).load(l.s, CpuState.SS, 0);
        assertTrue(l.s.seg[CpuState.SS].isUnusable());
        // RPL must equal CPL, and CPL 3 may never load a null SS.
        assertThrows(CpuFault.class, () -> new SegmentLoader(l.mem).load(l.s, CpuState.SS, 1));
        l.user();
        assertThrows(CpuFault.class, () -> new SegmentLoader(l.mem).load(l.s, CpuState.SS, 3));
    }

    @Test
    void nullSelectorMakesDataSegmentUnusable() {
        Machine m = new Machine(true);
        new SegmentLoader(m.mem).load(m.s, CpuState.FS, 3);
        assertTrue(m.s.seg[CpuState.FS].isUnusable());
        assertEquals(3, m.s.seg[CpuState.FS].selector);
    }

    @Test
    void selectorBeyondGdtLimitIsGpWithSelector() {
        Machine m = new Machine(false);
        CpuFault f = assertThrows(CpuFault.class, () -> new SegmentLoader(m.mem).load(m.s, CpuState.ES, 0x70));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(0x70, f.errorCode);
    }

    @Test
    void ldtSelectorWithoutLdtIsGp() {
        Machine m = new Machine(false);
        CpuFault f = assertThrows(CpuFault.class, () -> new SegmentLoader(m.mem).load(m.s, CpuState.ES, 0x0c));
        assertEquals(0x0c, f.errorCode);
    }

    @Test
    void ldtDescriptorsLoadThroughLdtr() {
        Machine m = new Machine(false);
        m.mem.write(Machine.LDT + 8, 8, Descriptor.encode(0xabc000, 0xff, 0x3, true, 0, true, false, true, false));
        new SystemSegments(m.mem).lldt(m.s, Machine.LDT_SEL);
        new SegmentLoader(m.mem).load(m.s, CpuState.ES, 0x0c);
        assertEquals(0xabc000, m.s.seg[CpuState.ES].base);
    }

    @Test
    void realModeLoadSetsBaseToSelectorTimes16() {
        Machine m = new Machine(false);
        m.s.cr0 = CpuState.CR0_ET;
        new SegmentLoader(m.mem).load(m.s, CpuState.DS, 0x1234);
        assertEquals(0x12340, m.s.seg[CpuState.DS].base);
    }
}
