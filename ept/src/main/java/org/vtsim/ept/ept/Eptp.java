package org.vtsim.ept.ept;

import java.util.EnumSet;
import java.util.Set;

/**
 * The extended-page-table pointer (SDM Vol. 3C 24.6.11, Table 24-8): bits 2:0 the memory type used
 * for accesses to the EPT paging structures (0 UC, 6 WB), bits 5:3 the page-walk length minus 1,
 * bit 6 enables EPT accessed and dirty flags, bit 7 supervisor shadow-stack control, bits 11:8
 * reserved, bits N-1:12 the physical address of the EPT PML4 (or PML5) table, bits 63:N reserved.
 */
public final class Eptp {
    public static final long AD_ENABLE = 1L << 6;
    public static final long SUPERVISOR_SHADOW_STACK = 1L << 7;
    static final int WALK_LENGTH_SHIFT = 3;

    private Eptp() {
    }

    /**
     * An EPTP for the root table at {@code rootHpa} (4 KiB aligned), with the given paging-structure
     * memory type, page-walk length (4 or 5) and A/D enable.
     */
    public static long of(long rootHpa, int memoryType, int levels, boolean accessedDirty) {
        if ((rootHpa & 0xfff) != 0) {
            throw new IllegalArgumentException("EPT root table must be 4 KiB aligned: 0x" + Long.toHexString(rootHpa));
        }
        if (levels < 1 || levels > 8 || memoryType < 0 || memoryType > 7) {
            throw new IllegalArgumentException("EPTP fields out of range: levels " + levels + ", type " + memoryType);
        }
        return rootHpa | memoryType | (long) (levels - 1) << WALK_LENGTH_SHIFT | (accessedDirty ? AD_ENABLE : 0);
    }

    /** A write-back, 4-level EPTP without A/D flags. */
    public static long of(long rootHpa) {
        return of(rootHpa, EptMemoryType.WB, 4, false);
    }

    public static int memoryType(long eptp) {
        return (int) (eptp & 7);
    }

    /** Page-walk length: bits 5:3 plus 1. */
    public static int levels(long eptp) {
        return (int) ((eptp >>> WALK_LENGTH_SHIFT) & 7) + 1;
    }

    public static boolean accessedDirty(long eptp) {
        return (eptp & AD_ENABLE) != 0;
    }

    /** Physical address of the root table (bits N-1:12; high reserved bits are not stripped). */
    public static long root(long eptp) {
        return eptp & ~0xfffL;
    }

    /**
     * The VM-entry checks on the EPTP (SDM 26.2.1.1); empty if the value is valid for a processor
     * with {@code caps}. VM entry fails with "invalid control field(s)" if any is returned; INVEPT
     * single-context fails (VMfailValid, invalid operand) for an invalid EPTP in its descriptor.
     */
    public static Set<EptpProblem> check(long eptp, EptCapabilities caps) {
        EnumSet<EptpProblem> p = EnumSet.noneOf(EptpProblem.class);
        int type = memoryType(eptp);
        if (!((type == EptMemoryType.UC && caps.memoryTypeUc()) || (type == EptMemoryType.WB && caps.memoryTypeWb()))) {
            p.add(EptpProblem.MEMORY_TYPE);
        }
        int levels = levels(eptp);
        if (!((levels == 4 && caps.pageWalk4()) || (levels == 5 && caps.pageWalk5()))) {
            p.add(EptpProblem.PAGE_WALK_LENGTH);
        }
        if (accessedDirty(eptp) && !caps.accessedDirty()) {
            p.add(EptpProblem.ACCESSED_DIRTY_UNSUPPORTED);
        }
        if ((eptp & SUPERVISOR_SHADOW_STACK) != 0 && !caps.supervisorShadowStack()) {
            p.add(EptpProblem.SUPERVISOR_SHADOW_STACK_UNSUPPORTED);
        }
        if ((eptp & EptEntryBits.bits(11, 8)) != 0) {
            p.add(EptpProblem.RESERVED_LOW);
        }
        if ((eptp & EptEntryBits.bits(63, caps.maxPhyAddr())) != 0) {
            p.add(EptpProblem.RESERVED_HIGH);
        }
        return p;
    }

    /** Whether {@link #check} finds nothing. */
    public static boolean valid(long eptp, EptCapabilities caps) {
        return check(eptp, caps).isEmpty();
    }

    public static String describe(long eptp) {
        return String.format("EPTP[0x%x: root=0x%x %s %d-level%s]", eptp, root(eptp),
                EptMemoryType.name(memoryType(eptp)), levels(eptp), accessedDirty(eptp) ? " A/D" : "");
    }
}
