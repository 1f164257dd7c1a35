package org.vtsim.ept.nested;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.paging.EntryBits;
import org.vtsim.ept.paging.PagingFormat;

/**
 * Test helper: writes one guest translation (la -> gpa page of a given level) into guest tables that
 * live in guest-physical memory, reaching it through a fixed gpa -> hpa offset (the mapping the test's
 * EPT installs). Uses the format's own index layout, so it serves every IA-32 format.
 */
final class GuestTableBuilder {
    static final long FLAGS = EntryBits.P | EntryBits.RW | EntryBits.US | EntryBits.A | EntryBits.D;

    private final PhysicalMemory host;
    private final long hostOffset;
    private long nextTable;

    GuestTableBuilder(PhysicalMemory host, long hostOffset, long firstTableGpa) {
        this.host = host;
        this.hostOffset = hostOffset;
        this.nextTable = firstTableGpa;
    }

    long allocateTable() {
        long t = nextTable;
        nextTable += 0x1000;
        return t;
    }

    /** Guest-physical addresses of tables allocated so far: [first, end). */
    long tablesEnd() {
        return nextTable;
    }

    /**
     * Maps {@code la} to the page at {@code frameGpa} with a leaf at {@code leafLevel}, starting from the
     * table at {@code rootGpa} whose entries are at {@code topLevel}. Returns nothing; tables below the
     * root are allocated.
     */
    void map(PagingFormat f, long rootGpa, int topLevel, long la, int leafLevel, long frameGpa) {
        long table = rootGpa;
        int bytes = f.entryBytes();
        for (int level = topLevel; level > leafLevel; level--) {
            long gpa = table + ((la >>> f.indexShift(level)) & f.indexMask(level)) * bytes;
            long next = allocateTable();
            write(gpa, bytes, next | FLAGS);
            table = next;
        }
        long gpa = table + ((la >>> f.indexShift(leafLevel)) & f.indexMask(leafLevel)) * bytes;
        write(gpa, bytes, frameGpa | FLAGS | (leafLevel > 1 ? EntryBits.PS : 0));
    }

    private void write(long gpa, int bytes, long value) {
        if (bytes == 8) {
            host.write64(gpa + hostOffset, value);
        } else {
            host.write32(gpa + hostOffset, (int) value);
        }
    }
}
