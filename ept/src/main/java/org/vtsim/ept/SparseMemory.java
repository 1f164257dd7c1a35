package org.vtsim.ept;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link PhysicalMemory} backed by a two-level table of 4 KiB pages allocated on first write.
 *
 * <p>The directory is indexed by page number bits 12 and up, each leaf table holds 4096
 * page references (16 MiB of address space). Reads of an unallocated page return zero
 * without allocating.
 */
public final class SparseMemory implements PhysicalMemory {
    private static final VarHandle I16 =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** 64 GiB: the minimum addressable size. */
    public static final long DEFAULT_SIZE = 64L << 30;

    private static final int LEAF_BITS = 12;
    private static final int LEAF_MASK = (1 << LEAF_BITS) - 1;

    private final long size;
    private final byte[][][] directory;
    private final long[][] watched; // bitmap per leaf table, lazily allocated
    private long allocated;
    private WriteWatcher watcher;

    public SparseMemory() {
        this(DEFAULT_SIZE);
    }

    public SparseMemory(long size) {
        if (size <= 0 || (size & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("memory size must be a positive multiple of 4 KiB: " + size);
        }
        this.size = size;
        long pages = size >>> PAGE_SHIFT;
        int leaves = (int) ((pages + LEAF_MASK) >>> LEAF_BITS);
        this.directory = new byte[leaves][][];
        this.watched = new long[leaves][];
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long allocatedPages() {
        return allocated;
    }

    private void check(long pa, int len) {
        if (pa < 0 || pa > size - len) {
            throw new IllegalArgumentException(
                    "physical address 0x" + Long.toHexString(pa) + " (+" + len + ") outside memory of "
                            + size + " bytes");
        }
    }

    /** The page holding {@code pa} for reading, or null if never written. */
    private byte[] pageForRead(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        byte[][] leaf = directory[(int) (pn >>> LEAF_BITS)];
        return leaf == null ? null : leaf[(int) (pn & LEAF_MASK)];
    }

    private byte[] pageForWrite(long pa) {
        long pn = pa >>> PAGE_SHIFT;
        int d = (int) (pn >>> LEAF_BITS);
        byte[][] leaf = directory[d];
        if (leaf == null) {
            leaf = directory[d] = new byte[1 << LEAF_BITS][];
        }
        int i = (int) (pn & LEAF_MASK);
        byte[] page = leaf[i];
        if (page == null) {
            page = leaf[i] = new byte[PAGE_SIZE];
            allocated++;
        }
        long[] w = watched[d];
        if (w != null && (w[i >>> 6] & (1L << i)) != 0 && watcher != null) {
            watcher.pageWritten(pn);
        }
        return page;
    }

    private static boolean crosses(long pa, int len) {
        return ((pa & PAGE_MASK) + len) > PAGE_SIZE;
    }

    @Override
    public int read8(long pa) {
        check(pa, 1);
        byte[] p = pageForRead(pa);
        return p == null ? 0 : p[(int) (pa & PAGE_MASK)] & 0xff;
    }

    @Override
    public int read16(long pa) {
        check(pa, 2);
        if (crosses(pa, 2)) {
            return (int) readSlow(pa, 2);
        }
        byte[] p = pageForRead(pa);
        return p == null ? 0 : (short) I16.get(p, (int) (pa & PAGE_MASK)) & 0xffff;
    }

    @Override
    public int read32(long pa) {
        check(pa, 4);
        if (crosses(pa, 4)) {
            return (int) readSlow(pa, 4);
        }
        byte[] p = pageForRead(pa);
        return p == null ? 0 : (int) I32.get(p, (int) (pa & PAGE_MASK));
    }

    @Override
    public long read64(long pa) {
        check(pa, 8);
        if (crosses(pa, 8)) {
            return readSlow(pa, 8);
        }
        byte[] p = pageForRead(pa);
        return p == null ? 0 : (long) I64.get(p, (int) (pa & PAGE_MASK));
    }

    private long readSlow(long pa, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) {
            v |= (long) read8(pa + i) << (8 * i);
        }
        return v;
    }

    private void writeSlow(long pa, int len, long v) {
        for (int i = 0; i < len; i++) {
            write8(pa + i, (int) (v >>> (8 * i)));
        }
    }

    @Override
    public void write8(long pa, int value) {
        check(pa, 1);
        pageForWrite(pa)[(int) (pa & PAGE_MASK)] = (byte) value;
    }

    @Override
    public void write16(long pa, int value) {
        check(pa, 2);
        if (crosses(pa, 2)) {
            writeSlow(pa, 2, value);
            return;
        }
        I16.set(pageForWrite(pa), (int) (pa & PAGE_MASK), (short) value);
    }

    @Override
    public void write32(long pa, int value) {
        check(pa, 4);
        if (crosses(pa, 4)) {
            writeSlow(pa, 4, value);
            return;
        }
        I32.set(pageForWrite(pa), (int) (pa & PAGE_MASK), value);
    }

    @Override
    public void write64(long pa, long value) {
        check(pa, 8);
        if (crosses(pa, 8)) {
            writeSlow(pa, 8, value);
            return;
        }
        I64.set(pageForWrite(pa), (int) (pa & PAGE_MASK), value);
    }

    @Override
    public void read(long pa, byte[] dst, int off, int len) {
        check(pa, len);
        while (len > 0) {
            int inPage = (int) Math.min(len, PAGE_SIZE - (pa & PAGE_MASK));
            byte[] p = pageForRead(pa);
            if (p == null) {
                java.util.Arrays.fill(dst, off, off + inPage, (byte) 0);
            } else {
                System.arraycopy(p, (int) (pa & PAGE_MASK), dst, off, inPage);
            }
            pa += inPage;
            off += inPage;
            len -= inPage;
        }
    }

    @Override
    public void write(long pa, byte[] src, int off, int len) {
        check(pa, len);
        while (len > 0) {
            int inPage = (int) Math.min(len, PAGE_SIZE - (pa & PAGE_MASK));
            System.arraycopy(src, off, pageForWrite(pa), (int) (pa & PAGE_MASK), inPage);
            pa += inPage;
            off += inPage;
            len -= inPage;
        }
    }

    @Override
    public void setWriteWatcher(WriteWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public void watchPage(long pa) {
        check(pa, 1);
        long pn = pa >>> PAGE_SHIFT;
        int d = (int) (pn >>> LEAF_BITS);
        if (watched[d] == null) {
            watched[d] = new long[(1 << LEAF_BITS) / 64];
        }
        int i = (int) (pn & LEAF_MASK);
        watched[d][i >>> 6] |= 1L << i;
    }

    @Override
    public void unwatchPage(long pa) {
        check(pa, 1);
        long pn = pa >>> PAGE_SHIFT;
        long[] w = watched[(int) (pn >>> LEAF_BITS)];
        if (w != null) {
            int i = (int) (pn & LEAF_MASK);
            w[i >>> 6] &= ~(1L << i);
        }
    }
}
