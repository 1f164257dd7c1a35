package org.vtsim.ept.paging;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory references of one walk, in order — entry reads and A/D writes — kept in fixed arrays
 * reused from walk to walk so the walkers allocate nothing. Shared by the paging walker's and the
 * EPT walker's results.
 */
public final class WalkReferences {
    private final long[] address;
    private final long[] value;
    private final byte[] level;
    private final boolean[] write;
    private int count;

    public WalkReferences(int capacity) {
        address = new long[capacity];
        value = new long[capacity];
        level = new byte[capacity];
        write = new boolean[capacity];
    }

    public void clear() {
        count = 0;
    }

    public void add(long pa, int lvl, long v, boolean isWrite) {
        address[count] = pa;
        value[count] = v;
        level[count] = (byte) lvl;
        write[count] = isWrite;
        count++;
    }

    public int count() {
        return count;
    }

    public long address(int i) {
        return address[i];
    }

    public long value(int i) {
        return value[i];
    }

    public int level(int i) {
        return level[i];
    }

    public boolean isWrite(int i) {
        return write[i];
    }

    /** Number of entry reads (not A/D writes). */
    public int readCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!write[i]) {
                n++;
            }
        }
        return n;
    }

    /** The references as records (allocates: for tests and tools, not the hot path). */
    public List<WalkReference> toList() {
        List<WalkReference> l = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            l.add(new WalkReference(address[i], level[i], value[i], write[i]));
        }
        return l;
    }
}
