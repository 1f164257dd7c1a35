package org.vtsim.ept.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.ept.paging.ControlBits.*;
import static org.vtsim.ept.paging.EntryBits.*;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;

/**
 * Single facts about the caches of SDM Vol. 3C 28.4 through {@link NestedMmu}: what VM entries and exits
 * keep with and without VPID, what INVEPT and INVVPID leave, which dimension a stale result comes from,
 * and the references a partly cached 2-D walk makes. Guest tables (4-level, 4 KiB pages) live in
 * guest-physical memory; two EPTs map guest-physical {@code g} to host {@code g + OFF_A} or {@code g + OFF_B}.
 */
class NestedMmuExamplesTest {
    static final long PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000;
    static final long LA = 0x0000_7f12_3440_0000L; // PT index 0
    static final long FRAMES = 0x10_0000; // guest-physical frame of PT index i: FRAMES + i * 4 KiB
    static final long OFF_A = 0x1_0000_0000L, OFF_B = 0x2_0000_0000L;
    static final long FLAGS = P | RW | US | A | D;
    static final int PAGES = 8;
    static final EptCapabilities CAPS = EptCapabilities.full(PagingContext.DEFAULT_MAXPHYADDR);
    static final long CR0 = CR0_PG | CR0_PE | CR0_WP, CR4 = CR4_PAE | CR4_PGE, EFER = EFER_LME | EFER_LMA | EFER_NXE;

    final SparseMemory host = new SparseMemory();
    final EptBuilder eptA = new EptBuilder(host, 4, 0x8000_0000L, 1 << 20);
    final EptBuilder eptB = new EptBuilder(host, 4, 0x9000_0000L, 1 << 20);
    final EptContext ctxA = EptContext.of(eptA.eptp(EptMemoryType.WB, false), CAPS);
    final EptContext ctxB = EptContext.of(eptB.eptp(EptMemoryType.WB, false), CAPS);

    NestedMmuExamplesTest() {
        for (long off : new long[] {OFF_A, OFF_B}) {
            guestWrite(off, PML4 + 8L * idx(LA, 4), PDPT | FLAGS);
            guestWrite(off, PDPT + 8L * idx(LA, 3), PD | FLAGS);
            guestWrite(off, PD + 8L * idx(LA, 2), PT | FLAGS);
            for (int i = 0; i < PAGES; i++) {
                guestWrite(off, PT + 8L * i, (FRAMES + 0x1000L * i) | FLAGS | (i == 0 ? G : 0));
            }
        }
        for (long g : new long[] {PML4, PDPT, PD, PT}) {
            eptA.map(g, g + OFF_A, 12, EptBuilder.RWX_WB);
            eptB.map(g, g + OFF_B, 12, EptBuilder.RWX_WB);
        }
        for (int i = 0; i < PAGES; i++) {
            long g = FRAMES + 0x1000L * i;
            eptA.map(g, g + OFF_A, 12, EptBuilder.RWX_WB);
            eptB.map(g, g + OFF_B, 12, EptBuilder.RWX_WB);
        }
    }

    static int idx(long la, int level) {
        return (int) ((la >>> (12 + 9 * (level - 1))) & 0x1ff);
    }

    void guestWrite(long off, long gpa, long value) {
        host.write64(gpa + off, value);
    }

    NestedMmu entered(EptContext ept, boolean enableVpid, int vpid) {
        NestedMmu m = new NestedMmu(host, MmuConfig.skylake());
        m.vmEntry(CR0, PML4, CR4, EFER, null, ept, enableVpid, vpid);
        return m;
    }

    static long page(int i) {
        return LA + 0x1000L * i;
    }

