package org.vtsim.ept;

/**
 * A guest-physical address. A distinct type so one kind of address cannot be passed where another is expected;
 * used at API boundaries, while hot paths carry the raw {@code long}.
 */
public record Gpa(long value) {
    public static Gpa of(long value) {
        return new Gpa(value);
    }

    public Gpa plus(long offset) {
        return new Gpa(value + offset);
    }

    public long pageNumber() {
        return value >>> PhysicalMemory.PAGE_SHIFT;
    }

    public int pageOffset() {
        return (int) (value & PhysicalMemory.PAGE_MASK);
    }

    @Override
    public String toString() {
        return "Gpa[0x" + Long.toHexString(value) + "]";
    }
}
