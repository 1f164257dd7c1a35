package org.vtsim.platform.boot;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.platform.MemoryLayout;

/**
 * Loads a multiboot v1 kernel the way {@code qemu-system-x86_64 -kernel IMAGE -append ARGS
 * -initrd MODULES} does (hw/i386/multiboot.c), following the Multiboot Specification 0.6.96:
 * header search (3.1), ELF32 PT_LOAD segments at p_paddr with the bss zeroed, or the a.out
 * kludge (flag 16) fields; modules page-aligned after the image; the information structure
 * in low memory ({@link BootArea}); and the machine state of section 3.2.
 *
 * <p>As in QEMU: the command line the kernel sees is "IMAGE ARGS" (the image name first);
 * flag 2 (video mode) is accepted but no video information is passed; an ELF64 image needs
 * the a.out kludge.
 */
public final class MultibootLoader {
    private final PhysicalMemory memory;
    private final MemoryLayout layout;

    public MultibootLoader(PhysicalMemory memory, MemoryLayout layout) {
        this.memory = memory;
        this.layout = layout;
    }

    /** Whether {@code image} has a valid multiboot header in its first 8192 bytes. */
    public static boolean isMultiboot(byte[] image) {
        return MultibootHeader.find(image) >= 0;
    }

    /**
     * Loads the image and modules into memory and sets {@code cpu} to the multiboot entry state.
     *
     * @param name the image's name (a path): prefixes error messages and starts the command line
     * @param append the kernel arguments (may be empty)
     * @throws BootImageException if the image is not multiboot, malformed, truncated, or does
     *     not fit in guest RAM; memory is left untouched by a rejected image
     */
    public BootResult load(String name, byte[] image, String append, List<BootModule> modules, CpuState cpu)
            throws BootImageException {
        ImageBytes f = new ImageBytes(name, image);
        MultibootHeader header = MultibootHeader.parse(f);
        List<LoadSegment> segments;
        long entry;
        if (header.aoutKludge()) {
            LoadSegment s = header.aoutSegment(f);
            segments = List.of(s);
            entry = header.entryAddr();
        } else {
            if (!ElfImage.hasElfMagic(image)) {
                throw f.error("multiboot header has no address fields (flag 16) and the image is not ELF");
            }
            if (ElfImage.elfClass(image) == ElfImage.ELFCLASS64) {
                throw f.error("ELF64 multiboot image without address fields (flag 16): give a 32-bit image, as QEMU"
                        + " requires");
            }
            ElfImage elf = ElfImage.parse(f, ElfImage.ELFCLASS32);
            segments = elf.segments;
            entry = elf.physicalEntry(f);
        }
        ImagePlacer placer = new ImagePlacer(memory, layout);
        placer.check(f, segments);
        List<MultibootInfo.PlacedModule> placedModules = planModules(f, placer, segments, modules,
                header.pageAlignModules());
        for (LoadSegment s : segments) {
            placer.load(f, s);
        }
        for (int i = 0; i < modules.size(); i++) {
            placer.loadBytes("module " + modules.get(i).name(), placedModules.get(i).start(), modules.get(i).data());
        }
        String cmdline = append == null || append.isEmpty() ? name + " " : name + " " + append;
        long info = MultibootInfo.write(memory, f, cmdline, placedModules, layout.e820(), layout.ramBelow4g());
        InitialState.writeGdt(memory);
        InitialState.multiboot(cpu, entry, info);
        return new BootResult(BootResult.Kind.MULTIBOOT, entry, info, placer.placed());
    }

    /** Modules go after the image, each page-aligned as QEMU places them (and as flag 0 asks). */
    static List<MultibootInfo.PlacedModule> planModules(ImageBytes f, ImagePlacer placer, List<LoadSegment> segments,
            List<BootModule> modules, boolean pageAlign) throws BootImageException {
        long next = 0;
        for (LoadSegment s : segments) {
            next = Math.max(next, s.end());
        }
        List<MultibootInfo.PlacedModule> out = new ArrayList<>();
        for (BootModule m : modules) {
            next = (next + 0xfff) & ~0xfffL;
            long len = m.data().length;
            placer.checkRange(f, "module " + m.name(), next, Math.max(len, 1));
            if (next + len > 0x1_0000_0000L) {
                throw f.error("module " + m.name() + " would end above 4 GiB");
            }
            out.add(new MultibootInfo.PlacedModule(next, next + len, m.cmdline()));
            next += len;
        }
        return out;
    }
}
