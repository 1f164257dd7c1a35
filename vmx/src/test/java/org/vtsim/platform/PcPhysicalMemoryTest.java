package org.vtsim.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.ept.SparseMemory;

/**
 * The PC's physical address space for native runs: RAM where the layout puts it, unassigned memory
 * elsewhere (reads all ones, writes dropped, the backing memory never touched) — with RAM split around
 * the 4 GiB hole too.
 */
class PcPhysicalMemoryTest {
    @Test
    void ramRoundTripsAndUnassignedReadsAllOnesAndDropsWrites() {
        // 3.75 GiB of RAM: 3 GiB below 4 GiB, 0.75 GiB from 4 GiB; a hole from 3 GiB to 4 GiB.
        MemoryLayout layout = MemoryLayout.of(0xf0000000L);
        qt().withExamples(2000).forAll(longs().between(0, (6L << 30) - 16), integers().between(0, 3), longs().all())
                .checkAssert((pa, sizeLog, value) -> {
                    SparseMemory backing = new SparseMemory(8L << 30);
                    PcPhysicalMemory m = new PcPhysicalMemory(backing, layout);
                    int size = 1 << sizeLog;
                    write(m, pa, size, value);
                    long read = read(m, pa, size);
                    long expected = 0;
                    for (int i = 0; i < size; i++) {
                        long a = pa + i;
                        boolean ram = a < layout.ramBelow4g() || a >= MemoryLayout.FOUR_GIB && a < layout.topOfRam();
                        long b = ram ? (value >>> (8 * i)) & 0xff : 0xff;
                        expected |= b << (8 * i);
                        assertEquals(ram ? (value >>> (8 * i)) & 0xff : 0, backing.read8(a),
                                () -> "backing byte at 0x" + Long.toHexString(a));
                    }
                    assertEquals(expected, read, () -> size + " bytes at 0x" + Long.toHexString(pa));
                });
    }

    @Test
    void theAddressSpaceEndsAtTheTopOfRamAndIsThePlatformsOwn() {
        SparseMemory backing = new SparseMemory();
        PcPlatform p = PcPlatform.builder().memory(backing).ramSize(128L << 20).build();
        assertEquals(128L << 20, p.addressSpace().size());
        assertSame(p.addressSpace(), p.addressSpace());
        p.addressSpace().write64(256L << 20, 0x1234);
        assertEquals(-1L, p.addressSpace().read64(256L << 20));
        assertEquals(0, backing.read64(256L << 20));
    }

    private static void write(PcPhysicalMemory m, long pa, int size, long v) {
        switch (size) {
            case 1 -> m.write8(pa, (int) v);
            case 2 -> m.write16(pa, (int) v);
            case 4 -> m.write32(pa, (int) v);
            default -> m.write64(pa, v);
        }
    }

    private static long read(PcPhysicalMemory m, long pa, int size) {
        return switch (size) {
            case 1 -> m.read8(pa);
            case 2 -> m.read16(pa) & 0xffffL;
            case 4 -> m.read32(pa) & 0xffffffffL;
            default -> m.read64(pa);
        };
    }
}
