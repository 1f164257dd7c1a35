package org.vtsim.platform.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.platform.MemoryLayout;

/**
 * Picks the loader for an image: a multiboot header makes it a multiboot kernel (as
 * {@code qemu -kernel} decides); otherwise an x86-64 ELF executable goes to {@link Elf64Loader};
 * anything else is refused with a one-line {@link BootImageException}.
 */
public final class BootLoader {
    private final PhysicalMemory memory;
    private final MemoryLayout layout;

    public BootLoader(PhysicalMemory memory, MemoryLayout layout) {
        this.memory = memory;
        this.layout = layout;
    }

    public BootResult load(String name, byte[] image, String append, List<BootModule> modules, CpuState cpu)
            throws BootImageException {
        if (MultibootLoader.isMultiboot(image)) {
            return new MultibootLoader(memory, layout).load(name, image, append, modules, cpu);
        }
        if (ElfImage.hasElfMagic(image) && ElfImage.elfClass(image) == ElfImage.ELFCLASS64) {
            return new Elf64Loader(memory, layout).load(name, image, append, modules, cpu);
        }
        throw new BootImageException(name, "no multiboot header in the first " + MultibootHeader.SEARCH_LIMIT
                + " bytes" + (ElfImage.hasElfMagic(image) ? " (and not an ELF64 image)" : " and not an ELF image"));
    }

    /**
     * Reads the image and the module files ({@code --initrd "FILE args"} style: the first word
     * is the file, the whole string the module's command line) and loads them.
     */
    public BootResult load(Path image, String append, List<String> initrds, CpuState cpu) throws BootImageException {
        byte[] bytes = read(image.toString(), image);
        List<BootModule> modules = new java.util.ArrayList<>();
        for (String spec : initrds) {
            String file = spec.strip().split("\\s+", 2)[0];
            modules.add(new BootModule(file, read(file, Path.of(file)), spec.strip()));
        }
        return load(image.toString(), bytes, append, modules, cpu);
    }

    private static byte[] read(String name, Path p) throws BootImageException {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new BootImageException(name, "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + " " + e.getMessage()));
        }
    }
}
