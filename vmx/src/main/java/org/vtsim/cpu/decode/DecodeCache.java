package org.vtsim.cpu.decode;

import org.vtsim.ept.PhysicalMemory;

/**
 * Decoded pages by physical page number ("decode once"). Registers itself as the memory's
 * write watcher and watches every page it holds, so any write to a page — by the CPU, a device
 * or a loader — drops that page's decoded instructions.
 *
 * <p>An open-addressing map from page number to page: no boxing on lookups.
 */
public final class DecodeCache implements PhysicalMemory.WriteWatcher {
    private final PhysicalMemory memory;
    private long[] keys = new long[1024];
    private DecodedPage[] values = new DecodedPage[1024];
    private int size;
    private long dropped;

    public DecodeCache(PhysicalMemory memory) {
        this.memory = memory;
        java.util.Arrays.fill(keys, -1);
        memory.setWriteWatcher(this);
    }

    private static int hash(long k) {
        long h = k * 0x9e3779b97f4a7c15L;
        return (int) (h >>> 32);
    }

    private int slot(long pn) {
        int mask = keys.length - 1;
        int i = hash(pn) & mask;
        while (keys[i] != -1 && keys[i] != pn) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The page's decoded entries for {@code mode}, created (and watched) on first use. */
    public DecodedPage page(long pageNumber, int mode) {
        int i = slot(pageNumber);
        DecodedPage p = values[i];
        if (p == null) {
            p = new DecodedPage(pageNumber, mode);
            keys[i] = pageNumber;
            values[i] = p;
            memory.watchPage(pageNumber << PhysicalMemory.PAGE_SHIFT);
            if (++size * 2 > keys.length) {
                grow();
            }
        } else if (p.mode != mode) {
            p.switchMode(mode);
        }
        return p;
    }

    private void grow() {
        long[] ok = keys;
        DecodedPage[] ov = values;
        keys = new long[ok.length * 2];
        values = new DecodedPage[ok.length * 2];
        java.util.Arrays.fill(keys, -1);
        for (int j = 0; j < ok.length; j++) {
            if (ov[j] != null) {
                int i = slot(ok[j]);
                keys[i] = ok[j];
                values[i] = ov[j];
            }
        }
    }

    @Override
    public void pageWritten(long pageNumber) {
        int i = slot(pageNumber);
        DecodedPage p = values[i];
        if (p == null) {
            return;
        }
        p.valid = false;
        dropped++;
        memory.unwatchPage(pageNumber << PhysicalMemory.PAGE_SHIFT);
        // Remove with backward-shift deletion to keep probe chains intact.
        int mask = keys.length - 1;
        keys[i] = -1;
        values[i] = null;
        size--;
        int j = (i + 1) & mask;
        while (keys[j] != -1) {
            long k = keys[j];
            DecodedPage v = values[j];
            keys[j] = -1;
            values[j] = null;
            int s = slot(k);
            keys[s] = k;
            values[s] = v;
            j = (j + 1) & mask;
        }
    }

    /** Drops everything (for example when the decode rules change). */
    public void clear() {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                values[i].valid = false;
                memory.unwatchPage(keys[i] << PhysicalMemory.PAGE_SHIFT);
            }
        }
        java.util.Arrays.fill(keys, -1);
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    public int pages() {
        return size;
    }

    /** Pages dropped because they were written. */
    public long dropped() {
        return dropped;
    }
}
