package org.vtsim.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLayoutTest {
    @Test
    void parsesQemuStyleSizes() {
        assertEquals(512L << 20, MemorySize.parse("512M"));
        assertEquals(512L << 20, MemorySize.parse("512")); // bare number = MiB, as qemu -m
        assertEquals(2L << 30, MemorySize.parse("2G"));
        assertEquals(2L << 30, MemorySize.parse("2gib"));
        assertEquals(4096L << 10, MemorySize.parse("4096K"));
    }

    @Test
    void rejectsBadSizesWithAOneLineMessage() {
        assertEquals("invalid memory size '12X': expected a number with an optional K, M or G suffix, e.g. 512M or 2G",
                assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("12X")).getMessage());
        assertEquals("memory size '1M' is too small: at least 2M",
                assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("1M")).getMessage());
        assertEquals("memory size '64G' is too large: at most 32G",
                assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("64G")).getMessage());
        assertEquals("memory size '999999999999G' is too large: at most 32G",
                assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("999999999999G")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("4098K")); // not 4K-granular
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(""));
    }

    @Test
    void smallRamIsAllBelowTheHoleWithQemusReservedRanges() {
        MemoryLayout l = MemoryLayout.of(128L << 20);
        assertEquals(List.of(new E820Entry(0, 0x9fc00, 1), new E820Entry(0x9fc00, 0x100000 - 0x9fc00, 2),
                new E820Entry(0x100000, (128L << 20) - 0x100000, 1),
                new E820Entry(0xfec00000L, 0x100000000L - 0xfec00000L, 2)), l.e820());
        assertEquals(128L << 20, l.topOfRam());
        assertTrue(l.isAvailableRam(0x100000, 0x1000));
        assertFalse(l.isAvailableRam(0x9f000, 0x1000)); // crosses into the EBDA
        assertFalse(l.isAvailableRam((128L << 20) - 4, 8));
    }

    @Test
    void largeRamIsSplitAtThreeGibLikeQemuPc() {
        // hw/i386/pc_piix.c: ram_size >= 0xe0000000 keeps 3 GiB low (gigabyte aligned).
        MemoryLayout l = MemoryLayout.of(4L << 30);
        assertEquals(0xc0000000L, l.ramBelow4g());
        assertEquals(1L << 30, l.ramAbove4g());
        assertEquals((1L << 32) + (1L << 30), l.topOfRam());
        assertEquals(new E820Entry(1L << 32, 1L << 30, 1), l.e820().get(4));
        assertFalse(l.isAvailableRam(0xd0000000L, 8)); // the gap below the MMIO window
        assertEquals(0xdfff0000L, MemoryLayout.of(0xdfff0000L).ramBelow4g()); // just under the threshold
    }
}
