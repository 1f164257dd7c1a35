package org.vtsim.platform.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF executable a loader needs (System V gABI, "ELF Header" and "Program
 * Header"): class, machine, entry point and PT_LOAD segments, each checked against the file.
 */
final class ElfImage {
    static final int ELFCLASS32 = 1;
    static final int ELFCLASS64 = 2;
    static final int ELFDATA2LSB = 1;
    static final int ET_EXEC = 2;
    static final int EM_386 = 3;
    static final int EM_X86_64 = 62;
    static final long PT_LOAD = 1;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int EI_VERSION = 6;

    final int elfClass;
    final long entry;
    final List<LoadSegment> segments;

    private ElfImage(int elfClass, long entry, List<LoadSegment> segments) {
        this.elfClass = elfClass;
        this.entry = entry;
        this.segments = segments;
    }

    static boolean hasElfMagic(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    /** The ELF class byte, or -1 when the file is too short to say. */
    static int elfClass(byte[] data) {
        return data.length > EI_CLASS ? data[EI_CLASS] : -1;
    }

    static ElfImage parse(ImageBytes f, int expectedClass) throws BootImageException {
        if (!hasElfMagic(f.data)) {
            throw f.error("not an ELF image (no \\x7fELF magic)");
        }
        int cls = f.u8(EI_CLASS, "ELF identification");
        if (cls != expectedClass) {
            throw f.error("ELF class " + cls + " where ELF" + (expectedClass == ELFCLASS32 ? "32" : "64") + " was expected");
        }
        if (f.u8(EI_DATA, "ELF identification") != ELFDATA2LSB) {
            throw f.error("not a little-endian ELF image");
        }
        if (f.u8(EI_VERSION, "ELF identification") != 1) {
            throw f.error("unknown ELF version " + f.u8(EI_VERSION, "ELF identification"));
        }
        boolean is64 = cls == ELFCLASS64;
        f.require(0, is64 ? 64 : 52, "ELF header");
        int type = f.u16(16, "e_type");
        if (type != ET_EXEC) {
            throw f.error("ELF type " + type + " is not an executable (ET_EXEC)");
        }
        int machine = f.u16(18, "e_machine");
        int expectedMachine = is64 ? EM_X86_64 : EM_386;
        if (machine != expectedMachine) {
            throw f.error("ELF machine " + machine + " is not " + (is64 ? "x86-64 (62)" : "i386 (3)"));
        }
        long entry = is64 ? f.address64(24, "e_entry") : f.u32(24, "e_entry");
        long phoff = is64 ? f.u64(32, "e_phoff") : f.u32(28, "e_phoff");
        int phentsize = f.u16(is64 ? 54 : 42, "e_phentsize");
        int phnum = f.u16(is64 ? 56 : 44, "e_phnum");
        int minEntry = is64 ? 56 : 32;
        if (phnum == 0) {
            throw f.error("ELF image has no program headers");
        }
        if (phentsize < minEntry) {
            throw f.error("ELF program header entry size " + phentsize + " is smaller than " + minEntry);
        }
        f.require(phoff, (long) phnum * phentsize, "program header table");
        List<LoadSegment> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long p = phoff + (long) i * phentsize;
            if (f.u32(p, "program header " + i) != PT_LOAD) {
                continue;
            }
            long offset;
            long vaddr;
            long paddr;
            long filesz;
            long memsz;
            if (is64) {
                offset = f.u64(p + 8, "segment " + i + " p_offset");
                vaddr = f.address64(p + 16, "segment " + i + " p_vaddr");
                paddr = f.u64(p + 24, "segment " + i + " p_paddr");
                filesz = f.u64(p + 32, "segment " + i + " p_filesz");
                memsz = f.u64(p + 40, "segment " + i + " p_memsz");
            } else {
                offset = f.u32(p + 4, "segment " + i + " p_offset");
                vaddr = f.u32(p + 8, "segment " + i + " p_vaddr");
                paddr = f.u32(p + 12, "segment " + i + " p_paddr");
                filesz = f.u32(p + 16, "segment " + i + " p_filesz");
                memsz = f.u32(p + 20, "segment " + i + " p_memsz");
            }
            if (filesz > memsz) {
                throw f.error(String.format("segment %d file size 0x%x exceeds its memory size 0x%x", i, filesz, memsz));
            }
            if (offset + filesz > f.length() || offset + filesz < offset) {
                throw f.error(String.format("segment %d extends past end of file (offset 0x%x, size 0x%x, file size 0x%x)",
                        i, offset, filesz, f.length()));
            }
            if (memsz == 0) {
                continue;
            }
            segs.add(new LoadSegment(i, offset, paddr, vaddr, filesz, memsz));
        }
        if (segs.isEmpty()) {
            throw f.error("ELF image has no loadable (PT_LOAD) segment");
        }
        return new ElfImage(cls, entry, segs);
    }

    /**
     * The entry point as a physical address: a virtual entry inside a segment is moved by that
     * segment's p_paddr - p_vaddr, since the CPU starts with paging off (multiboot) or with an
     * identity map (ELF64), as QEMU's ELF loader does for its entry point.
     */
    long physicalEntry(ImageBytes f) throws BootImageException {
        for (LoadSegment s : segments) {
            if (Long.compareUnsigned(entry, s.vaddr()) >= 0 && Long.compareUnsigned(entry - s.vaddr(), s.memSize()) < 0) {
                return entry - s.vaddr() + s.paddr();
            }
        }
        throw f.error(String.format("entry point 0x%x is in no loadable segment", entry));
    }
}
