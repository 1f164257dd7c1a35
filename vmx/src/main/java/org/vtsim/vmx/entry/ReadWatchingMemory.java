package org.vtsim.vmx.entry;

import org.vtsim.ept.PhysicalMemory;

/**
 * Physical memory as a check area sees it, noting whether the area read any of it: an area that
 * read memory (the VTPR of 26.2.1.1, the VMCS link page and the PDPTEs of 26.3.1) must run again at
 * the next entry even when no VMCS field it read changed. The checks never write memory; writing
 * through this view is a model bug and throws.
 */
final class ReadWatchingMemory implements PhysicalMemory {
    private PhysicalMemory memory;
    private boolean read;

    /** Watches reads of {@code m} from now on, with nothing read yet. */
    void watch(PhysicalMemory m) {
        memory = m;
        read = false;
    }

    boolean wasRead() {
        return read;
    }

    void forget() {
        read = false;
    }

    @Override
    public long size() {
        read = true;
        return memory.size();
    }

    @Override
    public int read8(long pa) {
        read = true;
        return memory.read8(pa);
    }

    @Override
    public int read16(long pa) {
        read = true;
        return memory.read16(pa);
    }

    @Override
    public int read32(long pa) {
        read = true;
        return memory.read32(pa);
    }

    @Override
    public long read64(long pa) {
        read = true;
        return memory.read64(pa);
    }

    @Override
    public void read(long pa, byte[] dst, int off, int len) {
        read = true;
        memory.read(pa, dst, off, len);
    }

    @Override
    public long allocatedPages() {
        read = true;
        return memory.allocatedPages();
    }

    @Override
    public void write8(long pa, int value) {
        throw writes();
    }

    @Override
    public void write16(long pa, int value) {
        throw writes();
    }

    @Override
    public void write32(long pa, int value) {
        throw writes();
    }

    @Override
    public void write64(long pa, long value) {
        throw writes();
    }

    @Override
    public void write(long pa, byte[] src, int off, int len) {
        throw writes();
    }

    @Override
    public void setWriteWatcher(WriteWatcher watcher) {
        throw writes();
    }

    @Override
    public void watchPage(long pa) {
        throw writes();
    }

    @Override
    public void unwatchPage(long pa) {
        throw writes();
    }

    private static IllegalStateException writes() {
        return new IllegalStateException("the VM-entry checks only read memory");
    }
}
