package org.vtsim.conformance.differential;

/**
 * Optional instructions both sides can run: the host must have them (CPUID read by the native
 * harness) and the model must advertise them, else F3 0F BC/BD mean BSF/BSR and results differ
 * for a documented reason rather than a bug.
 */
record HostFeatures(boolean popcnt, boolean lzcnt, boolean tzcnt) {
    /** CPUID.1:ECX.POPCNT[23], CPUID.(7,0):EBX.BMI1[3], CPUID.80000001H:ECX.LZCNT[5] (SDM Vol. 2A CPUID). */
    static HostFeatures fromCpuid(int leaf1Ecx, int leaf7Ebx, int ext1Ecx) {
        return new HostFeatures((leaf1Ecx & (1 << 23)) != 0, (ext1Ecx & (1 << 5)) != 0, (leaf7Ebx & (1 << 3)) != 0);
    }

    HostFeatures and(HostFeatures o) {
        return new HostFeatures(popcnt && o.popcnt, lzcnt && o.lzcnt, tzcnt && o.tzcnt);
    }
}
