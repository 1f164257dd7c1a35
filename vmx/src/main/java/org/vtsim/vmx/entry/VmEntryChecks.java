package org.vtsim.vmx.entry;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.cpu.system.CpuidModel;
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
 *
 * <p>The areas, each in SDM order: {@link ControlFieldChecks} (26.2.1), {@link HostStateChecks}
 * (26.2.2-26.2.4), {@link GuestRegisterChecks} (26.3.1.1), {@link SegmentChecks} (26.3.1.2),
 * {@link GuestRegisterChecks} (26.3.1.3, 26.3.1.4), {@link NonRegisterStateChecks} (26.3.1.5),
 * {@link PdpteChecks} (26.3.1.6). Every rule is a preallocated {@link EntryCheckFailure}, and
 * {@link #firstFailure} stops at the first failed one, so it allocates nothing. {@link #firstFailure}
 * is incremental: it re-runs only the areas that read a field changed since the VMCS last passed
 * ({@link EntryCheckMemo}).
 *
 * <p>26.2.4 depends on whether the processor is in IA-32e mode at VM entry. The two-argument forms
 * assume it is (a 64-bit VMM, like the Java monitor); a VMM running in 32-bit protected mode calls the
 * three-argument forms with its IA32_EFER.LMA.
 */
public final class VmEntryChecks {
    private final VmxCapabilities caps;
    private final ProcessorFacts facts;
    private final EntryCheckMemo memo;

    /** Checks for the Skylake-class processor's MSRs (EFER bits of {@link CpuidModel#skylake()}). */
    public VmEntryChecks(VmxCapabilities caps) {
        this(caps, CpuidModel.skylake());
    }

    /** Checks for a processor whose CPUID is {@code cpu} (decides the reserved bits of IA32_EFER). */
    public VmEntryChecks(VmxCapabilities caps, CpuidModel cpu) {
        this.caps = caps;
        this.facts = new ProcessorFacts(caps, cpu);
        this.memo = new EntryCheckMemo(facts);
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
        return checkAll(vmcs, memory, true);
    }

    /** {@link #checkAll(Vmcs, PhysicalMemory)} for a processor in or outside IA-32e mode (26.2.4). */
    public List<EntryCheckFailure> checkAll(Vmcs vmcs, PhysicalMemory memory, boolean processorInIa32eMode) {
        List<EntryCheckFailure> all = new ArrayList<>();
        run(vmcs, memory, processorInIa32eMode, FailureSink.collectInto(all));
        return all;
    }

    /**
     * The failure the processor reports, or {@code null} when every check passes. Control and
     * host-state failures come before guest-state failures (SDM 26.2 precedes 26.3: a guest-state
     * failure is reported only when the VMCS passed 26.2).
     */
    public EntryCheckFailure firstFailure(Vmcs vmcs, PhysicalMemory memory) {
        return firstFailure(vmcs, memory, true);
    }

    /**
     * {@link #firstFailure(Vmcs, PhysicalMemory)} for a processor in or outside IA-32e mode (26.2.4).
     * Repeated calls for one VMCS re-run only the check areas whose inputs changed since it last passed
     * ({@link EntryCheckMemo}); the answer is the full checks' answer. Not thread-safe.
     */
    public EntryCheckFailure firstFailure(Vmcs vmcs, PhysicalMemory memory, boolean processorInIa32eMode) {
        return memo.firstFailure(vmcs, memory, processorInIa32eMode);
    }

    /** Areas the incremental {@link #firstFailure} has run (for tests). */
    long areasRun() {
        return memo.areasRun;
    }

    /** Only the control-field checks of 26.2.1 (for tools and for the capability-MSR property). */
    public List<EntryCheckFailure> controlFieldFailures(Vmcs vmcs, PhysicalMemory memory) {
        List<EntryCheckFailure> all = new ArrayList<>();
        ControlFieldChecks.check(vmcs, memory, facts, FailureSink.collectInto(all));
        return all;
    }

    /** Every area in order ({@link CheckArea}), from scratch, until {@code out} says stop. */
    private EntryCheckFailure run(Vmcs v, PhysicalMemory memory, boolean ia32e, FailureSink out) {
        for (CheckArea a : CheckArea.IN_ORDER) {
            EntryCheckFailure f = a.check(v, memory, facts, ia32e, out);
            if (f != null) {
                return f;
            }
        }
        return null;
    }
}
