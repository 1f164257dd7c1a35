package org.vtsim.ept;

/**
 * A guest-linear (virtual) address. A distinct type so one kind of address cannot be passed where another is expected;
 * used at API boundaries, while hot paths carry the raw {@code long}.
 */
public record Gva(long value) {
    public static Gva of(long value) {
        return new Gva(value);
    }

    public Gva plus(long offset) {
        return new Gva(value + offset);
    }

    public long pageNumber() {
        return value >>> PhysicalMemory.PAGE_SHIFT;
    }

    public int pageOffset() {
        return (int) (value & PhysicalMemory.PAGE_MASK);
    }

    @Override
    public String toString() {
        return "Gva[0x" + Long.toHexString(value) + "]";
    }
}
