package org.vtsim.vmx.vmcs;

import java.util.Arrays;

/**
 * A set of VMCS fields as a bit set over {@link VmcsField} ordinals: the fields a VMCS saw change,
 * or the fields a computation read ({@link Vmcs#logReads}). Adding and testing allocate nothing.
 */
public final class FieldSet {
    private static final int WORDS = (VmcsField.values().length + 63) >>> 6;

    private final long[] bits = new long[WORDS];

    /** The empty set. */
    public FieldSet() {
    }

    void add(int ordinal) {
        bits[ordinal >>> 6] |= 1L << ordinal;
    }

    public void add(VmcsField f) {
        add(f.ordinal());
    }

    public boolean contains(VmcsField f) {
        int i = f.ordinal();
        return (bits[i >>> 6] & 1L << i) != 0;
    }

    /** Whether this set and {@code other} have a field in common. */
    public boolean intersects(FieldSet other) {
        long[] o = other.bits;
        for (int w = 0; w < WORDS; w++) {
            if ((bits[w] & o[w]) != 0) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        for (long w : bits) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    public void clear() {
        long[] b = bits;
        for (int w = 0; w < WORDS; w++) { // WORDS is a constant: the loop unrolls, unlike Arrays.fill's
            b[w] = 0;
        }
    }

    /** Every field. */
    public void addAll() {
        Arrays.fill(bits, -1L);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (VmcsField f : VmcsField.values()) {
            if (contains(f)) {
                b.append(b.length() > 1 ? ", " : "").append(f);
            }
        }
        return b.append('}').toString();
    }
}
