package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.Segment;

class DescriptorTest {
    /** Encoding then decoding gives back base, scaled limit and the VMX access-rights bits. */
    @Test
    void encodeDecodeRoundTrip() {
        qt().withExamples(1000).forAll(longs().between(0, 0xffffffffL), integers().between(0, 0xfffff),
                integers().between(0, 0xff), integers().between(0, 15)).checkAssert((base, limit, low, high) -> {
                    int type = low & 0xf;
                    boolean s = (low & 0x10) != 0;
                    int dpl = (low >> 5) & 3;
                    boolean p = (low & 0x80) != 0;
                    boolean l = (high & 2) != 0;
                    boolean db = (high & 4) != 0;
                    boolean g = (high & 8) != 0;
                    Descriptor d = Descriptor.of(Descriptor.encode(base, limit, type, s, dpl, p, l, db, g));
                    assertEquals(base, d.base());
                    assertEquals(g ? ((long) limit << 12) | 0xfff : limit, d.limit());
                    assertEquals(type, d.type());
                    assertEquals(dpl, d.dpl());
                    int ar = d.accessRights();
                    assertEquals(type, ar & Segment.ATTR_TYPE_MASK);
                    assertEquals(s, (ar & Segment.ATTR_S) != 0);
                    assertEquals(p, (ar & Segment.ATTR_P) != 0);
                    assertEquals(l, (ar & Segment.ATTR_L) != 0);
                    assertEquals(db, (ar & Segment.ATTR_DB) != 0);
                    assertEquals(g, (ar & Segment.ATTR_G) != 0);
                    assertEquals(0, ar & Segment.ATTR_UNUSABLE);
                });
    }

    @Test
    void sixteenByteSystemDescriptorHasA64BitBase() {
        long lo = Descriptor.encode(0x12345678L, 0x67, Descriptor.SYS_TSS_AVAILABLE, false, 0, true, false, false,
                false);
        Descriptor d = new Descriptor(lo, 0xffffffffL);
        assertEquals(0xffffffff12345678L, d.base());
    }

    @Test
    void canonicalityAt48Bits() {
        assertEquals(true, Canonical.isCanonical(0x00007fffffffffffL, 48));
        assertEquals(false, Canonical.isCanonical(0x0000800000000000L, 48));
        assertEquals(true, Canonical.isCanonical(0xffff800000000000L, 48));
        assertEquals(false, Canonical.isCanonical(0xfff0800000000000L, 48));
    }
}
