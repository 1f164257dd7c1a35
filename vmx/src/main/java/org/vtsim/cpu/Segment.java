package org.vtsim.cpu;

/**
 * A segment register's visible selector and hidden descriptor cache (SDM Vol. 3A 3.4.3).
 *
 * <p>{@link #attributes} uses the VMX access-rights layout (SDM Vol. 3C 24.4.1, Table 24-2) so
 * the same value can be stored in a VMCS guest-state field: bits 3:0 type, 4 S, 6:5 DPL, 7 P,
 * 12 AVL, 13 L, 14 D/B, 15 G, 16 segment unusable. {@link #limit} is the expanded byte limit
 * (granularity already applied).
 */
public final class Segment {
    public static final int ATTR_TYPE_MASK = 0xf;
    public static final int ATTR_S = 1 << 4;
    public static final int ATTR_DPL_SHIFT = 5;
    public static final int ATTR_P = 1 << 7;
    public static final int ATTR_AVL = 1 << 12;
    public static final int ATTR_L = 1 << 13;
    public static final int ATTR_DB = 1 << 14;
    public static final int ATTR_G = 1 << 15;
    public static final int ATTR_UNUSABLE = 1 << 16;

    public int selector;
    public long base;
    public long limit;
    public int attributes;

    public int dpl() {
        return (attributes >>> ATTR_DPL_SHIFT) & 3;
    }

    public boolean isUnusable() {
        return (attributes & ATTR_UNUSABLE) != 0;
    }

    public boolean is64BitCode() {
        return (attributes & ATTR_L) != 0;
    }

    public boolean isDefaultBig() {
        return (attributes & ATTR_DB) != 0;
    }

    public void set(int selector, long base, long limit, int attributes) {
        this.selector = selector;
        this.base = base;
        this.limit = limit;
        this.attributes = attributes;
    }

    public void copyFrom(Segment o) {
        set(o.selector, o.base, o.limit, o.attributes);
    }

    @Override
    public String toString() {
        return String.format("sel=%04x base=%016x limit=%08x attr=%05x", selector, base, limit, attributes);
    }
}
