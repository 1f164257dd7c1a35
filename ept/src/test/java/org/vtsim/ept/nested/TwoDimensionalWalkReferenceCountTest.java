package org.vtsim.ept.nested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.ept.paging.ControlBits.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.ept.SparseMemory;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingFormat;
import org.vtsim.ept.paging.PagingMode;

/**
 * A cold 2-D walk (no TLBs, no paging-structure caches, A/D flags already set) reads
 * (n+1)(m+1) - 1 entries, n guest levels and m EPT levels: each guest entry costs an EPT walk plus its
 * own read, and the final guest-physical address one more EPT walk (references.md; 4x4 = 24, 5x5 = 35).
 * For every guest paging mode, both EPT walk lengths and every combination of guest page size and EPT
 * page size, n and m are derived from the sizes and the reported count and order are checked.
 */
class TwoDimensionalWalkReferenceCountTest {
    private static final long HOST_OFFSET = 0x8_0000_0000L; // gpa -> hpa = gpa + 32 GiB
    private static final long EPT_TABLES = 0x1_0000_0000L; // 4 GiB
    private static final long GUEST_TABLES = 0x20_0000L;
    private static final long DATA_GPA = 0x4000_0000L; // 1 GiB aligned: serves every page size

    static Stream<Arguments> cases() {
        List<Arguments> l = new ArrayList<>();
        int[] eptShifts = {12, 21, 30};
        for (int eptLevels : new int[] {4, 5}) {
            for (int eptShift : eptShifts) {
                for (PagingMode mode : new PagingMode[] {PagingMode.IA32E_4, PagingMode.IA32E_5}) {
                    for (int gShift : new int[] {12, 21, 30}) {
                        l.add(Arguments.of(mode, gShift, eptLevels, eptShift));
                    }
                }
                l.add(Arguments.of(PagingMode.PAE, 12, eptLevels, eptShift));
                l.add(Arguments.of(PagingMode.PAE, 21, eptLevels, eptShift));
                l.add(Arguments.of(PagingMode.LEGACY_32, 12, eptLevels, eptShift));
                l.add(Arguments.of(PagingMode.LEGACY_32, 22, eptLevels, eptShift));
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "guest {0} page 2^{1} x EPT {2}-level page 2^{3}")
    @MethodSource("cases")
    void coldWalkReadsExactlyNPlusOneTimesMPlusOneMinusOne(PagingMode mode, int guestShift, int eptLevels,
            int eptShift) {
        coldWalk(mode, guestShift, eptLevels, eptShift);
    }

    /** The figures quoted in the brief and references.md, spelled out. */
    @Test
    void theQuotedFigures() {
        assertEquals(24, coldWalk(PagingMode.IA32E_4, 12, 4, 12));
        assertEquals(35, coldWalk(PagingMode.IA32E_5, 12, 5, 12));
        assertEquals(29, coldWalk(PagingMode.IA32E_4, 12, 5, 12));
        assertEquals(29, coldWalk(PagingMode.IA32E_5, 12, 4, 12));
        assertEquals(15, coldWalk(PagingMode.IA32E_4, 21, 4, 21));
        assertEquals(8, coldWalk(PagingMode.IA32E_4, 30, 4, 30));
    }

    /** Runs one cold walk, checks it against (n+1)(m+1)-1 and its shape, returns the reference count. */
    private static int coldWalk(PagingMode mode, int guestShift, int eptLevels, int eptShift) {
        SparseMemory host = new SparseMemory();
        GuestTableBuilder g = new GuestTableBuilder(host, HOST_OFFSET, GUEST_TABLES);
        long la = switch (mode) {
            case IA32E_5 -> 0x00ab_cdef_1234_5678L;
            case IA32E_4 -> 0x0000_7abc_def1_2345L;
            default -> 0x8765_4321L;
        };
        long root = g.allocateTable();
        long[] pdptes = null;
        long cr4 = 0;
        long efer = 0;
        PagingFormat f;
        int guestTopInMemory;
        switch (mode) {
            case LEGACY_32 -> {
                cr4 = CR4_PSE;
                f = org.vtsim.ept.paging.Legacy32Format.INSTANCE;
                guestTopInMemory = 2;
            }
            case PAE -> {
                cr4 = CR4_PAE;
                efer = EFER_NXE;
                f = org.vtsim.ept.paging.PaeFormat.INSTANCE;
                guestTopInMemory = 2;
                // The PDPTE registers hold the page directory; root is that directory.
                pdptes = new long[4];
                pdptes[(int) (la >>> 30) & 3] = root | 1;
            }
            default -> {
                cr4 = CR4_PAE | (mode == PagingMode.IA32E_5 ? CR4_LA57 : 0);
                efer = EFER_LME | EFER_LMA | EFER_NXE;
                f = mode == PagingMode.IA32E_5 ? org.vtsim.ept.paging.Ia32eFormat.FIVE_LEVEL
                        : org.vtsim.ept.paging.Ia32eFormat.FOUR_LEVEL;
                guestTopInMemory = f.topLevel();
            }
        }
        int guestLeaf = leafLevel(guestShift);
        g.map(f, root, guestTopInMemory, la, guestLeaf, DATA_GPA);
        PagingContext guest = PagingContext.of(CR0_PG | CR0_PE | CR0_WP, root, cr4, efer, pdptes);
        assertEquals(mode, guest.mode);

        EptBuilder ept = new EptBuilder(host, eptLevels, EPT_TABLES, 1 << 24);
        Set<Long> mapped = new HashSet<>();
        for (long t = GUEST_TABLES; t < g.tablesEnd(); t += 0x1000) {
            mapOnce(ept, mapped, t, eptShift);
        }
        long pageOffset = la & ((1L << guestShift) - 1);
        mapOnce(ept, mapped, DATA_GPA | pageOffset, eptShift);
        EptContext ctx = EptContext.of(ept.eptp(EptMemoryType.WB, false), EptCapabilities.full(46));

        NestedWalker walker = new NestedWalker(host);
        NestedWalkResult r = new NestedWalkResult();
        assertTrue(walker.walk(guest, ctx, la, Access.READ, r), r::toString);

        assertEquals(DATA_GPA | pageOffset, r.gpa(), r::toString);
        assertEquals(DATA_GPA + HOST_OFFSET + pageOffset, r.hpa(), r::toString);

        int n = guestTopInMemory - guestLeaf + 1;
        int m = eptLevels - leafLevel(eptShift) + 1;
        assertEquals((n + 1) * (m + 1) - 1, r.referenceCount(), r::toString);
        assertEquals(r.referenceCount(), r.readCount(), "no A/D writes: flags preset, EPT A/D off");
        // The shape: n times (m EPT reads, then the guest entry), then m EPT reads for the final address.
        int i = 0;
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < m; j++, i++) {
                assertTrue(r.referenceIsEpt(i), "reference " + i + " should be EPT: " + r);
                assertEquals(eptLevels - j, r.referenceLevel(i));
            }
            assertTrue(!r.referenceIsEpt(i), "reference " + i + " should be a guest entry: " + r);
            assertEquals(guestTopInMemory - k, r.referenceLevel(i));
            assertEquals(r.referenceGpa(i) + HOST_OFFSET, r.referenceHpa(i));
            i++;
        }
        for (int j = 0; j < m; j++, i++) {
            assertTrue(r.referenceIsEpt(i));
            assertEquals(DATA_GPA | pageOffset, r.referenceGpa(i));
        }
        return r.referenceCount();
    }

    private static int leafLevel(int shift) {
        return switch (shift) {
            case 12 -> 1;
            case 21, 22 -> 2;
            case 30 -> 3;
            default -> throw new IllegalArgumentException("page shift " + shift);
        };
    }

    private static void mapOnce(EptBuilder ept, Set<Long> mapped, long gpa, int shift) {
        long page = gpa & ~((1L << shift) - 1);
        if (mapped.add(page)) {
            ept.map(page, page + HOST_OFFSET, shift, EptBuilder.RWX_WB);
        }
    }
}
