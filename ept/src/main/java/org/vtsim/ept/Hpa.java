package org.vtsim.ept;

/**
 * A host-physical address. A distinct type so one kind of address cannot be passed where another is expected;
 * used at API boundaries, while hot paths carry the raw {@code long}.
 */
public record Hpa(long value) {
    public static Hpa of(long value) {
        return new Hpa(value);
    }

    public Hpa plus(long offset) {
        return new Hpa(value + offset);
    }

    public long pageNumber() {
        return value >>> PhysicalMemory.PAGE_SHIFT;
    }

    public int pageOffset() {
        return (int) (value & PhysicalMemory.PAGE_MASK);
    }

    @Override
    public String toString() {
        return "Hpa[0x" + Long.toHexString(value) + "]";
    }
}
