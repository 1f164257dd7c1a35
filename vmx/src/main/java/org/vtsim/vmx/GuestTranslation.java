package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.AddressTranslation;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.MmuTranslation;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.mmu.MmuConfig;
import org.vtsim.ept.mmu.NestedMmu;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * What VMX transitions and the VMX invalidation instructions do to address translation (SDM Vol. 3C 28.4):
 *
 * <ul>
 *   <li>VM entry with "enable EPT" installs the guest's {@link EptTranslation} (guest paging state, EPTP,
 *       VPID — 0000H when "enable VPID" is 0) in place of the host's; VM exit puts the host's back. The
 *       guest's combined mappings share the host MMU's TLB arrays (one {@link NestedMmu} per host MMU).</li>
 *   <li>With "enable VPID" = 0 entry and exit invalidate VPID 0000H's linear and combined mappings; with
 *       "enable VPID" = 1 they invalidate nothing (28.4.3.1): the guest's mappings survive an exit.</li>
 *   <li>Without EPT the guest runs on the host's MMU. With "enable VPID" its entries carry a tag of their
 *       own (the VPID) and survive entry and exit, as the host's do; without, they carry the host's tag and
 *       entry and exit flush it.</li>
 *   <li>INVEPT and INVVPID invalidate exactly what 28.4.3.1 / ch. 31 say, in the nested MMU.</li>
 * </ul>
 */
final class GuestTranslation {
    private final Vmx vmx;
    private final Cpu cpu;
    private final CpuState s;
    private final EptCapabilities eptCaps;
    private EptTranslation ept;
    /** The host MMU the nested MMU shares TLBs with (null: a nested MMU of its own). */
    private Object nestedHost;
    /** The host translation {@link #translationFor} last saw. */
    private AddressTranslation lastHost;
    private EptContext lastContext;
    /** Context tag of the host's own linear mappings in the host MMU (VPID 0000H). */
    private static final long HOST_TAG = 0;
    /**
     * Context tags of guests' linear mappings without EPT: VPID-tagged, apart from the host's (0) and from the
     * nested MMU's combined tags (1 << 62 up).
     */
    private static final long VPID_TAG_BASE = 1L << 32;
    /** The VPID whose tag is current in the host MMU (a non-root guest without EPT), else 0. */
    private int taggedVpid;
    private final java.util.Set<Integer> usedVpids = new java.util.TreeSet<>();

    GuestTranslation(Vmx vmx) {
        this.vmx = vmx;
        this.cpu = vmx.cpu;
        this.s = vmx.s;
        this.eptCaps = (vmx.caps.eptVpidCap & VmxCapabilities.EPT_PAGE_WALK_4) != 0
                ? EptCapabilities.fromMsr(vmx.caps.eptVpidCap, vmx.caps.maxPhysAddr) : null;
    }

    /** The nested MMU (null until a VM entry with EPT made one), for tests and statistics. */
    NestedMmu nestedMmu() {
        return ept == null ? null : ept.mmu();
    }

    /** Whether the EPT translation is installed (VMX non-root operation with EPT). */
    boolean eptActive() {
        return ept != null && cpu.memoryPath().translation() == ept;
    }

