package org.vtsim.ept.ept;

/**
 * What a VM exit for an EPT misconfiguration (basic exit reason 49) records: the guest-physical
 * address (SDM Vol. 3C 27.2.1: the exit qualification is undefined — vtsim stores 0). The level,
 * entry and reason are diagnostics for the monitor and tools, not architectural state.
 */
public record EptMisconfig(long guestPhysical, int level, long entry, EptMisconfigReason reason) {
    @Override
    public String toString() {
        return String.format("EptMisconfig[gpa=0x%x %s at L%d entry 0x%x]", guestPhysical, reason, level, entry);
    }
}
