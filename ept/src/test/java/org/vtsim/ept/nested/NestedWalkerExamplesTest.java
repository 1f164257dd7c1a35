package org.vtsim.ept.nested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.ept.paging.ControlBits.*;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.ept.EptViolation;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.EntryBits;
import org.vtsim.ept.paging.Ia32eFormat;
import org.vtsim.ept.paging.PagingContext;

/** Single facts of the 2-D walk that the random property does not single out. */
class NestedWalkerExamplesTest {
    private static final long OFFSET = 0x8_0000_0000L;
    private static final long WB = (long) EptMemoryType.WB << EptEntryBits.MEMORY_TYPE_SHIFT;

    private final SparseMemory host = new SparseMemory();
    private final EptBuilder ept = new EptBuilder(host, 4, 0x1_0000_0000L, 1 << 20);
    private final NestedWalker walker = new NestedWalker(host);
    private final NestedWalkResult r = new NestedWalkResult();
    private final EptCapabilities caps = EptCapabilities.full(46);

    @Test
    void guestPagingOffTranslatesTheLinearAddressAsGuestPhysical() {
        ept.map(0x5000, 0x5000 + OFFSET, 12, EptEntryBits.R | WB);
        EptContext ctx = EptContext.of(ept.eptp(6, false), caps);
        assertTrue(walker.walk(PagingContext.pagingOff(), ctx, 0x5123, Access.READ, r), r::toString);
        assertEquals(0x5123 + OFFSET, r.hpa());
        assertEquals(4, r.referenceCount());
        assertFalse(walker.walk(PagingContext.pagingOff(), ctx, 0x5123, Access.WRITE | Access.USER, r));
        EptViolation v = r.violation();
        assertEquals(2 | 1L << 3 | 1L << 7 | 1L << 8, v.exitQualification(false),
                "write, readable, linear valid, final; supervisor and not writable: no guest entries");
        assertEquals(0x5123, v.guestPhysical());
        assertEquals(0x5123, v.guestLinear());
    }

    /** A 4-level guest mapping la -> DATA, its tables at gpa 0x10000.. (EPT-mapped 4K pages, given leaf bits). */
    private PagingContext guest(long la, long dataGpa, long guestFlags, long tableEptBits) {
        long[] tables = {0x10000, 0x11000, 0x12000, 0x13000};
        for (int i = 0; i < 4; i++) {
            int level = 4 - i;
            long index = (la >>> (12 + 9 * (level - 1))) & 0x1ff;
            long next = i < 3 ? tables[i + 1] : dataGpa;
            host.write64(tables[i] + OFFSET + 8 * index, next | guestFlags);
            ept.map(tables[i], tables[i] + OFFSET, 12, tableEptBits);
        }
        return PagingContext.of(CR0_PG | CR0_PE, tables[0], CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE, null);
    }

    @Test
    void guestAccessedFlagUpdateNeedsEptWritePermission() {
        long la = 0x7f00_1234_5000L;
        long flags = EntryBits.P | EntryBits.RW | EntryBits.US; // A clear: the walk must set it
        PagingContext g = guest(la, 0x40_0000, flags, EptEntryBits.R | WB);
        ept.map(0x40_0000, 0x40_0000 + OFFSET, 12, EptEntryBits.R | EptEntryBits.W | WB);
        EptContext ctx = EptContext.of(ept.eptp(6, false), caps);
        assertFalse(walker.walk(g, ctx, la, Access.READ, r));
        EptViolation v = r.violation();
        assertEquals(3 | 1L << 3 | 1L << 7, v.exitQualification(false),
                "read-modify-write of the PML4E, readable only, linear valid, not the final translation");
        assertEquals(0x10000 + 8 * ((la >>> 39) & 0x1ff), v.guestPhysical());
        assertEquals(Ia32eFormat.FOUR_LEVEL, g.format);
    }

    @Test
    void eptAdTurnsGuestTableReadsIntoWritesAndDirtiesTheirPages() {
        long la = 0x7f00_1234_5000L;
        long flags = EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A | EntryBits.D;
        PagingContext g = guest(la, 0x40_0000, flags, EptEntryBits.R | WB);
        ept.map(0x40_0000, 0x40_0000 + OFFSET, 12, EptEntryBits.R | EptEntryBits.W | WB);
        assertTrue(walker.walk(g, EptContext.of(ept.eptp(6, false), caps), la, Access.READ, r), r::toString);
        assertFalse(walker.walk(g, EptContext.of(ept.eptp(6, true), caps), la, Access.READ, r));
        assertEquals(3 | 1L << 3 | 1L << 7, r.violation().exitQualification(false));
        assertEquals(0x10000 + 8 * ((la >>> 39) & 0x1ff), r.violation().guestPhysical());
    }

    @Test
    void finalViolationReportsTheGuestTranslationsRights() {
        long la = 0x7f00_1234_5000L;
        long flags = EntryBits.P | EntryBits.US | EntryBits.A | EntryBits.D | EntryBits.XD; // read-only, user, XD
        PagingContext g = guest(la, 0x40_0000, flags, EptEntryBits.R | EptEntryBits.W | WB);
        ept.map(0x40_0000, 0x40_0000 + OFFSET, 12, EptEntryBits.X | WB); // execute-only
        assertFalse(walker.walk(g, EptContext.of(ept.eptp(6, false), caps), la | 0x10, Access.READ | Access.USER, r));
        assertEquals(1 | 4L << 3 | 1L << 7 | 1L << 8 | 1L << 9 | 1L << 11, r.violation().exitQualification(false));
        assertEquals(0x40_0010, r.violation().guestPhysical());
        assertEquals(la | 0x10, r.violation().guestLinear());
        EptCapabilities basic = caps.withAdvancedExitInfo(false);
        assertFalse(walker.walk(g, EptContext.of(ept.eptp(6, false), basic), la, Access.READ | Access.USER, r));
        assertEquals(1 | 4L << 3 | 1L << 7 | 1L << 8, r.violation().exitQualification(false));
    }

    @Test
    void combinedPageIsTheSmallerOfTheTwo() {
        long la = 0x7f00_1234_5000L;
        long flags = EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A | EntryBits.D;
        PagingContext g = guest(la, 0x4000_0000L, flags, EptEntryBits.R | EptEntryBits.W | WB);
        ept.map(0x4000_0000L, 0x4000_0000L + OFFSET, 30, EptEntryBits.R | WB);
        assertTrue(walker.walk(g, EptContext.of(ept.eptp(6, false), caps), la, Access.READ, r), r::toString);
        assertEquals(12, r.guestPageShift());
        assertEquals(30, r.eptPageShift());
        assertEquals(12, r.combinedPageShift());
    }
}
