package org.vtsim.platform.boot;

/**
 * Low memory the loaders use for what they hand the kernel, below the EBDA at 0x9fc00 and below
 * any image loaded at 1 MiB: the multiboot information at 0x9000 as QEMU places it
 * (hw/i386/multiboot.c: memory map at 0x9000, info at 0x9500), the GDT, a boot stack, and the
 * ELF64 loader's page tables. Images may not overlap {@code [START, END)}.
 */
public final class BootArea {
    public static final long START = 0x1000;
    public static final long END = 0x9fc00;
    /** ELF64: PML4 at 0x1000, PDPT at 0x2000, four page directories 0x3000-0x6fff. */
    public static final long PML4 = 0x1000;
    public static final long PDPT = 0x2000;
    public static final long PD = 0x3000;
    public static final long GDT = 0x7000;
    /** A boot stack [0x8000, 0x9000): ESP/RSP start just below 0x9000. */
    public static final long STACK_TOP = 0x9000;
    /** Reserved in the ELF64 loader's memory map: page tables, GDT and stack. */
    public static final long ELF64_RESERVED_END = 0x9000;
    public static final long MMAP = 0x9000;
    public static final long INFO = 0x9500;
    public static final long MODULE_LIST = 0x9600;
    public static final long STRINGS = 0xa000;

    // GDT selectors.
    public static final int CODE32_SELECTOR = 0x08;
    public static final int DATA_SELECTOR = 0x10;
    public static final int CODE64_SELECTOR = 0x18;

    private BootArea() {
    }
}
