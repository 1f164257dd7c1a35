package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuState;

/** Canonical-address rule of IA-32e mode (SDM Vol. 1 3.3.7.1, Vol. 3A 4.5). */
public final class Canonical {
    private Canonical() {
    }

    /** Whether bits 63:bits-1 of {@code address} are all equal. */
    public static boolean isCanonical(long address, int bits) {
        int shift = 64 - bits;
        return (address << shift >> shift) == address;
    }

    /** Linear-address width in force: 57 with CR4.LA57, else 48. */
    public static int linearBits(CpuState s) {
        return (s.cr4 & CpuState.CR4_LA57) != 0 ? 57 : 48;
    }

    public static boolean isCanonical(CpuState s, long address) {
        return isCanonical(address, linearBits(s));
    }
}
