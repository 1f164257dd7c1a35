package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.Vectors;

class SystemSegmentsTest {
    @Test
    void ltrMarksTheTssBusyInMemoryAndInTr() {
        Machine m = new Machine(true);
        m.mem.write(Machine.GDT + Machine.TSS_SEL + 8, 8, 0xffffffffL); // base 63:32
        new SystemSegments(m.mem).ltr(m.s, Machine.TSS_SEL);
        assertEquals(Descriptor.SYS_TSS_BUSY, m.s.tr.attributes & Segment.ATTR_TYPE_MASK);
        assertEquals(0xffffffff00000000L | Machine.TSS, m.s.tr.base);
        assertEquals(0x8b, m.mem.read(Machine.GDT + Machine.TSS_SEL + 5, 1));
        // Loading it again finds a busy TSS: #GP(selector).
        CpuFault f = assertThrows(CpuFault.class, () -> new SystemSegments(m.mem).ltr(m.s, Machine.TSS_SEL));
        assertEquals(Machine.TSS_SEL, f.errorCode);
    }

    @Test
    void ltrRejectsNullLdtSelectorsAndNonCanonicalBases() {
        Machine m = new Machine(true);
        SystemSegments sys = new SystemSegments(m.mem);
        assertEquals(0, assertThrows(CpuFault.class, () -> sys.ltr(m.s, 0)).errorCode);
        assertEquals(0x3c, assertThrows(CpuFault.class, () -> sys.ltr(m.s, 0x3c)).errorCode);
        m.mem.write(Machine.GDT + Machine.TSS_SEL + 8, 8, 0x00008000L);
        assertEquals(Machine.TSS_SEL, assertThrows(CpuFault.class, () -> sys.ltr(m.s, Machine.TSS_SEL)).errorCode);
    }

    @Test
    void sixteenByteDescriptorWithNonZeroUpperTypeIsGp() {
        Machine m = new Machine(true);
        m.mem.write(Machine.GDT + Machine.LDT_SEL + 8, 8, 1L << 40);
        CpuFault f = assertThrows(CpuFault.class, () -> new SystemSegments(m.mem).lldt(m.s, Machine.LDT_SEL));
        assertEquals(Machine.LDT_SEL, f.errorCode);
    }

    @Test
    void lldtLoadsOrNullsLdtr() {
        Machine m = new Machine(true);
        SystemSegments sys = new SystemSegments(m.mem);
        sys.lldt(m.s, Machine.LDT_SEL);
        assertEquals(Machine.LDT, m.s.ldtr.base);
        assertEquals(0xff, m.s.ldtr.limit);
        sys.lldt(m.s, 0);
        assertTrue(m.s.ldtr.isUnusable());
        assertEquals(Vectors.GP, assertThrows(CpuFault.class, () -> sys.lldt(m.s, Machine.DATA_0)).vector);
        m.mem.write(Machine.GDT + Machine.LDT_SEL + 5, 1, 0x02); // not present
        assertEquals(Vectors.NP, assertThrows(CpuFault.class, () -> sys.lldt(m.s, Machine.LDT_SEL)).vector);
    }

    @Test
    void lldtAndLtrArePrivileged() {
        Machine m = new Machine(false);
        m.user();
        assertEquals(Vectors.GP, assertThrows(CpuFault.class,
                () -> new SystemSegments(m.mem).lldt(m.s, Machine.LDT_SEL)).vector);
        assertEquals(Vectors.GP, assertThrows(CpuFault.class,
                () -> new SystemSegments(m.mem).ltr(m.s, Machine.TSS_SEL)).vector);
    }

    @Test
    void protectedModeLtrAccepts16BitTssButIa32eDoesNot() {
        Machine p = new Machine(false);
        p.setGdt(12, Descriptor.encode(0x6000, 0x2b, Descriptor.SYS_TSS16_AVAILABLE, false, 0, true, false, false,
                false));
        new SystemSegments(p.mem).ltr(p.s, 0x60);
        assertEquals(Descriptor.SYS_TSS16_BUSY, p.s.tr.attributes & Segment.ATTR_TYPE_MASK);
        Machine l = new Machine(true);
        l.setGdt(12, Descriptor.encode(0x6000, 0x2b, Descriptor.SYS_TSS16_AVAILABLE, false, 0, true, false, false,
                false));
        l.s.gdtrLimit = 0x6f;
        assertThrows(CpuFault.class, () -> new SystemSegments(l.mem).ltr(l.s, 0x60));
    }
}
