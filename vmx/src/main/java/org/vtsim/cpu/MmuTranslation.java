package org.vtsim.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.system.PagingEvents;
import org.vtsim.ept.mmu.Mmu;
import org.vtsim.ept.mmu.MmuCounters;
import org.vtsim.ept.paging.Access;

/**
 * {@link AddressTranslation} over the ept module's {@link Mmu} (TLBs, paging-structure caches,
 * one walker for all paging formats), and the {@link PagingEvents} the control-register unit
 * raises, so the MMU's copy of CR0/CR3/CR4/EFER follows the architectural state.
 *
 * <p>Cycles: an L1 TLB hit costs {@link Cost#TLB_L1_HIT}, an STLB hit {@link Cost#TLB_L2_HIT},
 * a walk {@link Cost#WALK_REFERENCE} per memory reference it made, plus {@link Cost#PSC_HIT}
 * when a paging-structure cache shortened it.
 */
public final class MmuTranslation implements AddressTranslation, PagingEvents {
    private final Mmu mmu;
    private final CpuState state;
    private final long l1Hit;
    private final long l2Hit;
    private final long walkReference;
    private final long pscHit;
    private long pending;
    /** The EPT translation that shares this MMU's TLBs, once a VM entry with EPT made one (its counters join ours). */
    private org.vtsim.ept.mmu.NestedMmu nested;
    private java.util.function.LongSupplier nestedPdpteLoads = () -> 0;

    public MmuTranslation(Mmu mmu, CpuState state, CostProfile costs) {
        this.mmu = mmu;
        this.state = state;
        this.l1Hit = costs.cycles(Cost.TLB_L1_HIT);
        this.l2Hit = costs.cycles(Cost.TLB_L2_HIT);
        this.walkReference = costs.cycles(Cost.WALK_REFERENCE);
        this.pscHit = costs.cycles(Cost.PSC_HIT);
        mmu.load(state.cr0, state.cr3, state.cr4, state.efer);
    }

    public Mmu mmu() {
        return mmu;
    }

    /**
     * Reports {@code nestedMmu}'s counters (and {@code pdpteLoads}) with this MMU's in {@link #counters()}:
     * the guest's combined mappings live in this MMU's TLB arrays, so one summary shows both.
     */
    public void attachNested(org.vtsim.ept.mmu.NestedMmu nestedMmu, java.util.function.LongSupplier pdpteLoads) {
        this.nested = nestedMmu;
        this.nestedPdpteLoads = pdpteLoads;
    }

    @Override
    public long translate(long linear, int access, boolean user) {
        long pa = translateOrFault(linear, access, user);
        if (pa < 0) {
            throw CpuFault.withError(Vectors.PF, (int) ~pa);
        }
        return pa;
    }

    /**
     * {@link #translate} without the throw: the physical address, or {@code ~errorCode} (< 0) for a page
     * fault, with the same cycles charged. The memory path calls this directly (a call the JIT can inline,
     * where the interface call with its exception path was too big to).
     */
    long translateOrFault(long linear, int access, boolean user) {
        int a = switch (access) {
            case WRITE -> Access.WRITE;
            case FETCH -> Access.FETCH;
            default -> Access.READ;
        };
        if (user) {
            a |= Access.USER;
        } else if ((state.systemFlags() & CpuState.AC) != 0) {
            a |= Access.AC; // SMAP override for explicit supervisor accesses (SDM Vol. 3A 4.6)
        }
        long pa = mmu.translate(linear, a);
        int outcome = mmu.lastOutcome();
        if (outcome == Mmu.L1_HIT) {
            pending += l1Hit;
        } else {
            chargeMiss(outcome);
        }
        return pa;
    }

    private void chargeMiss(int outcome) {
        switch (outcome) {
            case Mmu.L2_HIT -> pending += l2Hit;
            case Mmu.WALK -> {
                pending += walkReference * mmu.lastWalkReferences();
                if (mmu.lastWalk().pscHitLevel() != 0) {
                    pending += pscHit;
                }
            }
            default -> {
            }
        }
    }

    @Override
    public long takeCycles() {
        long c = pending;
        pending = 0;
        return c;
    }

    /**
     * Every translation of the current context (the MMU's context tag: VPID 0000H's linear mappings), global
     * ones too if asked. Entries other tags own in the shared TLB arrays (a VMX guest's combined mappings
     * under another VPID or EPTP) stay: they are not this context's (SDM Vol. 3C 28.4.3.1).
     */
    @Override
    public void flushAll(boolean includeGlobal) {
        if (nested == null) {
            mmu.flushAll(); // only this context has entries: the same thing, counted once
        } else {
            mmu.invpcid(includeGlobal ? 2 : 3, 0, 0);
        }
    }

    @Override
    public void invalidatePage(long linear) {
        mmu.invlpg(linear);
    }

    @Override
    public void invalidatePcid(int type, long pcid, long linear) {
        mmu.invpcid(type, (int) pcid, linear);
    }

    /**
     * A VMX transition with VPID: the processor's paging registers (already loaded) and cached translations
     * of {@code tag} become current, nothing is invalidated (SDM Vol. 3C 28.4.3.1). A failed PAE PDPTE load is
     * #GP(0) (VM entry checked the guest's PDPTEs before, 26.3.1.6).
     */
    public void switchContext(long tag) {
        if (!mmu.switchContext(tag, state.cr0, state.cr3, state.cr4, state.efer)) {
            throw CpuFault.gp(0);
        }
    }

    // ---- PagingEvents ----

    @Override
    public void loadPdptes(long cr3) {
        // TODO(ept): the Mmu loads PDPTEs inside writeCr0/3/4; a failed load surfaces as #GP from
        // pagingModeChanged/cr3Loaded, after the register already changed (SDM 4.4.1 wants before).
    }

    @Override
    public void cr3Loaded(long cr3, int pcid, boolean invalidate) {
        boolean pcide = (state.cr4 & CpuState.CR4_PCIDE) != 0;
        if (!mmu.writeCr3(pcide && !invalidate ? cr3 | 1L << 63 : cr3)) {
            throw CpuFault.gp(0);
        }
    }

    @Override
    public void pagingModeChanged() {
        var ctx = mmu.context();
        boolean ok = true;
        if (ctx.efer != state.efer) {
            ok &= mmu.writeEfer(state.efer);
        }
        if (ctx.cr4 != state.cr4) {
            ok &= mmu.writeCr4(state.cr4);
        }
        if (ctx.cr0 != state.cr0) {
            ok &= mmu.writeCr0(state.cr0);
        }
        if (ctx.cr3 != state.cr3) {
            ok &= mmu.writeCr3(state.cr3);
        }
        if (!ok) {
            throw CpuFault.gp(0);
        }
    }

    @Override
    public Map<String, Long> counters() {
        MmuCounters c = mmu.counters();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("translations", c.translations);
        m.put("itlb.hits", c.itlbHits);
        m.put("dtlb.hits", c.dtlbHits);
        m.put("stlb.hits", c.stlbHits);
        m.put("tlb.misses", c.tlbMisses());
        m.put("walks", c.walks);
        m.put("walk.references", c.walkReferences());
        m.put("psc.hits", c.pscHitsTotal());
        m.put("page.faults", c.pageFaults);
        m.put("invalidations", c.invalidations);
        if (nested != null) {
            NestedTranslationCounters.put(m, nested.counters(), nestedPdpteLoads.getAsLong());
        }
        return m;
    }
}
