package org.vtsim.platform.boot;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.platform.MemoryLayout;

/**
 * Checks and copies load segments into guest memory: each must lie in available RAM, keep out
 * of the loader's {@link BootArea} and not overlap another segment; the bss is zeroed.
 */
final class ImagePlacer {
    private final PhysicalMemory memory;
    private final MemoryLayout layout;
    private final List<BootResult.Range> placed = new ArrayList<>();

    ImagePlacer(PhysicalMemory memory, MemoryLayout layout) {
        this.memory = memory;
        this.layout = layout;
    }

    List<BootResult.Range> placed() {
        return placed;
    }

    /** The highest end address of anything placed so far. */
    long highestEnd() {
        long top = 0;
        for (BootResult.Range r : placed) {
            top = Math.max(top, r.end());
        }
        return top;
    }

    /** Checks every segment before any byte is written, so a bad image leaves memory alone. */
    void check(ImageBytes f, List<LoadSegment> segments) throws BootImageException {
        for (LoadSegment s : segments) {
            checkRange(f, "segment " + s.index(), s.paddr(), s.memSize());
        }
        for (int i = 0; i < segments.size(); i++) {
            for (int j = 0; j < i; j++) {
                LoadSegment a = segments.get(i);
                LoadSegment b = segments.get(j);
                if (a.paddr() < b.end() && b.paddr() < a.end()) {
                    throw f.error(String.format("segment %d [0x%x, 0x%x) overlaps segment %d [0x%x, 0x%x)", a.index(),
                            a.paddr(), a.end(), b.index(), b.paddr(), b.end()));
                }
            }
        }
    }

    void checkRange(ImageBytes f, String what, long pa, long length) throws BootImageException {
        if (!layout.isAvailableRam(pa, length)) {
            throw f.error(String.format("%s [0x%x, 0x%x) is outside guest RAM (%d MiB; available: %s)", what, pa,
                    pa + length, layout.ramSize() >> 20, layout.e820().stream()
                            .filter(e -> e.type() == org.vtsim.platform.E820Entry.AVAILABLE).map(Object::toString)
                            .reduce((x, y) -> x + ", " + y).orElse("none")));
        }
        if (pa < BootArea.END && pa + length > BootArea.START) {
            throw f.error(String.format("%s [0x%x, 0x%x) overlaps the boot information area [0x%x, 0x%x)", what, pa,
                    pa + length, BootArea.START, BootArea.END));
        }
    }

    void load(ImageBytes f, LoadSegment s) {
        memory.write(s.paddr(), f.data, (int) s.fileOffset(), (int) s.fileSize());
        zero(memory, s.paddr() + s.fileSize(), s.memSize() - s.fileSize());
        placed.add(new BootResult.Range("segment " + s.index(), s.paddr(), s.end()));
    }

    void loadBytes(String what, long pa, byte[] data) {
        memory.write(pa, data, 0, data.length);
        placed.add(new BootResult.Range(what, pa, pa + data.length));
    }

    /** Zeroes a range without allocating pages that already read as zero. */
    static void zero(PhysicalMemory memory, long pa, long length) {
        byte[] buf = new byte[PhysicalMemory.PAGE_SIZE];
        byte[] zeros = new byte[PhysicalMemory.PAGE_SIZE];
        long end = pa + length;
        for (long p = pa; p < end; ) {
            int n = (int) Math.min(PhysicalMemory.PAGE_SIZE - (p & PhysicalMemory.PAGE_MASK), end - p);
            memory.read(p, buf, 0, n);
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    memory.write(p, zeros, 0, n);
                    break;
                }
            }
            p += n;
        }
    }
}
