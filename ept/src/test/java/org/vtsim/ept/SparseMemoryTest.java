package org.vtsim.ept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SparseMemoryTest {
    @Test
    void neverWrittenMemoryReadsZeroWithoutAllocating() {
        SparseMemory m = new SparseMemory();
        assertEquals(0, m.read64(0xf_3456_7000L));
        assertEquals(0, m.read32((64L << 30) - 4));
        assertEquals(0, m.allocatedPages());
    }

    @Test
    void sixtyFourGibibytesAreAddressableAndNoMore() {
        SparseMemory m = new SparseMemory();
        m.write64((64L << 30) - 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, m.read64((64L << 30) - 8));
        assertThrows(IllegalArgumentException.class, () -> m.read8(64L << 30));
        assertThrows(IllegalArgumentException.class, () -> m.read64((64L << 30) - 4));
    }

    @Test
    void pageCrossingAccessesAreLittleEndianAcrossPages() {
        qt().withExamples(300).forAll(longs().between(0, (1L << 20)), integers().between(0, 3), longs().all())
                .checkAssert((base, sizeIndex, value) -> {
                    int size = 1 << sizeIndex;
                    long pa = (base & ~0xfffL) + 0x1000 - (base % size + 1); // straddles or touches the boundary
                    SparseMemory m = new SparseMemory();
                    switch (size) {
                        case 1 -> m.write8(pa, (int) (long) value);
                        case 2 -> m.write16(pa, (int) (long) value);
                        case 4 -> m.write32(pa, (int) (long) value);
                        default -> m.write64(pa, value);
                    }
                    long expected = size == 8 ? value : value & ((1L << (8 * size)) - 1);
                    long bytes = 0;
                    for (int i = 0; i < size; i++) {
                        bytes |= (long) m.read8(pa + i) << (8 * i);
                    }
                    assertEquals(expected, bytes);
                    long read = switch (size) {
                        case 1 -> m.read8(pa);
                        case 2 -> m.read16(pa);
                        case 4 -> m.read32(pa) & 0xffffffffL;
                        default -> m.read64(pa);
                    };
                    assertEquals(expected, read);
                });
    }

    @Test
    void watcherHearsWritesToWatchedPagesOnly() {
        SparseMemory m = new SparseMemory();
        List<Long> heard = new ArrayList<>();
        m.setWriteWatcher(heard::add);
        m.watchPage(0x5000);
        m.write8(0x4fff, 1);
        m.write32(0x5ffe, 0x01020304); // crosses into 0x6000: only page 5 is watched
        m.write64(0x5010, 7);
        assertEquals(List.of(5L), heard.stream().distinct().toList());
        int count = heard.size();
        m.unwatchPage(0x5000);
        m.write8(0x5000, 1);
        assertEquals(count, heard.size());
    }
}
