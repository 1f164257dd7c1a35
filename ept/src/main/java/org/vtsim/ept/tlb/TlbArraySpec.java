package org.vtsim.ept.tlb;

import java.util.Arrays;

/**
 * Geometry of one set-associative TLB array: entries, ways, and the page sizes (as address shifts
 * 12, 21, 22, 30) it holds. {@code ways == entries} is fully associative.
 */
public record TlbArraySpec(String name, int entries, int ways, int... pageShifts) {
    public TlbArraySpec {
        if (entries <= 0 || ways <= 0 || entries % ways != 0) {
            throw new IllegalArgumentException(name + ": entries must be a positive multiple of ways");
        }
        int sets = entries / ways;
        if (Integer.bitCount(sets) != 1) {
            throw new IllegalArgumentException(name + ": number of sets must be a power of two: " + sets);
        }
        pageShifts = pageShifts.clone();
        Arrays.sort(pageShifts);
        for (int s : pageShifts) {
            if (s != 12 && s != 21 && s != 22 && s != 30) {
                throw new IllegalArgumentException(name + ": page shift must be 12, 21, 22 or 30: " + s);
            }
        }
    }

    public int sets() {
        return entries / ways;
    }

    @Override
    public String toString() {
        return name + "(" + entries + " entries, " + ways + "-way, shifts " + Arrays.toString(pageShifts) + ")";
    }
}
