package org.vtsim.ept;

/**
 * Sparse, page-granular physical memory.
 *
 * <p>Addresses are plain {@code long} physical addresses on the hot path (a value type per
 * access would allocate); the typed wrappers {@link Hpa}/{@link Gpa}/{@link Gva} are used at API
 * boundaries. Pages are allocated on first write; a page never written reads as zero. The
 * addressable size is fixed at construction and at least 64 GiB; an access beyond it is a
 * programming error of the caller (the CPU checks MAXPHYADDR before it gets here), reported
 * as {@link IllegalArgumentException}.
 *
 * <p>Multi-byte accesses are little-endian and may cross a page boundary.
 */
public interface PhysicalMemory {
    int PAGE_SHIFT = 12;
    int PAGE_SIZE = 1 << PAGE_SHIFT;
    long PAGE_MASK = PAGE_SIZE - 1;

    /** Highest address + 1 this memory can hold. */
    long size();

    int read8(long pa);

    int read16(long pa);

    int read32(long pa);

    long read64(long pa);

    void write8(long pa, int value);

    void write16(long pa, int value);

    void write32(long pa, int value);

    void write64(long pa, long value);

    /** Copies {@code len} bytes starting at {@code pa} into {@code dst[off..]}. */
    void read(long pa, byte[] dst, int off, int len);

    /** Copies {@code src[off..off+len)} to physical memory starting at {@code pa}. */
    void write(long pa, byte[] src, int off, int len);

    /** Number of pages that currently hold storage (written at least once). */
    long allocatedPages();

    /**
     * Registers a listener told of every write to a page (used by the decoded-instruction
     * cache to drop a page's decoded code on self-modifying writes). The listener is called
     * only for pages marked with {@link #watchPage(long)}.
     */
    void setWriteWatcher(WriteWatcher watcher);

    /** Marks the 4 KiB page containing {@code pa} as watched: writes to it notify the watcher. */
    void watchPage(long pa);

    /** Stops watching the page containing {@code pa}. */
    void unwatchPage(long pa);

    /** Told of a write to a watched page. */
    @FunctionalInterface
    interface WriteWatcher {
        void pageWritten(long pageNumber);
    }
}