    private static int secondary(Vmcs v) {
        return (v.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                & PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS) != 0
                ? v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) : 0;
    }

    /**
     * VM entry, after CR0/CR3/CR4/EFER were loaded (SDM 26.3.2.1): with EPT, the guest's PDPTEs come from the
     * VMCS (26.3.2.4) and the EPT translation goes in; without, the host's MMU takes the guest's paging state.
     */
    void vmEntry(Vmcs v) {
        int sec = secondary(v);
        boolean vpidOn = (sec & SecondaryProcessorBasedControls.ENABLE_VPID) != 0;
        if ((sec & SecondaryProcessorBasedControls.ENABLE_EPT) == 0) {
            // With VPID the guest's linear mappings are tagged with it and survive exits (28.4.3.1); VPID 0000H
            // is the host's, so without VPID entry flushes what the host and guest share.
            int vpid = vpidOn ? v.get32(VIRTUAL_PROCESSOR_IDENTIFIER) : 0;
            if (vpid != 0 && cpu.switchTranslationContext(VPID_TAG_BASE + vpid)) {
                taggedVpid = vpid;
                usedVpids.add(vpid);
                return;
            }
            cpu.controlRegistersLoaded();
            cpu.flushTranslations();
            return;
        }
        AddressTranslation host = cpu.memoryPath().translation();
        EptTranslation t = translationFor(host);
        t.host = host;
        long[] pdptes = null;
        if (PagingMode.of(s.cr0, s.cr4, s.efer) == PagingMode.PAE) {
            pdptes = new long[] {v.get(GUEST_PDPTE0), v.get(GUEST_PDPTE1), v.get(GUEST_PDPTE2), v.get(GUEST_PDPTE3)};
        }
        boolean mbec = (sec & SecondaryProcessorBasedControls.MODE_BASED_EXECUTE_CONTROL_FOR_EPT) != 0;
        long eptp = v.get(EPT_POINTER);
        EptContext c = lastContext;
        if (c == null || c.eptp != eptp || c.modeBasedExecute != mbec) {
            // The entry checks (26.2.1.1) passed, so the EPTP is valid for these capabilities.
            c = EptContext.of(eptp, mbec, eptCaps);
            lastContext = c;
        }
        t.enter(pdptes, c, vpidOn, v.get32(VIRTUAL_PROCESSOR_IDENTIFIER));
        cpu.setTranslation(t);
    }

    /** The EPT translation over {@code host}'s MMU, made on first use (and again if the host MMU changed). */
    private EptTranslation translationFor(AddressTranslation host) {
        if (host == lastHost && ept != null) {
            return ept; // the common case: the same host translation as at the last entry
        }
        lastHost = host;
        Object key = host instanceof MmuTranslation m ? m.mmu() : null;
        if (ept == null || key != nestedHost) {
            NestedMmu n;
            if (host instanceof MmuTranslation m) {
                n = new NestedMmu(m.mmu());
            } else {
                n = new NestedMmu(vmx.memory, MmuConfig.skylake().withMaxPhyAddr(vmx.caps.maxPhysAddr));
            }
            EptTranslation t = new EptTranslation(vmx, n);
            if (host instanceof MmuTranslation m) {
                m.attachNested(n, () -> t.pdpteLoads);
            }
            ept = t;
            nestedHost = key;
        }
        return ept;
    }

    /**
     * VM exit or VM-entry failure exit, after the host's CR0/CR3/CR4/EFER were loaded (SDM 27.5.1): the host's
     * translation goes back in (the guest's pending walk cycles charged), the nested MMU applies the VPID rule,
     * and the host's MMU takes the host's paging state. A failed host PDPTE load throws {@code CpuFault}.
     */
    void vmExit() {
        if (eptActive()) {
            cpu.counters().cycles += ept.takeCycles();
            cpu.setTranslation(ept.host);
            ept.host = null;
            ept.mmu().vmExit();
            cpu.controlRegistersLoaded();
            return;
        }
        if (taggedVpid != 0) {
            taggedVpid = 0;
            if (cpu.switchTranslationContext(HOST_TAG)) {
                return;
            }
        }
        cpu.controlRegistersLoaded();
        cpu.flushTranslations();
    }

    /** INVEPT type 1 (single-context, {@code eptp}) or 2 (all-context), after the instruction's checks. */
    void invept(int type, long eptp) {
        if (ept != null) {
            ept.mmu().invept(type, eptp);
        }
    }

    /** INVVPID types 0–3, after the instruction's checks (linear mappings of VPIDs other than 0000H live only here). */
    void invvpid(int type, int vpid, long linear) {
        if (ept != null) {
            ept.mmu().invvpid(type, vpid, linear);
        }
        // The VPID-tagged linear mappings of guests without EPT, in the host MMU.
        if (!usedVpids.isEmpty() && hostMmu() instanceof org.vtsim.ept.mmu.Mmu m) {
            switch (type) {
                case 0 -> m.invalidateTag(VPID_TAG_BASE + vpid, linear, true);
                case 1 -> m.invalidateTag(VPID_TAG_BASE + vpid, -1, true);
                case 2 -> usedVpids.forEach(t -> m.invalidateTag(VPID_TAG_BASE + t, -1, true));
                default -> m.invalidateTag(VPID_TAG_BASE + vpid, -1, false);
            }
        }
    }

    /** The host's MMU (under the EPT translation, if that is installed), or null. */
    private Object hostMmu() {
        AddressTranslation t = eptActive() ? ept.host : cpu.memoryPath().translation();
        return t instanceof MmuTranslation m ? m.mmu() : null;
    }

    /** The capabilities an INVEPT single-context descriptor's EPTP is checked against (SDM 31, INVEPT). */
    EptCapabilities eptCapabilities() {
        return eptCaps;
    }
}
