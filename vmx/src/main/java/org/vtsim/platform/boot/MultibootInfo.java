package org.vtsim.platform.boot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.platform.E820Entry;

/**
 * Writes the multiboot v1 information structure (Multiboot Specification 0.6.96, section 3.3)
 * into the {@link BootArea}: flags, mem_lower/mem_upper, cmdline, modules, the memory map and
 * the boot loader name.
 */
final class MultibootInfo {
    static final long BOOTLOADER_MAGIC = 0x2BADB002L;
    static final String BOOT_LOADER_NAME = "vtsim";

    // Flag bits of the information structure.
    static final int INFO_MEMORY = 1;
    static final int INFO_CMDLINE = 1 << 2;
    static final int INFO_MODS = 1 << 3;
    static final int INFO_MEM_MAP = 1 << 6;
    static final int INFO_BOOT_LOADER_NAME = 1 << 9;

    // Field offsets.
    static final int FLAGS = 0;
    static final int MEM_LOWER = 4;
    static final int MEM_UPPER = 8;
    static final int CMDLINE = 16;
    static final int MODS_COUNT = 20;
    static final int MODS_ADDR = 24;
    static final int MMAP_LENGTH = 44;
    static final int MMAP_ADDR = 48;
    static final int BOOT_LOADER_NAME_ADDR = 64;
    /** Size with the VBE and framebuffer fields, all written (zero when unused). */
    static final int SIZE = 116;
    static final int MODULE_ENTRY_SIZE = 16;
    static final int MMAP_ENTRY_SIZE = 24; // the size field (20) plus 20 bytes it counts

    /** A module already placed in memory. */
    record PlacedModule(long start, long end, String cmdline) {
    }

    private MultibootInfo() {
    }

    /** Writes everything and returns the info structure's address. */
    static long write(PhysicalMemory mem, ImageBytes f, String cmdline, List<PlacedModule> modules, List<E820Entry> map,
            long ramBelow4g) throws BootImageException {
        if (modules.size() * MODULE_ENTRY_SIZE > BootArea.STRINGS - BootArea.MODULE_LIST) {
            throw f.error("too many modules (" + modules.size() + ") for the boot information area");
        }
        if (map.size() * MMAP_ENTRY_SIZE > BootArea.INFO - BootArea.MMAP) {
            throw f.error("memory map too large for the boot information area");
        }
        Strings strings = new Strings(mem, f);
        long cmdlineAddr = strings.add(cmdline);
        long nameAddr = strings.add(BOOT_LOADER_NAME);
        List<Long> moduleStrings = new ArrayList<>();
        for (PlacedModule m : modules) {
            moduleStrings.add(strings.add(m.cmdline()));
        }

        for (int i = 0; i < modules.size(); i++) {
            long e = BootArea.MODULE_LIST + (long) i * MODULE_ENTRY_SIZE;
            mem.write32(e, (int) modules.get(i).start());
            mem.write32(e + 4, (int) modules.get(i).end());
            mem.write32(e + 8, moduleStrings.get(i).intValue());
            mem.write32(e + 12, 0);
        }
        for (int i = 0; i < map.size(); i++) {
            long e = BootArea.MMAP + (long) i * MMAP_ENTRY_SIZE;
            mem.write32(e, MMAP_ENTRY_SIZE - 4);
            mem.write64(e + 4, map.get(i).base());
            mem.write64(e + 12, map.get(i).length());
            mem.write32(e + 20, map.get(i).type());
        }

        long info = BootArea.INFO;
        ImagePlacer.zero(mem, info, SIZE);
        mem.write32(info + FLAGS, INFO_MEMORY | INFO_CMDLINE | INFO_MODS | INFO_MEM_MAP | INFO_BOOT_LOADER_NAME);
        mem.write32(info + MEM_LOWER, (int) (org.vtsim.platform.MemoryLayout.EBDA_START / 1024)); // 639 KiB
        mem.write32(info + MEM_UPPER, (int) ((ramBelow4g - org.vtsim.platform.MemoryLayout.HIGH_MEMORY_START) / 1024));
        mem.write32(info + CMDLINE, (int) cmdlineAddr);
        mem.write32(info + MODS_COUNT, modules.size());
        mem.write32(info + MODS_ADDR, (int) BootArea.MODULE_LIST);
        mem.write32(info + MMAP_LENGTH, map.size() * MMAP_ENTRY_SIZE);
        mem.write32(info + MMAP_ADDR, (int) BootArea.MMAP);
        mem.write32(info + BOOT_LOADER_NAME_ADDR, (int) nameAddr);
        return info;
    }

    /** NUL-terminated strings packed from {@link BootArea#STRINGS} up to the EBDA. */
    private static final class Strings {
        private final PhysicalMemory mem;
        private final ImageBytes f;
        private long next = BootArea.STRINGS;

        Strings(PhysicalMemory mem, ImageBytes f) {
            this.mem = mem;
            this.f = f;
        }

        long add(String s) throws BootImageException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (next + b.length + 1 > BootArea.END) {
                throw f.error("command lines too long for the boot information area (" + (BootArea.END - BootArea.STRINGS)
                        + " bytes)");
            }
            long at = next;
            mem.write(at, b, 0, b.length);
            mem.write8(at + b.length, 0);
            next += b.length + 1;
            return at;
        }
    }
}
