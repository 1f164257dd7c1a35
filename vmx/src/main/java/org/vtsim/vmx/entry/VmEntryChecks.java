package org.vtsim.vmx.entry;

import java.util.List;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * The checks VM entry makes on the VMCS before loading anything: SDM Vol. 3C 26.2 (VM-execution,
 * VM-exit and VM-entry control fields; host-state area) and 26.3.1 (guest-state area, including
 * the PDPTE checks of 26.3.1.6 that need memory). The checks of 26.1 (on the instruction: CPL,
 * current-VMCS pointer, launch state, MOV-SS blocking) belong to VMLAUNCH/VMRESUME, and the MSR-load
 * checks of 26.4 to the loading itself.
 *
 * <p>VMLAUNCH and VMRESUME use {@link #firstFailure}; {@code vtsim vmcs check} uses
 * {@link #checkAll} to explain every failed rule.
 */
public final class VmEntryChecks {
    private final VmxCapabilities caps;

    public VmEntryChecks(VmxCapabilities caps) {
        this.caps = caps;
    }

    public VmxCapabilities capabilities() {
        return caps;
    }

    /**
     * Every failed check, in SDM order: control fields (26.2.1), host state (26.2.2–26.2.4), then
     * guest state (26.3.1). {@code memory} is where guest PDPTEs are read for the PAE checks
     * (guest-physical = physical while EPT is off).
     */
    public List<EntryCheckFailure> checkAll(Vmcs vmcs, PhysicalMemory memory) {
        throw new UnsupportedOperationException("unsupported: VM-entry checks are being written");
    }

    /**
     * The failure the processor reports, or {@code null} when every check passes. Control and
     * host-state failures come before guest-state failures (SDM 26.2 precedes 26.3: a guest-state
     * failure is reported only when the VMCS passed 26.2).
     */
    public EntryCheckFailure firstFailure(Vmcs vmcs, PhysicalMemory memory) {
        List<EntryCheckFailure> all = checkAll(vmcs, memory);
        return all.isEmpty() ? null : all.get(0);
    }
}
