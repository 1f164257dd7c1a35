package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.ept.paging.ControlBits.*;
import static org.vtsim.ept.paging.EntryBits.*;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageFaultErrorCode;

/** Single facts about walks, caches and the SDM 4.10.4 invalidations, on hand-built tables. */
class MmuExamplesTest {
    private static final long PML5 = 0x1000, PML4 = 0x2000, PDPT = 0x3000, PD = 0x4000, PT = 0x5000;
    private static final long LA = 0x0000_7f12_3440_0000L; // PT index 0
    private static final long FRAME = 0x9_0000_0000L;
    private static final long FLAGS = P | RW | US | A;

    private final SparseMemory mem = new SparseMemory();

    private static int idx(long la, int level) {
        return (int) ((la >>> (12 + 9 * (level - 1))) & 0x1ff);
    }

    /** Maps LA (and its neighbours in the same page table) with 4-level or 5-level tables. */
    private Mmu fourLevel(boolean fiveLevel, long leafFlags) {
        if (fiveLevel) {
            mem.write64(PML5 + 8L * idx(LA, 5), PML4 | FLAGS);
        }
        mem.write64(PML4 + 8L * idx(LA, 4), PDPT | FLAGS);
        mem.write64(PDPT + 8L * idx(LA, 3), PD | FLAGS);
        mem.write64(PD + 8L * idx(LA, 2), PT | FLAGS);
        for (int i = 0; i < 512; i++) {
            mem.write64(PT + 8L * i, (FRAME + 0x1000L * i) | leafFlags);
        }
        Mmu mmu = new Mmu(mem);
        long cr4 = CR4_PAE | CR4_PGE | (fiveLevel ? CR4_LA57 : 0);
        assertTrue(mmu.load(CR0_PG | CR0_PE | CR0_WP, fiveLevel ? PML5 : PML4, cr4, EFER_LME | EFER_NXE));
        return mmu;
    }

