package org.vtsim.cpu.system;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Vectors;

/** Identity-mapped test memory: sparse 4 KiB pages, optional not-present pages raising #PF. */
final class FlatMemory implements LinearMemory {
    private final Map<Long, byte[]> pages = new HashMap<>();
    private final Set<Long> notPresent = new HashSet<>();
    int userAccesses;

    void unmap(long page) {
        notPresent.add(page >>> 12);
    }

    private byte[] page(long linear, boolean write) {
        long p = linear >>> 12;
        if (notPresent.contains(p)) {
            throw CpuFault.withError(Vectors.PF, write ? 2 : 0);
        }
        return pages.computeIfAbsent(p, k -> new byte[4096]);
    }

    @Override
    public long readLinear(long linear, int size, boolean implicitSupervisor) {
        if (!implicitSupervisor) {
            userAccesses++;
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            long a = linear + i;
            v |= (page(a, false)[(int) (a & 0xfff)] & 0xffL) << (8 * i);
        }
        return v;
    }

    @Override
    public void writeLinear(long linear, int size, long value, boolean implicitSupervisor) {
        if (!implicitSupervisor) {
            userAccesses++;
        }
        for (int i = 0; i < size; i++) {
            page(linear + i, true);
        }
        for (int i = 0; i < size; i++) {
            long a = linear + i;
            page(a, true)[(int) (a & 0xfff)] = (byte) (value >>> (8 * i));
        }
    }

    long read(long a, int size) {
        return readLinear(a, size, true);
    }

    void write(long a, int size, long v) {
        writeLinear(a, size, v, true);
    }
}
