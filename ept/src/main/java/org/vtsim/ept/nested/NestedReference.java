package org.vtsim.ept.nested;

/**
 * One memory reference of a 2-D walk. {@code ept}: an EPT paging-structure entry (read or A/D
 * write), made while translating {@code gpa}; otherwise a guest paging-structure entry at
 * guest-physical {@code gpa}. {@code hpa} is where memory was accessed; {@code level} is the entry's
 * level in its own dimension.
 */
public record NestedReference(boolean ept, long hpa, long gpa, int level, long value, boolean adWrite) {
    @Override
    public String toString() {
        return String.format("%s %s L%d @hpa %x (gpa %x) = %x", ept ? "EPT" : "guest",
                adWrite ? "A/D-write" : "read", level, hpa, gpa, value);
    }
}
