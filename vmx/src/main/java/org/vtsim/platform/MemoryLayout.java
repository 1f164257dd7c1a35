package org.vtsim.platform;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the guest's RAM sits in the physical address space, as QEMU's {@code pc} machine places
 * it (hw/i386/pc_piix.c): all of it below 4 GiB when it is under 3.5 GiB, otherwise 3 GiB below
 * and the rest from 4 GiB up. The range 0x9fc00-0x100000 (EBDA, VGA, option ROMs, BIOS) and the
 * MMIO window 0xfec00000-0x100000000 (I/O APIC, local APIC, firmware flash) are reserved.
 */
public final class MemoryLayout {
    public static final long EBDA_START = 0x9fc00;
    public static final long HIGH_MEMORY_START = 0x100000;
    public static final long MMIO_START = 0xfec00000L;
    public static final long MMIO_END = 1L << 32;
    public static final long FOUR_GIB = 1L << 32;
    /** RAM sizes from here up are split (QEMU: ram_size >= 0xe0000000). */
    public static final long SPLIT_THRESHOLD = 0xe0000000L;
    /** Low RAM when split (QEMU's gigabyte-aligned lowmem). */
    public static final long SPLIT_LOW_RAM = 0xc0000000L;

    private final long ramSize;
    private final long below4g;
    private final long above4g;

    private MemoryLayout(long ramSize) {
        this.ramSize = ramSize;
        this.below4g = ramSize >= SPLIT_THRESHOLD ? SPLIT_LOW_RAM : ramSize;
        this.above4g = ramSize - below4g;
    }

    /**
     * @throws IllegalArgumentException if the size is out of {@link MemorySize}'s bounds
     */
    public static MemoryLayout of(long ramSize) {
        MemorySize.check(ramSize, ramSize + " bytes");
        return new MemoryLayout(ramSize);
    }

    public long ramSize() {
        return ramSize;
    }

    public long ramBelow4g() {
        return below4g;
    }

    public long ramAbove4g() {
        return above4g;
    }

    /** One past the highest RAM address. */
    public long topOfRam() {
        return above4g > 0 ? FOUR_GIB + above4g : below4g;
    }

    /** The memory map: available RAM and the reserved ranges, in address order. */
    public List<E820Entry> e820() {
        List<E820Entry> map = new ArrayList<>();
        map.add(new E820Entry(0, EBDA_START, E820Entry.AVAILABLE));
        map.add(new E820Entry(EBDA_START, HIGH_MEMORY_START - EBDA_START, E820Entry.RESERVED));
        map.add(new E820Entry(HIGH_MEMORY_START, below4g - HIGH_MEMORY_START, E820Entry.AVAILABLE));
        map.add(new E820Entry(MMIO_START, MMIO_END - MMIO_START, E820Entry.RESERVED));
        if (above4g > 0) {
            map.add(new E820Entry(FOUR_GIB, above4g, E820Entry.AVAILABLE));
        }
        return map;
    }

    /** Whether {@code [pa, pa + length)} lies inside one available RAM range. */
    public boolean isAvailableRam(long pa, long length) {
        if (pa < 0 || length < 0 || pa + length < pa) {
            return false;
        }
        for (E820Entry e : e820()) {
            if (e.type() == E820Entry.AVAILABLE && pa >= e.base() && pa + length <= e.end()) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pa} is backed by RAM (available or the reserved low area below 1 MiB). */
    public boolean isRam(long pa) {
        return (pa >= 0 && pa < below4g) || (pa >= FOUR_GIB && pa < FOUR_GIB + above4g);
    }
}