    @Test
    void coldWalkWithoutPagingStructureCachesMakes24ReferencesThenCombinedHit() {
        NestedMmu m = new NestedMmu(host, MmuConfig.skylake().withPagingStructureCaches(0, 0, 0, 0));
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 1);
        assertEquals(FRAMES + 0x1000 + OFF_A + 0x10, m.translate(page(1) + 0x10, Access.READ));
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        assertEquals(4, m.lastGuestReferences());
        assertEquals(20, m.lastEptReferences());
        assertEquals(FRAMES + 0x1000 + OFF_A + 0x20, m.translate(page(1) + 0x20, Access.WRITE));
        assertEquals(NestedMmu.L1_HIT, m.lastOutcome());
        assertEquals(0, m.lastGuestReferences() + m.lastEptReferences());
        assertEquals(1, m.counters().walks);
        assertEquals(24, m.counters().walkReferences());
    }

    @Test
    void coldWalkWithEptPagingStructureCachesMakes12() {
        // The four guest tables and the data page share one EPT PDE: after the first EPT walk (4 reads) each
        // of the other four guest-physical translations starts below the cached EPT PDE (1 read each).
        NestedMmu m = entered(ctxA, true, 1);
        m.translate(page(1), Access.READ);
        assertEquals(4, m.lastGuestReferences());
        assertEquals(8, m.lastEptReferences());
        assertEquals(4, m.counters().eptPscHits[2]);
    }

    @Test
    void neighbourPageWalksFromBothPagingStructureCaches() {
        NestedMmu m = entered(ctxA, true, 1);
        m.translate(page(1), Access.READ);
        m.translate(page(2), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        // Combined PDE-cache entry: only the PTE is read; its table's guest-physical mapping is cached; the new
        // data page's EPT walk starts below the cached EPT PDE: one EPT read.
        assertEquals(2, m.lastWalk().guestPscHitLevel());
        assertEquals(1, m.lastGuestReferences());
        assertEquals(1, m.lastEptReferences());
        assertEquals(1, m.lastWalk().gpaCacheHits());
        assertEquals(1, m.counters().guestPscHits[2]);
        assertEquals(5, m.counters().eptPscHits[2]);
    }

    @Test
    void withVpidAVmExitAndEntryKeepTheCombinedMappings() {
        NestedMmu m = entered(ctxA, true, 7);
        m.translate(page(3), Access.READ);
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 7);
        long walks = m.counters().walks;
        assertEquals(FRAMES + 0x3000 + OFF_A, m.translate(page(3), Access.READ));
        assertEquals(NestedMmu.L1_HIT, m.lastOutcome());
        assertEquals(walks, m.counters().walks);
    }

    @Test
    void withoutVpidAVmExitFlushesTheCombinedMappings() {
        NestedMmu m = entered(ctxA, false, 7);
        m.translate(page(3), Access.READ);
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, false, 7);
        assertEquals(FRAMES + 0x3000 + OFF_A, m.translate(page(3), Access.READ));
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        // Guest-physical mappings survive VMX transitions (SDM 28.4.3.2): every EPT translation is cached.
        assertEquals(0, m.lastEptReferences());
        assertEquals(4, m.lastGuestReferences());
    }

    @Test
    void anotherVpidDoesNotSeeTheFirstOnesMappings() {
        NestedMmu m = entered(ctxA, true, 1);
        m.translate(page(3), Access.READ);
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 2);
        m.translate(page(3), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome());
    }

    @Test
    void vpidOnKeepsTheHostsLinearMappingsAndVpidOffFlushesThem() {
        for (boolean vpidOn : new boolean[] {true, false}) {
            SparseMemory mem = host;
            Mmu root = new Mmu(mem);
            // The host maps its own linear address through the guest's PML4 at host-physical PML4 + OFF_A.
            assertTrue(root.load(CR0, PML4 + OFF_A, CR4, EFER));
            long hostLa = page(0);
            // Host tables hold guest-physical pointers; point them at host copies for the host's own use.
            mem.write64(PML4 + OFF_A + 8L * idx(hostLa, 4), (PDPT + OFF_A) | FLAGS);
            mem.write64(PDPT + OFF_A + 8L * idx(hostLa, 3), (PD + OFF_A) | FLAGS);
            mem.write64(PD + OFF_A + 8L * idx(hostLa, 2), (PT + OFF_A) | FLAGS);
            root.translate(hostLa, Access.READ);
            NestedMmu m = new NestedMmu(root);
            m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, vpidOn, 3);
            m.vmExit();
            root.translate(hostLa, Access.READ);
            assertEquals(vpidOn ? Mmu.L1_HIT : Mmu.WALK, root.lastOutcome(), "VPID " + vpidOn);
        }
    }

    @Test
    void inveptSingleContextLeavesOtherEptpsEntries() {
        NestedMmu m = entered(ctxA, true, 1);
        m.translate(page(4), Access.READ);
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxB, true, 1);
        assertEquals(FRAMES + 0x4000 + OFF_B, m.translate(page(4), Access.READ));
        assertEquals(NestedMmu.WALK, m.lastOutcome(), "combined mappings are tagged by EP4TA");
        m.vmExit();
        m.invept(1, ctxA.eptp);
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxB, true, 1);
        m.translate(page(4), Access.READ);
        assertEquals(NestedMmu.L1_HIT, m.lastOutcome());
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 1);
        m.translate(page(4), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        assertEquals(8, m.lastEptReferences(), "INVEPT dropped EPTP A's guest-physical mappings and EPT PSC entries");
        m.invept(2, 0);
        m.translate(page(4), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome());
    }

    @Test
    void guestPhysicalMappingsAreNotSharedAcrossEptps() {
        NestedMmu m = entered(ctxA, true, 1);
        m.translate(page(5), Access.READ);
        m.vmExit();
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxB, true, 2);
        assertEquals(FRAMES + 0x5000 + OFF_B, m.translate(page(5), Access.READ));
        assertEquals(0, m.lastWalk().gpaCacheHits());
        assertEquals(8, m.lastEptReferences());
    }

    @Test
    void invvpidRetainingGlobalsKeepsGlobalEntries() {
        NestedMmu m = entered(ctxA, true, 9);
        m.translate(page(0), Access.READ); // PTE 0 is global
        m.translate(page(1), Access.READ);
        m.vmExit();
        m.invvpid(3, 9, 0);
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 9);
        m.translate(page(0), Access.READ);
        assertEquals(NestedMmu.L1_HIT, m.lastOutcome());
        m.translate(page(1), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        m.vmExit();
        m.invvpid(1, 9, 0);
        m.vmEntry(CR0, PML4, CR4, EFER, null, ctxA, true, 9);
        m.translate(page(0), Access.READ);
        assertEquals(NestedMmu.WALK, m.lastOutcome(), "single-context drops globals");
    }

    @Test
    void aStaleGuestEntryIsSeenUntilInvlpgAndAStaleEptEntryUntilInvept() {
        NestedMmu m = entered(ctxA, true, 1);
        long old = FRAMES + 0x6000 + OFF_A;
        assertEquals(old, m.translate(page(6), Access.READ));
        // Guest remaps page 6 to frame 7: stale until INVLPG.
        guestWrite(OFF_A, PT + 8L * 6, (FRAMES + 0x7000) | FLAGS);
        assertEquals(old, m.translate(page(6), Access.READ));
        m.invlpg(page(6));
        assertEquals(FRAMES + 0x7000 + OFF_A, m.translate(page(6), Access.READ));
        // The VMM remaps guest-physical frame 7 elsewhere: INVVPID drops the combined mapping, but the cached
        // guest-physical mapping still gives the old frame (INVVPID need not touch it, SDM 28.4.3.2) ...
        eptA.map(FRAMES + 0x7000, 0x7777_7000L, 12, EptBuilder.RWX_WB);
        m.invvpid(1, 1, 0);
        assertEquals(FRAMES + 0x7000 + OFF_A, m.translate(page(6), Access.READ));
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        // ... until INVEPT.
        m.invept(1, ctxA.eptp);
        assertEquals(0x7777_7000L, m.translate(page(6), Access.READ));
    }

    @Test
    void eptViolationReportsTheExitAndCachesNothingForTheAddress() {
        eptA.map(FRAMES + 0x2000, FRAMES + 0x2000 + OFF_A, 12, EptEntryBits.R | EptBuilder.RWX_WB & ~0x7L);
        NestedMmu m = entered(ctxA, true, 1);
        assertEquals(FRAMES + 0x2000 + OFF_A, m.translate(page(2), Access.READ));
        assertEquals(NestedMmu.EPT_VIOLATION, m.translate(page(2), Access.WRITE));
        assertEquals(FRAMES + 0x2000, m.lastWalk().violation().guestPhysical());
        assertEquals(page(2), m.lastWalk().violation().guestLinear());
        assertTrue(m.lastWalk().violation().finalTranslation());
        assertEquals(1, m.counters().eptViolations);
        // The violation invalidated the combined and guest-physical mappings of the address: the VMM grants
        // write and the retried write walks and succeeds without any INVEPT.
        eptA.map(FRAMES + 0x2000, FRAMES + 0x2000 + OFF_A, 12, EptBuilder.RWX_WB);
        assertEquals(FRAMES + 0x2000 + OFF_A, m.translate(page(2), Access.WRITE));
        assertEquals(NestedMmu.WALK, m.lastOutcome());
    }

    @Test
    void guestPagingOffUsesGuestPhysicalMappingsOnly() {
        NestedMmu m = new NestedMmu(host, MmuConfig.skylake());
        m.vmEntry(CR0_PE, 0, 0, 0, null, ctxA, true, 1);
        long g = FRAMES + 0x3000 + 0x44;
        assertEquals(g + OFF_A, m.translate(g, Access.READ));
        assertEquals(NestedMmu.WALK, m.lastOutcome());
        assertEquals(4, m.lastEptReferences());
        assertEquals(g + OFF_A, m.translate(g, Access.READ));
        assertEquals(NestedMmu.GPA_HIT, m.lastOutcome());
        assertFalse(m.lastWalk().referenceCount() > 0);
    }

    @Test
    void translateOutsideAVmEntryIsAnError() {
        NestedMmu m = new NestedMmu(host, MmuConfig.skylake());
        assertThrows(IllegalStateException.class, () -> m.translate(0, Access.READ));
    }
}
