package org.vtsim.platform.boot;

/**
 * The multiboot v1 header (Multiboot Specification 0.6.96, section 3.1): a 32-bit aligned
 * structure in the first 8192 bytes of the image, magic 0x1BADB002, flags and a checksum that
 * makes the three sum to zero; with flag 16 the a.out kludge address fields follow.
 */
record MultibootHeader(long fileOffset, long flags, long headerAddr, long loadAddr, long loadEndAddr, long bssEndAddr,
        long entryAddr) {
    static final long MAGIC = 0x1BADB002L;
    static final int SEARCH_LIMIT = 8192;
    /** Flag 0: align modules on 4 KiB page boundaries. */
    static final long PAGE_ALIGN = 1L;
    /** Flag 1: pass memory information (mem_lower/mem_upper, mmap). */
    static final long MEMORY_INFO = 1L << 1;
    /** Flag 2: pass video mode information (accepted and not provided, as QEMU does). */
    static final long VIDEO_MODE = 1L << 2;
    /** Flag 16: the address fields are valid (the "a.out kludge"). */
    static final long AOUT_KLUDGE = 1L << 16;
    /** Bits 0-15 are requirements: a loader must refuse any it does not know (section 3.1.2). */
    static final long REQUIREMENT_BITS = 0xffffL;
    static final long KNOWN_REQUIREMENTS = PAGE_ALIGN | MEMORY_INFO | VIDEO_MODE;

    boolean aoutKludge() {
        return (flags & AOUT_KLUDGE) != 0;
    }

    boolean pageAlignModules() {
        return (flags & PAGE_ALIGN) != 0;
    }

    /** The header's offset, or -1 when there is no valid header (magic with matching checksum). */
    static long find(byte[] data) {
        int limit = Math.min(SEARCH_LIMIT, data.length) - 12;
        ImageBytes f = new ImageBytes("", data);
        for (int o = 0; o <= limit; o += 4) {
            if (f.u32Unchecked(o) == MAGIC) {
                long flags = f.u32Unchecked(o + 4);
                long checksum = f.u32Unchecked(o + 8);
                if (((MAGIC + flags + checksum) & 0xffffffffL) == 0) {
                    return o;
                }
            }
        }
        return -1;
    }

    static MultibootHeader parse(ImageBytes f) throws BootImageException {
        long o = find(f.data);
        if (o < 0) {
            throw f.error("no multiboot header in the first " + SEARCH_LIMIT + " bytes");
        }
        long flags = f.u32(o + 4, "multiboot header");
        long unknown = flags & REQUIREMENT_BITS & ~KNOWN_REQUIREMENTS;
        if (unknown != 0) {
            throw f.error(String.format("multiboot header requires features this loader lacks (flags 0x%x)", unknown));
        }
        if ((flags & AOUT_KLUDGE) == 0) {
            return new MultibootHeader(o, flags, 0, 0, 0, 0, 0);
        }
        f.require(o, 32, "multiboot header address fields");
        return new MultibootHeader(o, flags, f.u32(o + 12, "header_addr"), f.u32(o + 16, "load_addr"),
                f.u32(o + 20, "load_end_addr"), f.u32(o + 24, "bss_end_addr"), f.u32(o + 28, "entry_addr"));
    }

    /** The one segment the a.out kludge fields describe (section 3.1.3). */
    LoadSegment aoutSegment(ImageBytes f) throws BootImageException {
        if (loadAddr > headerAddr) {
            throw f.error(String.format("load_addr 0x%x is above header_addr 0x%x", loadAddr, headerAddr));
        }
        long fileStart = fileOffset - (headerAddr - loadAddr);
        if (fileStart < 0) {
            throw f.error(String.format("load_addr 0x%x would start 0x%x bytes before the file", loadAddr, -fileStart));
        }
        long loadEnd = loadEndAddr == 0 ? loadAddr + (f.length() - fileStart) : loadEndAddr;
        if (loadEnd < loadAddr) {
            throw f.error(String.format("load_end_addr 0x%x is below load_addr 0x%x", loadEndAddr, loadAddr));
        }
        long fileSize = loadEnd - loadAddr;
        if (fileStart + fileSize > f.length()) {
            throw f.error(String.format("load_end_addr 0x%x extends past end of file (offset 0x%x, file size 0x%x)",
                    loadEndAddr, fileStart + fileSize, f.length()));
        }
        long memEnd = bssEndAddr == 0 ? loadEnd : bssEndAddr;
        if (memEnd < loadEnd) {
            throw f.error(String.format("bss_end_addr 0x%x is below the end of the loaded data 0x%x", bssEndAddr, loadEnd));
        }
        if (memEnd == loadAddr) {
            throw f.error("the a.out kludge fields describe an empty image");
        }
        if (entryAddr < loadAddr || entryAddr >= memEnd) {
            throw f.error(String.format("entry_addr 0x%x is outside the loaded image [0x%x, 0x%x)", entryAddr, loadAddr,
                    memEnd));
        }
        return new LoadSegment(0, fileStart, loadAddr, loadAddr, fileSize, memEnd - loadAddr);
    }
}
