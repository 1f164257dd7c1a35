package org.vtsim.ept.paging;

/**
 * One memory reference a walk made: a read of a paging-structure entry, or the write that set its
 * accessed/dirty flags (SDM Vol. 3A 4.8). The physical address is in the walker's address space
 * (guest-physical under EPT, for the 2-D walk to translate).
 */
public record WalkReference(long address, int level, long value, boolean adWrite) {
    @Override
    public String toString() {
        return String.format("%s L%d @%x = %x", adWrite ? "A/D-write" : "read", level, address, value);
    }
}
