package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.AddressTranslation;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.NestedTranslationCounters;
import org.vtsim.cpu.VmExitSignal;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.PagingEvents;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptAccess;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptMisconfig;
import org.vtsim.ept.ept.EptViolation;
import org.vtsim.ept.ept.EptWalkResult;
import org.vtsim.ept.mmu.NestedMmu;
import org.vtsim.ept.mmu.NestedMmuCounters;
import org.vtsim.ept.nested.NestedWalkResult;
import org.vtsim.ept.nested.NestedWalker;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Guest-linear translation in VMX non-root operation with "enable EPT" = 1 (SDM Vol. 3C 28.3): every access
 * goes through the ept module's {@link NestedMmu} (combined mappings tagged by VPID, PCID and EPTP; the 2-D
 * walk on a miss). Installed by VM entry in place of the host's translation and removed by VM exit
 * ({@link GuestTranslation}).
 *
 * <p>What the walk finds becomes architectural here: a guest page fault is an ordinary #PF (the core sets
 * CR2, and the exception bitmap decides whether it exits, SDM 25.2); an EPT violation or misconfiguration is
 * a VM exit (reasons 48 and 49) with the exit qualification, guest-physical address and guest-linear
 * address of SDM 27.2.1, taken right here and signalled with {@link VmExitSignal}. Both exits are
 * fault-like: the RIP saved is the instruction's (27.3.3).
 *
 * <p>Guest CR writes, INVLPG and INVPCID act on the current VPID ({@link PagingEvents}); a PAE guest's
 * PDPTEs are loaded through EPT on MOV to CR0/CR3/CR4 (28.3.1), from the VMCS at VM entry (26.3.2.4).
 *
 * <p>Cycles: a combined-mapping hit in the L1 TLB costs {@link Cost#TLB_L1_HIT}, in the STLB
 * {@link Cost#TLB_L2_HIT}; a walk costs {@link Cost#WALK_REFERENCE} per reference in either dimension,
 * {@link Cost#PSC_HIT} per walk a paging-structure cache shortened (guest or EPT), and
 * {@link Cost#GPA_TLB_HIT} per guest-physical address a cached guest-physical mapping translated.
 */
final class EptTranslation implements AddressTranslation, PagingEvents {
    /** PAE PDPTE reserved bits 2:1 and 8:5 (SDM Vol. 3A 4.4.1); bits beyond MAXPHYADDR are added. */
    private static final long PDPTE_RESERVED = 0x1e6L;

    private final Vmx vmx;
    private final Cpu cpu;
    private final CpuState s;
    private final NestedMmu mmu;
    private final NestedMmuCounters counters;
    private final PhysicalMemory memory;
    private final long pdpteReserved;
    private final long l1Hit;
    private final long l2Hit;
    private final long walkReference;
    private final long pscHit;
    private final long gpaHit;
    private long pending;
    private long seenGpaHits;
    private long seenEptPscHits;
    /** PDPTE loads through EPT (guest MOV to CR with PAE paging). */
    long pdpteLoads;

    // The guest's tags, from the VM entry.
    private boolean enableVpid;
    private int vpid;
    /** PDPTEs loaded by {@link #loadPdptes} for the CR write that follows. */
    private long[] pendingPdptes;
    /** The host's translation while this one is installed (counters, restored by VM exit). */
    AddressTranslation host;

    // An uncached walker, only to read the instruction bytes for the NMI-unblocking bit.
    private final NestedWalker peekWalker;
    private final NestedWalkResult peek = new NestedWalkResult();
    private final EptWalkResult gpaOut = new EptWalkResult();

    EptTranslation(Vmx vmx, NestedMmu mmu) {
        this.vmx = vmx;
        this.cpu = vmx.cpu;
        this.s = vmx.s;
        this.mmu = mmu;
        this.counters = mmu.counters();
        this.memory = vmx.memory;
        this.peekWalker = new NestedWalker(memory);
        this.pdpteReserved = PDPTE_RESERVED | -1L << vmx.caps.maxPhysAddr;
        CostProfile costs = cpu.costProfile();
        this.l1Hit = costs.cycles(Cost.TLB_L1_HIT);
        this.l2Hit = costs.cycles(Cost.TLB_L2_HIT);
        this.walkReference = costs.cycles(Cost.WALK_REFERENCE);
        this.pscHit = costs.cycles(Cost.PSC_HIT);
        this.gpaHit = costs.cycles(Cost.GPA_TLB_HIT);
        resync();
    }

    NestedMmu mmu() {
        return mmu;
    }

    /** VM entry (SDM 26.3.2.1, 26.3.2.4, 28.4.3.1): the guest's paging state, EPT context and VPID. */
    void enter(long[] pdptes, EptContext ept, boolean vpidEnabled, int vpidField) {
        this.enableVpid = vpidEnabled;
        this.vpid = vpidEnabled ? vpidField & 0xffff : 0;
        this.pendingPdptes = null;
        mmu.vmEntry(s.cr0, s.cr3, s.cr4, s.efer, pdptes, ept, vpidEnabled, vpidField);
    }

    // ---------------------------------------------------------------- translation

    /** With guest paging off the linear address is guest-physical and still goes through EPT (SDM 28.3.1). */
    @Override
    public boolean translatesWithPagingOff() {
        return true;
    }

    @Override
    public long translate(long linear, int access, boolean user) {
        int a = switch (access) {
            case WRITE -> Access.WRITE;
            case FETCH -> Access.FETCH;
            default -> Access.READ;
        };
        if (user) {
            a |= Access.USER;
        } else if ((s.systemFlags() & CpuState.AC) != 0) {
            a |= Access.AC; // SMAP override for explicit supervisor accesses (SDM Vol. 3A 4.6)
        }
        long pa = mmu.translate(linear, a);
        switch (mmu.lastOutcome()) {
            case NestedMmu.L1_HIT -> pending += l1Hit;
            case NestedMmu.L2_HIT -> pending += l2Hit;
            default -> chargeWalk(mmu.lastWalk().referenceCount(), mmu.lastWalk().guestPscHitLevel() != 0);
        }
        if (pa >= 0) {
            return pa;
        }
        if (pa == NestedMmu.EPT_VIOLATION) {
            EptViolation v = mmu.lastWalk().violation();
            long gla = v.linearAddressValid() ? v.guestLinear() : 0;
            throw eptExit(ExitReason.EPT_VIOLATION, v.exitQualification(nmiUnblocking(access)), v.guestPhysical(),
                    gla, access == FETCH);
        }
        if (pa == NestedMmu.EPT_MISCONFIG) {
            EptMisconfig m = mmu.lastWalk().misconfig();
            // The exit qualification of an EPT misconfiguration is undefined (SDM 27.2.1): 0.
            throw eptExit(ExitReason.EPT_MISCONFIGURATION, 0, m.guestPhysical(), 0, access == FETCH);
        }
        throw CpuFault.withError(Vectors.PF, (int) ~pa);
    }

    /** Charges a walk's references, and the cache hits since the last charge (read from the counters). */
    private void chargeWalk(int references, boolean guestPscHit) {
        long gpaHits = counters.gpaTlbHits - seenGpaHits;
        long eptPsc = counters.eptPscHitsTotal();
        long eptPscHits = eptPsc - seenEptPscHits;
        if (gpaHits < 0 || eptPscHits < 0) { // the counters were reset
            gpaHits = 0;
            eptPscHits = 0;
        }
        seenGpaHits = counters.gpaTlbHits;
        seenEptPscHits = eptPsc;
        pending += walkReference * references + gpaHit * gpaHits + pscHit * (eptPscHits + (guestPscHit ? 1 : 0));
    }

    private void resync() {
        seenGpaHits = counters.gpaTlbHits;
        seenEptPscHits = counters.eptPscHitsTotal();
    }

    /**
     * Takes an EPT violation or misconfiguration VM exit. The exit is fault-like (SDM 27.3.3): an instruction
     * fetch happens before RIP advances (a fetch of a handler's first instruction is after its event was
     * delivered, so it is not "during event delivery", 27.2.4), a data access while the instruction executes
     * (its start is saved). A data access made while an event is delivered through the guest IDT — reading the
     * IDT, GDT or TSS, pushing the frame — exits with that event in the IDT-vectoring information and RIP as the
     * event left it (27.2.4, 27.2.5): the monitor re-injects it (a guest exception, an external interrupt, an
     * INT n, an event injected by VM entry alike).
     */
    private VmExitSignal eptExit(ExitReason reason, long qualification, long gpa, long gla, boolean fetch) {
        if (!fetch) {
            Event during = cpu.eventBeingDelivered();
            if (during != null) {
                s.rip = during.rip();
                vmx.exit.duringDelivery(during);
            } else {
                s.rip = cpu.instructionStart();
            }
        }
        Vmcs v = vmx.currentVmcs();
        v.set(GUEST_PHYSICAL_ADDRESS, gpa);
        // Bits 63:32 of the guest-linear address are cleared outside 64-bit mode (SDM 27.2.1).
        vmx.exit.linearAddress(s.mode64() ? gla : gla & 0xffffffffL).exit(reason.number, qualification, false);
        return VmExitSignal.INSTANCE;
    }

    /**
     * Exit-qualification bit 12 (SDM 27.2.3): the access was part of an IRET that unblocked NMIs — blocking by
     * NMI (virtual-NMI blocking with "virtual NMIs") was in effect before it. The model keeps blocking by NMI as
     * VM entry loaded it (NMIs are not delivered), so that is the guest interruptibility state's bit 3. The
     * bit is undefined (0 here) with "NMI exiting" but not "virtual NMIs"; fetches are not part of IRET.
     */
    private boolean nmiUnblocking(int access) {
        if (access == FETCH) {
            return false;
        }
        Vmcs v = vmx.currentVmcs();
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        if ((pin & PinBasedControls.NMI_EXITING) != 0 && (pin & PinBasedControls.VIRTUAL_NMIS) == 0) {
            return false;
        }
        return (v.get(GUEST_INTERRUPTIBILITY_STATE) & 8) != 0 && executingIret();
    }

    /** Whether the instruction executing is IRET (opcode CF after operand-size and REX prefixes). */
    private boolean executingIret() {
        long rip = cpu.instructionStart();
        long lin = s.mode64() ? rip : (s.seg[CpuState.CS].base + rip) & 0xffffffffL;
        if (!peekWalker.walk(mmu.guestContext(), mmu.eptContext(), lin, Access.FETCH, peek)) {
            return false;
        }
        long pa = peek.hpa();
        for (int i = 0; i < 4 && (pa & 0xfff) + i < 4096; i++) {
            int b = memory.read8(pa + i) & 0xff;
            if (b == 0xcf) {
                return true;
            }
            if (b != 0x66 && !(s.mode64() && (b & 0xf0) == 0x40)) {
                return false;
            }
        }
        return false;
    }

    @Override
    public long takeCycles() {
        long c = pending;
        pending = 0;
        return c;
    }

    // ---------------------------------------------------------------- guest TLB maintenance (current VPID)

    @Override
    public void flushAll(boolean includeGlobal) {
        // Everything of the current VPID, for every EP4TA (SDM 28.4.3.1); 1 = single-context, 3 = retaining globals.
        mmu.invvpid(includeGlobal ? 1 : 3, vpid, 0);
    }

    @Override
    public void invalidatePage(long linear) {
        mmu.invlpg(linear);
    }

    @Override
    public void invalidatePcid(int type, long pcid, long linear) {
        mmu.invpcid(type, (int) pcid, linear);
    }

    // ---------------------------------------------------------------- PagingEvents: guest CR writes

    /**
     * A guest MOV to CR0/CR3/CR4 that makes PAE paging loads the PDPTEs from guest-physical CR3[31:5]
     * through EPT (SDM 28.3.1), as a guest paging-structure access: an EPT violation there has no guest-linear
     * address (qualification bit 7 clear, 27.2.1). A PDPTE with a reserved bit set is #GP(0) (Vol. 3A 4.4.1).
     */
    @Override
    public void loadPdptes(long cr3) {
        long gpa = cr3 & 0xffffffe0L;
        boolean ok = mmu.translate(mmu.eptContext(), gpa, EptAccess.PAGING_STRUCTURE, gpaOut);
        pdpteLoads++;
        chargeWalk(gpaOut.cached() ? 0 : gpaOut.referenceCount(), false);
        if (!ok) {
            if (gpaOut.outcome() == EptWalkResult.Outcome.MISCONFIG) {
                throw eptExit(ExitReason.EPT_MISCONFIGURATION, 0, gpa, 0, false);
            }
            EptViolation v = new EptViolation(gpaOut.qualificationAccess(), gpaOut.permissions(), false, false, false,
                    false, false, false, gpa, 0);
            throw eptExit(ExitReason.EPT_VIOLATION, v.exitQualification(false), gpa, 0, false);
        }
        long[] p = new long[4];
        for (int i = 0; i < 4; i++) {
            long hpa = gpaOut.hpa() + 8L * i;
            p[i] = hpa + 8 <= memory.size() ? memory.read64(hpa) : -1L;
            if ((p[i] & 1) != 0 && (p[i] & pdpteReserved) != 0) {
                throw CpuFault.gp(0);
            }
        }
        pendingPdptes = p;
    }

    @Override
    public void cr3Loaded(long cr3, int pcid, boolean invalidate) {
        if (mmu.guestContext().mode == PagingMode.PAE && PagingMode.of(s.cr0, s.cr4, s.efer) == PagingMode.PAE) {
            reload(false);
            return;
        }
        boolean pcide = (s.cr4 & CpuState.CR4_PCIDE) != 0;
        mmu.writeCr3(pcide && !invalidate ? cr3 | 1L << 63 : cr3);
    }

    @Override
    public void pagingModeChanged() {
        PagingContext c = mmu.guestContext();
        if (c.cr0 == s.cr0 && c.cr3 == s.cr3 && c.cr4 == s.cr4 && c.efer == s.efer) {
            return;
        }
        if (c.efer != s.efer || c.mode == PagingMode.PAE || PagingMode.of(s.cr0, s.cr4, s.efer) == PagingMode.PAE) {
            // NestedMmu takes no EFER writes and no PDPTE loads on CR writes: reload the whole guest context.
            reload(true);
            return;
        }
        if (c.cr4 != s.cr4) {
            mmu.writeCr4(s.cr4);
        }
        if (c.cr0 != s.cr0) {
            mmu.writeCr0(s.cr0);
        }
        if (mmu.guestContext().cr3 != s.cr3) {
            mmu.writeCr3(s.cr3);
        }
    }

    /**
     * Reloads the guest paging state (with the PDPTEs just loaded, or those in force) and invalidates the
     * current VPID's mappings: all of them, or the non-global ones (a MOV to CR3, SDM Vol. 3A 4.10.4.1). With
     * VPID 0000H the reload itself drops all of VPID 0000H's mappings (more than needed, which is allowed).
     */
    private void reload(boolean includeGlobal) {
        PagingContext c = mmu.guestContext();
        long[] p = pendingPdptes;
        if (p == null) {
            p = new long[] {c.pdpte(0), c.pdpte(1), c.pdpte(2), c.pdpte(3)};
        }
        pendingPdptes = null;
        boolean pae = PagingMode.of(s.cr0, s.cr4, s.efer) == PagingMode.PAE;
        mmu.vmEntry(s.cr0, s.cr3, s.cr4, s.efer, pae ? p : null, mmu.eptContext(), enableVpid, vpid);
        if (vpid != 0) {
            mmu.invvpid(includeGlobal ? 1 : 3, vpid, 0);
        }
    }

    // ---------------------------------------------------------------- counters

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(host == null ? Map.of() : host.counters());
        NestedTranslationCounters.put(m, counters, pdpteLoads);
        return m;
    }
}
