package org.vtsim.vmx.entry;

import org.vtsim.vmx.entry.EntryCheckFailure.Kind;

/**
 * Factories for the rule constants of the check areas, and the bit tests the rules share. Every
 * rule is one preallocated {@link EntryCheckFailure}: reporting a failure allocates nothing.
 */
final class Rules {
    /** Exit qualification of a guest-state failure (SDM Vol. 3C 27.2.1, Table 27-1; 26.8). */
    static final long QUAL_DEFAULT = 0;
    static final long QUAL_PDPTE = 2;
    static final long QUAL_VMCS_LINK_POINTER = 4;

    private Rules() {
    }

    static EntryCheckFailure control(String section, String rule) {
        return new EntryCheckFailure(Kind.INVALID_CONTROL_FIELDS, 0, section, rule);
    }

    static EntryCheckFailure host(String section, String rule) {
        return new EntryCheckFailure(Kind.INVALID_HOST_STATE, 0, section, rule);
    }

    static EntryCheckFailure guest(String section, String rule) {
        return new EntryCheckFailure(Kind.INVALID_GUEST_STATE, QUAL_DEFAULT, section, rule);
    }

    static EntryCheckFailure guest(String section, long qualification, String rule) {
        return new EntryCheckFailure(Kind.INVALID_GUEST_STATE, qualification, section, rule);
    }

    /** Whether {@code pa} sets a bit at or above MAXPHYADDR ("beyond the physical-address width"). */
    static boolean beyondWidth(long pa, int maxPhysAddr) {
        return (pa >>> maxPhysAddr) != 0;
    }

    /** Bits 11:0 zero and nothing beyond MAXPHYADDR: the rule for every page address of 26.2.1. */
    static boolean badPageAddress(long pa, int maxPhysAddr) {
        return (pa & 0xfff) != 0 || beyondWidth(pa, maxPhysAddr);
    }

    /** Bits 63:bits-1 all equal (SDM Vol. 1 3.3.7.1). */
    static boolean canonical(long address, int bits) {
        int shift = 64 - bits;
        return (address << shift >> shift) == address;
    }

    static boolean bit(long value, long mask) {
        return (value & mask) != 0;
    }

    /**
     * One byte of physical memory as VM entry reads it; an address outside the modelled memory reads
     * as all ones, like a read that no memory answers.
     */
    static int read8(org.vtsim.ept.PhysicalMemory memory, long pa) {
        return pa >= 0 && pa < memory.size() ? memory.read8(pa) : 0xff;
    }

    static int read32(org.vtsim.ept.PhysicalMemory memory, long pa) {
        return pa >= 0 && pa <= memory.size() - 4 ? memory.read32(pa) : -1;
    }

    static long read64(org.vtsim.ept.PhysicalMemory memory, long pa) {
        return pa >= 0 && pa <= memory.size() - 8 ? memory.read64(pa) : -1L;
    }
}
