package org.vtsim.platform.boot;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.platform.E820Entry;
import org.vtsim.platform.MemoryLayout;

/**
 * Loads an x86-64 ELF executable and enters it directly in 64-bit mode (vtsim's own convention;
 * QEMU has no equivalent — for images meant to run on both, use multiboot).
 *
 * <p>Convention at the entry point:
 * <ul>
 * <li>PT_LOAD segments at p_paddr, bss zeroed; RIP = e_entry moved into physical space by its
 *     segment's p_paddr - p_vaddr, which must be below 4 GiB;</li>
 * <li>IA-32e paging with CR3 = 0x1000: the first 4 GiB identity-mapped with 2 MiB pages
 *     (P, R/W, PS; PCD|PWT on the MMIO window), CR0 = PE|ET|PG, CR4 = PAE, EFER = LME|LMA;</li>
 * <li>GDT at 0x7000 (null, 0x08 code32, 0x10 data, 0x18 code64): CS = 0x18 (L = 1), the data
 *     selectors 0x10; RFLAGS.IF = 0; IDTR empty;</li>
 * <li>RDI = RBX = address of a multiboot v1 information structure (the same layout as the
 *     multiboot loader's, memory map with [0x1000, 0x9000) reserved for these tables and the
 *     stack), RSI = RAX = 0x2BADB002, RSP = 0x8ff8.</li>
 * </ul>
 */
public final class Elf64Loader {
    static final long PAGE_2M = 2L << 20;
    static final long PTE_P = 1;
    static final long PTE_RW = 1L << 1;
    static final long PTE_PWT = 1L << 3;
    static final long PTE_PCD = 1L << 4;
    static final long PTE_PS = 1L << 7;

    private final PhysicalMemory memory;
    private final MemoryLayout layout;

    public Elf64Loader(PhysicalMemory memory, MemoryLayout layout) {
        this.memory = memory;
        this.layout = layout;
    }

    /**
     * Loads the image and modules and sets {@code cpu} to the 64-bit entry state above.
     *
     * @throws BootImageException if the image is not an x86-64 ELF executable, is malformed or
     *     truncated, or does not fit in guest RAM
     */
    public BootResult load(String name, byte[] image, String append, List<BootModule> modules, CpuState cpu)
            throws BootImageException {
        ImageBytes f = new ImageBytes(name, image);
        if (!ElfImage.hasElfMagic(image)) {
            throw f.error("not an ELF image (no \\x7fELF magic)");
        }
        ElfImage elf = ElfImage.parse(f, ElfImage.ELFCLASS64);
        long entry = elf.physicalEntry(f);
        if (entry >= MemoryLayout.FOUR_GIB) {
            throw f.error(String.format("entry point 0x%x is above the identity-mapped 4 GiB", entry));
        }
        ImagePlacer placer = new ImagePlacer(memory, layout);
        placer.check(f, elf.segments);
        List<MultibootInfo.PlacedModule> placedModules = MultibootLoader.planModules(f, placer, elf.segments, modules, true);
        for (LoadSegment s : elf.segments) {
            placer.load(f, s);
        }
        for (int i = 0; i < modules.size(); i++) {
            placer.loadBytes("module " + modules.get(i).name(), placedModules.get(i).start(), modules.get(i).data());
        }
        String cmdline = append == null || append.isEmpty() ? name + " " : name + " " + append;
        long info = MultibootInfo.write(memory, f, cmdline, placedModules, memoryMap(), layout.ramBelow4g());
        writePageTables(memory);
        InitialState.writeGdt(memory);
        InitialState.longMode(cpu, entry, info);
        return new BootResult(BootResult.Kind.ELF64, entry, info, placer.placed());
    }

    /** The layout's map with the page tables, GDT and stack marked reserved. */
    List<E820Entry> memoryMap() {
        List<E820Entry> map = new ArrayList<>();
        for (E820Entry e : layout.e820()) {
            if (e.base() == 0 && e.type() == E820Entry.AVAILABLE) {
                map.add(new E820Entry(0, BootArea.START, E820Entry.AVAILABLE));
                map.add(new E820Entry(BootArea.START, BootArea.ELF64_RESERVED_END - BootArea.START, E820Entry.RESERVED));
                map.add(new E820Entry(BootArea.ELF64_RESERVED_END, e.end() - BootArea.ELF64_RESERVED_END,
                        E820Entry.AVAILABLE));
            } else {
                map.add(e);
            }
        }
        return map;
    }

    /** PML4 -> one PDPT -> four page directories of 2 MiB pages (SDM Vol. 3A 4.5, Table 4-18). */
    static void writePageTables(PhysicalMemory mem) {
        ImagePlacer.zero(mem, BootArea.PML4, 0x6000);
        mem.write64(BootArea.PML4, BootArea.PDPT | PTE_P | PTE_RW);
        for (int i = 0; i < 4; i++) {
            long pd = BootArea.PD + i * 0x1000L;
            mem.write64(BootArea.PDPT + i * 8L, pd | PTE_P | PTE_RW);
            for (int j = 0; j < 512; j++) {
                long pa = (i * 512L + j) * PAGE_2M;
                long flags = PTE_P | PTE_RW | PTE_PS;
                if (pa >= MemoryLayout.MMIO_START) {
                    flags |= PTE_PCD | PTE_PWT; // device memory: uncacheable
                }
                mem.write64(pd + j * 8L, pa | flags);
            }
        }
    }
}
