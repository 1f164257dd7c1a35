package org.vtsim.ept.ept;

import static org.vtsim.ept.ept.EptEntryBits.*;

import org.vtsim.ept.PhysicalMemory;

/**
 * Builds EPT paging structures in host memory, as a VMM would: {@link #map} installs a 4 KiB, 2 MiB
 * or 1 GiB mapping, allocating zeroed tables from a bump allocator. Non-leaf entries get R/W/X (and
 * user-execute) so that the leaf alone decides the permissions. For monitors and tests.
 */
public final class EptBuilder {
    private final PhysicalMemory memory;
    private final int levels;
    private final long root;
    private long next;
    private final long limit;

    /**
     * @param tableArea first host-physical address the builder may use for tables (4 KiB aligned)
     * @param tableAreaSize bytes available there
     */
    public EptBuilder(PhysicalMemory memory, int levels, long tableArea, long tableAreaSize) {
        if (levels != 4 && levels != 5) {
            throw new IllegalArgumentException("EPT page-walk length must be 4 or 5: " + levels);
        }
        if ((tableArea & 0xfff) != 0) {
            throw new IllegalArgumentException("table area must be 4 KiB aligned");
        }
        this.memory = memory;
        this.levels = levels;
        this.next = tableArea;
        this.limit = tableArea + tableAreaSize;
        this.root = allocate();
    }

    public long root() {
        return root;
    }

    public int levels() {
        return levels;
    }

    /** An EPTP for these tables. */
    public long eptp(int memoryType, boolean accessedDirty) {
        return Eptp.of(root, memoryType, levels, accessedDirty);
    }

    /** Host memory used for tables so far. */
    public long tableBytes() {
        return next - root;
    }

    private long allocate() {
        if (next + 4096 > limit) {
            throw new IllegalStateException("EPT table area exhausted");
        }
        long t = next;
        next += 4096;
        for (int i = 0; i < 512; i++) {
            memory.write64(t + 8L * i, 0);
        }
        return t;
    }

    /**
     * Maps the page of {@code 1 << pageShift} bytes (12, 21 or 30) at {@code gpa} to {@code hpa} with
     * leaf bits {@code leafBits} (permissions, memory type, IPAT, A/D, UX). Replaces an existing leaf;
     * refuses to split a larger page already mapped there.
     */
    public void map(long gpa, long hpa, int pageShift, long leafBits) {
        if (pageShift != 12 && pageShift != 21 && pageShift != 30) {
            throw new IllegalArgumentException("EPT page shift must be 12, 21 or 30: " + pageShift);
        }
        long mask = (1L << pageShift) - 1;
        if ((gpa & mask) != 0 || (hpa & mask) != 0) {
            throw new IllegalArgumentException("unaligned EPT mapping");
        }
        int leafLevel = (pageShift - 12) / 9 + 1;
        long table = root;
        for (int level = levels; level > leafLevel; level--) {
            long address = table + (((gpa >>> (12 + 9 * (level - 1))) & 0x1ff) << 3);
            long e = memory.read64(address);
            if ((e & 7) == 0) {
                long t = allocate();
                e = t | R | W | X | UX;
                memory.write64(address, e);
            } else if (level <= 3 && (e & PS) != 0) {
                throw new IllegalStateException("a larger page is already mapped at gpa 0x" + Long.toHexString(gpa));
            }
            table = e & ~0xfffL & ((1L << 52) - 1);
        }
        long address = table + (((gpa >>> pageShift) & 0x1ff) << 3);
        memory.write64(address, hpa | leafBits | (leafLevel > 1 ? PS : 0));
    }

    /** Leaf bits: read/write/execute with write-back memory type. */
    public static final long RWX_WB = R | W | X | (long) EptMemoryType.WB << MEMORY_TYPE_SHIFT;
}
