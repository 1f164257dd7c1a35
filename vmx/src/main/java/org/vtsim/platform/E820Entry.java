package org.vtsim.platform;

/**
 * One range of the physical address map as firmware reports it (BIOS INT 15h E820 and the
 * multiboot memory map use the same types): {@link #AVAILABLE} RAM or {@link #RESERVED}.
 */
public record E820Entry(long base, long length, int type) {
    public static final int AVAILABLE = 1;
    public static final int RESERVED = 2;

    public long end() {
        return base + length;
    }

    @Override
    public String toString() {
        return String.format("[0x%x, 0x%x) %s", base, end(), type == AVAILABLE ? "available" : "reserved");
    }
}
