package org.vtsim.ept.ept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.ept.ept.EptEntryBits.*;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;

/** Single facts of EPT translation (SDM Vol. 3C 28.3), one per test. */
class EptWalkerExamplesTest {
    private static final long TABLES = 0x10_0000L;
    private static final long WB = (long) EptMemoryType.WB << MEMORY_TYPE_SHIFT;
    private static final long GPA = 0x1234_5678L;

    private final SparseMemory host = new SparseMemory();
    private final EptBuilder b = new EptBuilder(host, 4, TABLES, 1 << 20);
    private final EptWalker walker = new EptWalker(host);
    private final EptWalkResult r = new EptWalkResult();
    private final EptCapabilities caps = EptCapabilities.full(46);

    private EptContext ctx(boolean ad) {
        return EptContext.of(b.eptp(EptMemoryType.WB, ad), caps);
    }

    /** The address of the level-{@code level} entry for {@link #GPA} (after mapping it with 4 KiB pages). */
    private long entryAddress(int level) {
        walker.walk(ctx(false), GPA, EptAccess.READ, r);
        assertEquals(4, r.readCount(), r::toString);
        return r.referenceAddress(4 - level);
    }

    @Test
    void fourKilobytePageTakesFourReads() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | X | WB | IPAT);
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.READ, r), r::toString);
        assertEquals(0x9_0000_0678L, r.hpa());
        assertEquals(12, r.pageShift());
        assertEquals(4, r.referenceCount());
        assertEquals(EptMemoryType.WB, r.memoryType());
        assertTrue(r.ignorePat());
        assertEquals(PERM_R | PERM_W | PERM_X, r.permissions());
    }

    @Test
    void largePagesTakeFewerReads() {
        b.map(0x4000_0000L, 0x8_0000_0000L, 30, R | W | WB);
        b.map(0x20_0000L, 0x7_0000_0000L, 21, R | WB);
        assertTrue(walker.walk(ctx(false), 0x4123_4567L, EptAccess.WRITE, r), r::toString);
        assertEquals(0x8_0123_4567L, r.hpa());
        assertEquals(2, r.referenceCount());
        assertTrue(walker.walk(ctx(false), 0x2f_0001L, EptAccess.READ, r), r::toString);
        assertEquals(0x7_000f_0001L, r.hpa());
        assertEquals(3, r.referenceCount());
    }

    @Test
    void permissionsAreTheAndOverAllLevels() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | X | WB);
        long pdpte = entryAddress(3);
        host.write64(pdpte, host.read64(pdpte) & ~W);
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.WRITE, r));
        assertEquals(EptWalkResult.Outcome.VIOLATION, r.outcome());
        assertEquals(PERM_R | PERM_X, r.permissions());
        assertEquals(2, r.qualificationAccess());
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.READ, r));
    }

    @Test
    void notPresentIsAViolationWithNoPermissions() {
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.FETCH, r));
        assertEquals(EptWalkResult.Outcome.VIOLATION, r.outcome());
        assertEquals(0, r.permissions());
        assertEquals(4, r.qualificationAccess());
        assertEquals(1, r.referenceCount());
    }

    @Test
    void executeOnlyNeedsTheCapability() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, X | WB);
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.FETCH, r));
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.READ, r));
        assertEquals(PERM_X, r.permissions());
        EptContext noXo = EptContext.of(b.eptp(6, false), caps.withExecuteOnly(false));
        assertFalse(walker.walk(noXo, GPA, EptAccess.FETCH, r));
        assertEquals(EptMisconfigReason.EXECUTE_ONLY_UNSUPPORTED, r.misconfigReason());
    }

    @Test
    void writeWithoutReadIsAMisconfiguration() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, W | WB);
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.READ, r));
        assertEquals(EptWalkResult.Outcome.MISCONFIG, r.outcome());
        assertEquals(EptMisconfigReason.WRITE_WITHOUT_READ, r.misconfigReason());
        assertEquals(1, r.faultLevel());
    }

    @Test
    void misconfigurationBelowWinsOverAPermissionMissingAbove() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | (7L << MEMORY_TYPE_SHIFT));
        long pml4e = entryAddress(4);
        host.write64(pml4e, host.read64(pml4e) & ~W);
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.WRITE, r));
        assertEquals(EptMisconfigReason.INVALID_MEMORY_TYPE, r.misconfigReason());
    }

    @Test
    void reservedBitsPerLevel() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | WB);
        long pml4e = entryAddress(4);
        long good = host.read64(pml4e);
        host.write64(pml4e, good | PS);
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.READ, r));
        assertEquals(EptMisconfigReason.RESERVED_BIT, r.misconfigReason());
        host.write64(pml4e, good | 1L << 46);
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.READ, r));
        assertEquals(EptMisconfigReason.RESERVED_BIT, r.misconfigReason());
        host.write64(pml4e, good | 1L << 52 | 1L << 11); // ignored bits
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.READ, r));
    }

    @Test
    void misalignedLargePagesAndUnsupportedSizes() {
        b.map(0x4000_0000L, 0x8_0000_0000L, 30, R | W | WB);
        EptContext ctx = ctx(false);
        assertTrue(walker.walk(ctx, 0x4000_0000L, EptAccess.READ, r));
        long pdpte = r.referenceAddress(1);
        host.write64(pdpte, host.read64(pdpte) | 1L << 21); // bits 29:12 reserved in a 1 GiB leaf
        assertFalse(walker.walk(ctx, 0x4000_0000L, EptAccess.READ, r));
        assertEquals(EptMisconfigReason.RESERVED_BIT, r.misconfigReason());
        host.write64(pdpte, host.read64(pdpte) & ~(1L << 21));
        EptContext no1G = EptContext.of(b.eptp(6, false), caps.withLargePages(true, false));
        assertFalse(walker.walk(no1G, 0x4000_0000L, EptAccess.READ, r));
        assertEquals(EptMisconfigReason.LARGE_PAGE_UNSUPPORTED, r.misconfigReason());
    }

    @Test
    void modeBasedExecuteSplitsUserAndSupervisorFetches() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | UX | WB);
        EptContext mbec = EptContext.of(b.eptp(6, false), true, caps);
        assertTrue(walker.walk(mbec, GPA, EptAccess.FETCH | EptAccess.USER_LINEAR, r));
        assertFalse(walker.walk(mbec, GPA, EptAccess.FETCH, r));
        assertEquals(PERM_R | PERM_UX, r.permissions());
        // Without the control, bit 10 is ignored: no execute at all, and UX is not reported.
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.FETCH | EptAccess.USER_LINEAR, r));
        assertEquals(PERM_R, r.permissions());
    }

    @Test
    void bitTenAloneIsPresentOnlyUnderModeBasedExecute() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, UX | WB);
        EptContext mbec = EptContext.of(b.eptp(6, false), true, caps);
        assertTrue(walker.walk(mbec, GPA, EptAccess.FETCH | EptAccess.USER_LINEAR, r), r::toString);
        EptContext mbecNoXo = EptContext.of(b.eptp(6, false), true, caps.withExecuteOnly(false));
        assertFalse(walker.walk(mbecNoXo, GPA, EptAccess.FETCH | EptAccess.USER_LINEAR, r));
        assertEquals(EptMisconfigReason.EXECUTE_ONLY_UNSUPPORTED, r.misconfigReason());
        assertFalse(walker.walk(ctx(false), GPA, EptAccess.FETCH | EptAccess.USER_LINEAR, r));
        assertEquals(EptWalkResult.Outcome.VIOLATION, r.outcome());
        assertEquals(1, r.faultLevel());
    }

    @Test
    void accessedAndDirtyFlagsOnlyWithEptpBit6() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | WB);
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.WRITE, r));
        assertEquals(r.readCount(), r.referenceCount());
        assertTrue(walker.walk(ctx(true), GPA, EptAccess.READ, r));
        assertEquals(8, r.referenceCount(), "A set in each of the four entries: " + r);
        assertFalse(r.dirty());
        assertTrue(walker.walk(ctx(true), GPA, EptAccess.WRITE, r));
        assertEquals(5, r.referenceCount(), "only the leaf's D is new: " + r);
        assertTrue(r.dirty());
        assertEquals(A | D, host.read64(r.referenceAddress(3)) & (A | D));
        assertTrue(walker.walk(ctx(true), GPA, EptAccess.WRITE, r));
        assertEquals(4, r.referenceCount());
    }

    @Test
    void guestPagingStructureAccessesAreWritesUnderEptAd() {
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | WB);
        assertTrue(walker.walk(ctx(false), GPA, EptAccess.PAGING_STRUCTURE, r));
        assertFalse(walker.walk(ctx(true), GPA, EptAccess.PAGING_STRUCTURE, r));
        assertEquals(3, r.qualificationAccess(), "SDM 27.2.1: both read and write bits");
        b.map(GPA & ~0xfffL, 0x9_0000_0000L, 12, R | W | WB);
        assertTrue(walker.walk(ctx(true), GPA, EptAccess.PAGING_STRUCTURE, r));
        assertTrue(r.dirty(), "SDM 28.3.5: the dirty flag of the guest table's page is set");
    }

    @Test
    void violationQualificationBits() {
        EptViolation v = new EptViolation(2, PERM_R | PERM_X, true, true, true, true, false, true, 0x1000, 0x2000);
        assertEquals(2 | 5L << 3 | 1L << 7 | 1L << 8 | 1L << 9 | 1L << 11, v.exitQualification(false));
        assertEquals(v.exitQualification(false) | 1L << 12, v.exitQualification(true));
        EptViolation entry = new EptViolation(3, 0, true, false, true, true, true, true, 0x1000, 0x2000);
        assertEquals(3 | 1L << 7, entry.exitQualification(false), "bits 11:9 only for the final translation");
        EptViolation noLinear = new EptViolation(1, PERM_R, false, true, false, false, false, false, 0x1000, 0);
        assertEquals(1 | 1L << 3, noLinear.exitQualification(false), "bit 8 only with bit 7");
    }
}