    @Test
    void coldFourLevelWalkReadsFourEntriesThenHitsL1() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        assertEquals(FRAME + 0x123, mmu.translate(LA + 0x123, Access.READ));
        assertEquals(Mmu.WALK, mmu.lastOutcome());
        assertEquals(4, mmu.lastWalk().readCount());
        assertEquals(4, mmu.lastWalkReferences()); // all A and D already set: no writes
        assertEquals(FRAME + 0x456, mmu.translate(LA + 0x456, Access.WRITE));
        assertEquals(Mmu.L1_HIT, mmu.lastOutcome());
        assertEquals(0, mmu.lastWalkReferences());
    }

    @Test
    void coldFiveLevelWalkReadsFiveEntries() {
        Mmu mmu = fourLevel(true, FLAGS | D);
        mmu.translate(LA, Access.READ);
        assertEquals(5, mmu.lastWalk().readCount());
    }

    @Test
    void pdeCacheHitLeavesOneReference() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        mmu.translate(LA, Access.READ);
        mmu.translate(LA + 0x1000, Access.READ); // another page, same page table
        assertEquals(Mmu.WALK, mmu.lastOutcome());
        assertEquals(2, mmu.lastWalk().pscHitLevel());
        assertEquals(1, mmu.lastWalkReferences());
        assertEquals(1, mmu.counters().pscHits[2]);
    }

    @Test
    void pdpteCacheHitLeavesTwoReferencesWhenThePdeCacheIsOff() {
        mem.write64(PD + 8L * idx(LA, 2) + 8, PT | FLAGS); // the next 2 MiB uses the same PT
        Mmu mmu = new Mmu(mem, MmuConfig.skylake().withPagingStructureCaches(0, 4, 2, 2));
        fourLevelTablesInto(mmu);
        mmu.translate(LA, Access.READ);
        mmu.translate(LA + (1 << 21), Access.READ);
        assertEquals(3, mmu.lastWalk().pscHitLevel());
        assertEquals(2, mmu.lastWalkReferences());
    }

    private void fourLevelTablesInto(Mmu mmu) {
        mem.write64(PML4 + 8L * idx(LA, 4), PDPT | FLAGS);
        mem.write64(PDPT + 8L * idx(LA, 3), PD | FLAGS);
        mem.write64(PD + 8L * idx(LA, 2), PT | FLAGS);
        for (int i = 0; i < 512; i++) {
            mem.write64(PT + 8L * i, (FRAME + 0x1000L * i) | FLAGS | D);
        }
        assertTrue(mmu.load(CR0_PG | CR0_PE, PML4, CR4_PAE, EFER_LME));
    }

    @Test
    void accessedAndDirtyFlagsAreSetOnFirstUseAndFirstWrite() {
        Mmu mmu = fourLevel(false, P | RW | US);
        mem.write64(PML4 + 8L * idx(LA, 4), PDPT | P | RW | US); // A clear
        mmu.translate(LA, Access.READ);
        assertEquals(4 + 2, mmu.lastWalkReferences()); // 4 reads, A on the PML4E and the PTE
        long pte = mem.read64(PT + 8L * idx(LA, 1));
        assertEquals(A, pte & (A | D));
        assertTrue((mem.read64(PML4 + 8L * idx(LA, 4)) & A) != 0);
        // A write through a clean cached entry re-walks to set D (SDM 4.8).
        mmu.translate(LA, Access.WRITE);
        assertEquals(Mmu.WALK, mmu.lastOutcome());
        assertEquals(A | D, mem.read64(PT + 8L * idx(LA, 1)) & (A | D));
        assertEquals(1, mmu.counters().rewalks);
    }

    @Test
    void userWriteToSupervisorPageFaultsWithErrorCode7AndCachesNothing() {
        Mmu mmu = fourLevel(false, P | RW | A | D); // supervisor page
        long r = mmu.translate(LA, Access.WRITE | Access.USER);
        assertTrue(r < 0);
        assertEquals(PageFaultErrorCode.P | PageFaultErrorCode.W | PageFaultErrorCode.U, (int) ~r);
        assertEquals(0, mmu.occupancy()[1] + mmu.occupancy()[2]);
    }

    @Test
    void fetchFromXdPageReportsInstructionFetch() {
        Mmu mmu = fourLevel(false, FLAGS | D | XD);
        long r = mmu.translate(LA, Access.FETCH);
        assertEquals(PageFaultErrorCode.P | PageFaultErrorCode.ID, (int) ~r);
    }

    @Test
    void staleTranslationUntilInvlpgThenNewMapping() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        assertEquals(FRAME, mmu.translate(LA, Access.READ));
        mem.write64(PT + 8L * idx(LA, 1), 0xa000_0000L | FLAGS | D);
        assertEquals(FRAME, mmu.translate(LA, Access.READ)); // stale, permitted before the flush
        mmu.invlpg(LA);
        assertEquals(0xa000_0000L, mmu.translate(LA, Access.READ));
    }

    @Test
    void movCr3KeepsGlobalPagesAndDropsOthers() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        long globalPte = (FRAME + 0x1000) | FLAGS | D | G;
        mem.write64(PT + 8L * (idx(LA, 1) + 1), globalPte);
        mmu.translate(LA, Access.READ);
        mmu.translate(LA + 0x1000, Access.READ);
        mem.write64(PT + 8L * idx(LA, 1), 0xa000_0000L | FLAGS | D);
        mem.write64(PT + 8L * (idx(LA, 1) + 1), 0xb000_0000L | FLAGS | D | G);
        assertTrue(mmu.writeCr3(PML4));
        assertEquals(0xa000_0000L, mmu.translate(LA, Access.READ));
        assertEquals(FRAME + 0x1000, mmu.translate(LA + 0x1000, Access.READ)); // global survives MOV CR3
        assertTrue(mmu.writeCr4(mmu.context().cr4 & ~CR4_PGE)); // PGE change flushes globals too
        assertEquals(0xb000_0000L, mmu.translate(LA + 0x1000, Access.READ));
    }

    @Test
    void pcidTagsKeepOtherAddressSpacesAndNoFlushBitKeepsOwn() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        assertTrue(mmu.load(CR0_PG | CR0_PE, PML4 | 1, CR4_PAE | CR4_PCIDE, EFER_LME));
        mmu.translate(LA, Access.READ); // cached under PCID 1
        mem.write64(PT + 8L * idx(LA, 1), 0xa000_0000L | FLAGS | D);
        assertTrue(mmu.writeCr3(PML4 | 2)); // flushes PCID 2 only
        assertEquals(0xa000_0000L, mmu.translate(LA, Access.READ));
        assertTrue(mmu.writeCr3(PML4 | 1 | CR3_NO_FLUSH));
        assertEquals(1, mmu.context().pcid);
        assertEquals(FRAME, mmu.translate(LA, Access.READ)); // PCID 1's stale entry kept
        assertFalse((mmu.context().cr3 & CR3_NO_FLUSH) != 0);
        mmu.invpcid(1, 1, 0);
        assertEquals(0xa000_0000L, mmu.translate(LA, Access.READ));
    }

    @Test
    void invpcidIndividualAddressSparesGlobals() {
        Mmu mmu = fourLevel(false, FLAGS | D | G);
        assertTrue(mmu.writeCr4(mmu.context().cr4)); // no change, no flush
        mmu.translate(LA, Access.READ);
        mem.write64(PT + 8L * idx(LA, 1), 0xa000_0000L | FLAGS | D | G);
        mmu.invpcid(0, 0, LA);
        assertEquals(FRAME, mmu.translate(LA, Access.READ));
        mmu.invpcid(3, 0, 0);
        assertEquals(FRAME, mmu.translate(LA, Access.READ));
        mmu.invpcid(2, 0, 0);
        assertEquals(0xa000_0000L, mmu.translate(LA, Access.READ));
    }

    /** Each INVPCID is one invalidation operation, whatever its type (type 2 once counted twice). */
    @Test
    void everyInvpcidTypeCountsOneInvalidation() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        for (int type = 0; type <= 3; type++) {
            long before = mmu.counters().invalidations;
            mmu.invpcid(type, 0, LA);
            assertEquals(before + 1, mmu.counters().invalidations, "INVPCID type " + type);
        }
    }

    /** Found by StaleTranslationsTest: type 0 must cut a canonical upper-half address like translate does. */
    @Test
    void invpcidIndividualAddressReachesUpperHalfCanonicalAddresses() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        long high = LA | 0xffff_8000_0000_0000L; // PML4 index 0x1fe, same lower indices as LA
        mem.write64(PML4 + 8L * idx(high, 4), PDPT | FLAGS);
        assertEquals(FRAME + 0x10, mmu.translate(high + 0x10, Access.READ));
        mem.write64(PT + 8L * idx(LA, 1), 0xa000_0000L | FLAGS | D);
        mmu.invpcid(0, 0, high);
        assertEquals(0xa000_0010L, mmu.translate(high + 0x10, Access.READ));
    }

    @Test
    void pagingOffIsIdentityAndClearingPgFlushes() {
        Mmu mmu = fourLevel(false, FLAGS | D);
        mmu.translate(LA, Access.READ);
        assertTrue(mmu.writeCr0(CR0_PE));
        assertEquals(0x1234, mmu.translate(0x1234, Access.WRITE));
        assertEquals(Mmu.PAGING_OFF, mmu.lastOutcome());
        int[] occ = mmu.occupancy();
        assertEquals(0, occ[0] + occ[1] + occ[2] + occ[3]);
    }

    @Test
    void paeLoadsPdptesAndRejectsReservedBits() {
        mem.write64(0x6000, PD | P);
        mem.write64(PD, 0x20_0000L | P | RW | PS | A | D); // 2 MiB page at 2 MiB
        Mmu mmu = new Mmu(mem);
        assertTrue(mmu.load(CR0_PG | CR0_PE, 0x6000, CR4_PAE, 0));
        assertEquals(0x20_0042L, mmu.translate(0x42, Access.READ));
        assertEquals(1, mmu.lastWalk().readCount()); // the PDPTE is a register
        mem.write64(0x6008, PD | P | RW); // R/W is reserved in a PAE PDPTE
        assertFalse(mmu.writeCr3(0x6000));
        assertEquals(0x6000, mmu.context().cr3);
    }

    @Test
    void oneGigabytePageThroughTheItlbIsFracturedAndInvlpgDropsEveryPiece() {
        mem.write64(PML4 + 8L * idx(LA, 4), PDPT | FLAGS);
        mem.write64(PDPT + 8L * idx(LA, 3), 0x4000_0000L | FLAGS | D | PS);
        Mmu mmu = new Mmu(mem);
        assertTrue(mmu.load(CR0_PG | CR0_PE, PML4, CR4_PAE, EFER_LME));
        long base = LA & ~((1L << 30) - 1);
        assertEquals(0x4000_0000L + 0x10, mmu.translate(base + 0x10, Access.FETCH));
        assertEquals(2, mmu.lastWalk().readCount());
        assertEquals(0x4000_0000L + (5L << 21), mmu.translate(base + (5L << 21), Access.FETCH));
        assertEquals(Mmu.L2_HIT, mmu.lastOutcome()); // STLB has the 1G entry; ITLB gets 2M pieces
        mmu.translate(base + (5L << 21), Access.FETCH);
        assertEquals(Mmu.L1_HIT, mmu.lastOutcome());
        mmu.invlpg(base + 0x10); // another piece's address: every piece of the page goes
        mmu.translate(base + (5L << 21), Access.FETCH);
        assertEquals(Mmu.WALK, mmu.lastOutcome());
    }
}
