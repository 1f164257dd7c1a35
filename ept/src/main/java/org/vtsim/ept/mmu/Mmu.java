package org.vtsim.ept.mmu;

import static org.vtsim.ept.paging.ControlBits.*;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PaeFormat;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.WalkResult;
import org.vtsim.ept.tlb.PagingStructureCaches;
import org.vtsim.ept.tlb.Tlb;

/**
 * The CPU's linear-to-physical translation: L1 ITLB/DTLB, then the unified STLB, then a page walk
 * that may start from a paging-structure-cache entry (SDM Vol. 3A 4.10). Holds the paging
 * context (CR0, CR3, CR4, EFER, PDPTE registers) and applies the invalidations the SDM ties to
 * control-register writes, INVLPG, INVPCID and page faults (SDM 4.10.4.1).
 *
 * <p>{@link #translate} is the hot path: allocation-free, it returns the physical address, or a
 * negative value {@code ~errorCode} for a page fault (the faulting linear address is the one the
 * caller passed; it goes to CR2).
 *
 * <p>The CPU validates control-register values itself (reserved bits, #GP rules) before calling the
 * {@code write*} methods; those return false only when the PAE PDPTE load fails (#GP(0), nothing
 * changed).
 *
 * <p>Where the SDM leaves a choice, this model: never lets a TLB hit raise a fault — a cached entry
 * whose rights deny the access, or that lacks the dirty flag for a write, is dropped and the
 * address walked again (as if it had missed: SDM 4.10.4.3 allows the fresh result); fills the
 * TLBs only on successful accesses; and invalidates more than required in a few places, named
 * where they happen (always allowed: "the processor is always free to invalidate additional
 * entries", SDM 4.10.4.1).
 */
public final class Mmu {
    /** What satisfied the last {@link #translate}. */
    public static final int PAGING_OFF = 0;
    public static final int L1_HIT = 1;
    public static final int L2_HIT = 2;
    public static final int WALK = 3;

    private final PhysicalMemory memory;
    private final MmuConfig config;
    private final PageWalker walker;
    private final WalkResult walk = new WalkResult();
    private final Tlb itlb;
    private final Tlb dtlb;
    private final Tlb stlb;
    private final PagingStructureCaches psc;
    private final MmuCounters counters = new MmuCounters();

    private PagingContext ctx;
    private boolean paging;
    private int pcid;
    private long linearMask;
    private long tag;
    private int lastOutcome;

    public Mmu(PhysicalMemory memory) {
        this(memory, MmuConfig.skylake());
    }

    public Mmu(PhysicalMemory memory, MmuConfig config) {
        this.memory = memory;
        this.config = config;
        this.walker = new PageWalker(memory);
        this.itlb = new Tlb("ITLB", config.itlb());
        this.dtlb = new Tlb("DTLB", config.dtlb());
        this.stlb = new Tlb("STLB", config.stlb());
        itlb.setFrontCache(true);
        dtlb.setFrontCache(true);
        this.psc = new PagingStructureCaches(config.pdeCache(), config.pdpteCache(), config.pml4eCache(),
                config.pml5eCache());
        setContext(PagingContext.of(0, 0, 0, 0, null, config.maxPhyAddr(), config.gbPages()));
    }

    // ---------------------------------------------------------------- translation

    /**
     * Translates {@code la} for {@code access} ({@link Access} flags). Returns the physical address
     * (≥ 0), or {@code ~errorCode} (< 0) for a page fault. With paging off returns {@code la}.
     */
    public long translate(long la, int access) {
        if (!paging) {
            lastOutcome = PAGING_OFF;
            return la;
        }
        la &= linearMask;
        counters.translations++;
        Tlb l1 = (access & Access.FETCH) != 0 ? itlb : dtlb;
        // Functional front cache: the same entry the modelled lookup below would hit, found with a
        // few array reads. It leaves everything to the modelled path when the entry is not usable.
        int attr = l1.frontLookup(la, pcid, tag);
        if (attr >= 0 && usable(attr, access)) {
            if (l1 == itlb) {
                counters.itlbHits++;
            } else {
                counters.dtlbHits++;
            }
            lastOutcome = L1_HIT;
            return l1.frontHit(la);
        }
        return lookupOrWalk(la, access, l1);
    }

    /**
     * The modelled path of {@link #translate} after the front cache could not serve: L1, STLB, walk.
     * Kept out of {@link #translate} so that the front-cache hit stays small enough for the JIT to inline
     * into its caller.
     */
    private long lookupOrWalk(long la, int access, Tlb l1) {
        boolean rewalk = false;
        int attr = l1.lookup(la, pcid, tag);
        if (attr >= 0) {
            if (usable(attr, access)) {
                if (l1 == itlb) {
                    counters.itlbHits++;
                } else {
                    counters.dtlbHits++;
                }
                lastOutcome = L1_HIT;
                return l1.hitPhysical();
            }
            l1.dropHit();
            rewalk = true;
        }
        attr = stlb.lookup(la, pcid, tag);
        if (attr >= 0) {
            if (usable(attr, access)) {
                counters.stlbHits++;
                l1.fill(la, stlb.hitShift(), stlb.hitFrame(), stlb.hitOrigShift(), attr, stlb.hitGlobal(), pcid, tag);
                lastOutcome = L2_HIT;
                return stlb.hitPhysical();
            }
            stlb.dropHit();
            rewalk = true;
        }
        if (rewalk) {
            counters.rewalks++;
        }
        return walkAndFill(la, access, l1);
    }

    /** A cached entry serves the access if its rights allow it and, for a write, its dirty flag is set. */
    private boolean usable(int attr, int access) {
        return ctx.permits(attr & 7, access) && ((access & Access.WRITE) == 0 || (attr & Tlb.ATTR_DIRTY) != 0);
    }

    private long walkAndFill(long la, int access, Tlb l1) {
        lastOutcome = WALK;
        counters.walks++;
        boolean ok = walker.walk(ctx, la, access, walk, psc);
        int refs = walk.referenceCount();
        int reads = walk.readCount();
        counters.walkReads += reads;
        counters.walkAdWrites += refs - reads;
        if (walk.pscHitLevel() != 0) {
            counters.pscHits[walk.pscHitLevel()]++;
        }
        if (!ok) {
            // SDM 4.10.4.1: a page fault invalidates the TLB entries for the faulting page and the
            // paging-structure-cache entries that would be used for the address.
            counters.pageFaults++;
            invalidatePageOf(la, true);
            psc.invalidateAddress(ctx, la);
            return ~(long) walk.errorCode();
        }
        int attr = walk.rights() | (walk.dirty() ? Tlb.ATTR_DIRTY : 0) | walk.memoryType() << Tlb.ATTR_MEMTYPE_SHIFT;
        int shift = walk.pageShift();
        l1.fill(la, shift, walk.pageFrame(), shift, attr, walk.global(), pcid, tag);
        stlb.fill(la, shift, walk.pageFrame(), shift, attr, walk.global(), pcid, tag);
        return walk.physical();
    }

    /** What satisfied the last translation: {@link #PAGING_OFF}, {@link #L1_HIT}, {@link #L2_HIT} or {@link #WALK}. */
    public int lastOutcome() {
        return lastOutcome;
    }

    /** The last walk (valid when {@link #lastOutcome()} is {@link #WALK}); reused, do not keep. */
    public WalkResult lastWalk() {
        return walk;
    }

    /** Memory references the last walk made (0 if the last translation did not walk). */
    public int lastWalkReferences() {
        return lastOutcome == WALK ? walk.referenceCount() : 0;
    }

    // ---------------------------------------------------------------- control state

    public PagingContext context() {
        return ctx;
    }

    public MmuCounters counters() {
        return counters;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Loads the whole paging state at once (reset, and later VM entry/exit) and invalidates every
     * cached translation of the current context tag. Loads the PDPTE registers if PAE paging results.
     * Returns false (nothing changed) if that load fails.
     */
    public boolean load(long cr0, long cr3, long cr4, long efer) {
        PagingContext next = PagingContext.of(cr0, cr3, cr4, efer, null, config.maxPhyAddr(), config.gbPages());
        next = withPdptes(next);
        if (next == null) {
            return false;
        }
        setContext(next);
        flushContextTag();
        return true;
    }

    /** MOV to CR0 (SDM 4.10.4.1, PDPTE loading 4.4.1). */
    public boolean writeCr0(long value) {
        long old = ctx.cr0;
        PagingContext next = ctx.withCr0(value);
        long changed = old ^ value;
        if ((changed & (CR0_PG | CR0_CD | CR0_NW)) != 0) {
            next = withPdptes(next);
            if (next == null) {
                return false;
            }
        }
        setContext(next);
        if ((old & CR0_PG) != 0 && (value & CR0_PG) == 0) {
            flushContextTag();
        } else if ((changed & CR0_PG) != 0) {
            // PG 0 -> 1: nothing can be cached while paging is off; flushing keeps that true even
            // across a load() with PG = 0 (extra invalidation is allowed).
            flushContextTag();
        }
        // CR0.WP needs no invalidation here: cached rights are combined R/W, U/S, XD and WP is applied
        // each time they are used.
        return true;
    }

    /** MOV to CR3 (SDM 4.10.4.1): bit 63 is the no-flush hint when CR4.PCIDE = 1, never stored. */
    public boolean writeCr3(long value) {
        boolean noFlush = ctx.pcide && (value & CR3_NO_FLUSH) != 0;
        long stored = ctx.pcide ? value & ~CR3_NO_FLUSH : value;
        PagingContext next = withPdptes(ctx.withCr3(stored));
        if (next == null) {
            return false;
        }
        setContext(next);
        if (!noFlush) {
            counters.invalidations++;
            // Non-global entries of the new PCID (000H without PCIDE), and its PSC entries.
            itlb.invalidateContext(pcid, tag, true);
            dtlb.invalidateContext(pcid, tag, true);
            stlb.invalidateContext(pcid, tag, true);
            psc.invalidatePcid(pcid);
        }
        return true;
    }

    /** MOV to CR4 (SDM 4.10.4.1; PDPTE loading 4.4.1). */
    public boolean writeCr4(long value) {
        long old = ctx.cr4;
        long changed = old ^ value;
        PagingContext next = ctx.withCr4(value);
        if ((changed & (CR4_PAE | CR4_PGE | CR4_PSE | CR4_SMEP)) != 0) {
            next = withPdptes(next);
            if (next == null) {
                return false;
            }
        }
        setContext(next);
        boolean pcideOff = (old & CR4_PCIDE) != 0 && (value & CR4_PCIDE) == 0;
        if ((changed & CR4_PGE) != 0 || pcideOff) {
            flushContextTag();
        } else if ((changed & CR4_PAE) != 0 || ((value & CR4_SMEP) != 0 && (old & CR4_SMEP) == 0)) {
            // SDM: all entries of the current PCID. Flushing every PCID is allowed and simpler.
            flushContextTag();
        } else if ((changed & (CR4_PSE | CR4_LA57)) != 0) {
            // Not listed by the SDM; changes the meaning of cached 4-MByte entries. Extra invalidation.
            flushContextTag();
        }
        return true;
    }

    /** WRMSR IA32_EFER. */
    public boolean writeEfer(long value) {
        long changed = ctx.efer ^ value;
        PagingContext next = ctx.withEfer(value);
        if ((changed & EFER_LME) != 0) {
            next = withPdptes(next);
            if (next == null) {
                return false;
            }
        }
        setContext(next);
        if ((changed & (EFER_NXE | EFER_LME)) != 0) {
            // The SDM names no invalidation for NXE; cached rights fold XD in only when NXE = 1, so
            // drop them (extra invalidation is allowed).
            flushContextTag();
        }
        return true;
    }

    /** INVLPG (SDM 4.10.4.1): the page's entries of the current PCID and global ones; all PSC entries of the PCID. */
    public void invlpg(long la) {
        counters.invalidations++;
        if (!paging) {
            return;
        }
        invalidatePageOf(la & linearMask, true);
        psc.invalidatePcid(pcid);
    }

    /**
     * INVPCID (SDM Vol. 2 INVPCID, Vol. 3A 4.10.4.1). Type 0: individual address (not globals);
     * 1: single context (not globals); 2: all contexts including globals; 3: all contexts except
     * globals. The CPU checks the type and descriptor (#GP) before calling.
     */
    public void invpcid(int type, int targetPcid, long la) {
        if (type == 2) {
            flushContextTag(); // one invalidation, counted there
            return;
        }
        counters.invalidations++;
        switch (type) {
            case 0 -> {
                // Cached entries hold linear addresses cut to the paging width (48/57 bits in IA-32e,
                // 32 otherwise): a canonical upper-half address must be cut the same way to match.
                // Outside 64-bit mode this also drops entries for an address whose bits 63:32 are not
                // zero; invalidating more is allowed (SDM Vol. 2 INVPCID: "may invalidate ... other
                // linear addresses").
                long page = la & linearMask;
                itlb.invalidateAddress(page, targetPcid, tag, false);
                dtlb.invalidateAddress(page, targetPcid, tag, false);
                stlb.invalidateAddress(page, targetPcid, tag, false);
                psc.invalidatePcid(targetPcid);
            }
            case 1 -> {
                itlb.invalidateContext(targetPcid, tag, true);
                dtlb.invalidateContext(targetPcid, tag, true);
                stlb.invalidateContext(targetPcid, tag, true);
                psc.invalidatePcid(targetPcid);
            }
            case 3 -> {
                itlb.invalidateContext(-1, tag, true);
                dtlb.invalidateContext(-1, tag, true);
                stlb.invalidateContext(-1, tag, true);
                psc.invalidatePcid(-1);
            }
            default -> throw new IllegalArgumentException("INVPCID type " + type + " (the CPU raises #GP for > 3)");
        }
    }

    /** Invalidates every TLB and paging-structure-cache entry of every context tag. */
    public void flushAll() {
        counters.invalidations++;
        itlb.invalidateAll();
        dtlb.invalidateAll();
        stlb.invalidateAll();
        psc.invalidateAll();
    }

    /**
     * Sets the tag that new cached entries get and lookups require (VPID/EPTP in the VMX issue).
     * Does not invalidate anything.
     */
    public void setContextTag(long contextTag) {
        this.tag = contextTag;
        psc.setContextTag(contextTag);
    }

    public long contextTag() {
        return tag;
    }

    /**
     * Switches to the paging state of another context and to its tag without invalidating anything: a VMX
     * transition with VPID, after which the guest's (or the host's) cached translations are still there
     * for its own tag and entries of other tags are not used (SDM Vol. 3C 28.4.3.1). Returns false, with
     * nothing changed, if a PAE PDPTE load fails.
     */
    public boolean switchContext(long contextTag, long cr0, long cr3, long cr4, long efer) {
        PagingContext next = PagingContext.of(cr0, cr3, cr4, efer, null, config.maxPhyAddr(), config.gbPages());
        next = withPdptes(next);
        if (next == null) {
            return false;
        }
        setContextTag(contextTag);
        setContext(next);
        return true;
    }

    /**
     * Invalidates cached translations of context tag {@code t} whatever the current tag (INVVPID of a VPID
     * whose mappings live in this MMU): those of linear address {@code la} only, or with {@code la} negative
     * all of them; global ones too if {@code includeGlobal}.
     */
    public void invalidateTag(long t, long la, boolean includeGlobal) {
        counters.invalidations++;
        if (la >= 0) {
            long page = la & linearMask;
            itlb.invalidateAddress(page, -1, t, includeGlobal);
            dtlb.invalidateAddress(page, -1, t, includeGlobal);
            stlb.invalidateAddress(page, -1, t, includeGlobal);
        } else {
            itlb.invalidateContext(-1, t, includeGlobal);
            dtlb.invalidateContext(-1, t, includeGlobal);
            stlb.invalidateContext(-1, t, includeGlobal);
        }
        psc.invalidateTag(t, -1);
    }

    // ---------------------------------------------------------------- internals

    private PagingContext withPdptes(PagingContext next) {
        if (next.mode != PagingMode.PAE) {
            return next;
        }
        long[] p = PaeFormat.loadPdptes(memory, next.cr3, next.maxPhyAddr);
        return p == null ? null : next.withPdptes(p);
    }

    private void setContext(PagingContext next) {
        ctx = next;
        paging = next.mode != PagingMode.NONE;
        pcid = next.pcid;
        linearMask = next.linearMask;
    }

    private void invalidatePageOf(long la, boolean includeGlobal) {
        itlb.invalidateAddress(la, pcid, tag, includeGlobal);
        dtlb.invalidateAddress(la, pcid, tag, includeGlobal);
        stlb.invalidateAddress(la, pcid, tag, includeGlobal);
    }

    private void flushContextTag() {
        counters.invalidations++;
        itlb.invalidateContext(-1, tag, false);
        dtlb.invalidateContext(-1, tag, false);
        stlb.invalidateContext(-1, tag, false);
        psc.invalidatePcid(-1);
    }

    /**
     * Turns the functional front caches of the L1 TLBs on (the default) or off. Every result, A/D
     * update, replacement decision and counter is the same either way (FrontCacheIdentityTest);
     * only host time differs.
     */
    public void setFrontCache(boolean on) {
        itlb.setFrontCache(on);
        dtlb.setFrontCache(on);
    }

    /**
     * A hash of the complete state of the modelled TLBs and paging-structure caches (entries, tags,
     * LRU stamps), for tests that compare two MMUs. Not for the hot path.
     */
    public long cacheStateHash() {
        return 31 * (31 * (31 * itlb.stateHash() + dtlb.stateHash()) + stlb.stateHash()) + psc.stateHash();
    }

    /** Valid entries per structure, for tests and diagnostics: ITLB, DTLB, STLB, PSC. */
    public int[] occupancy() {
        return new int[] {itlb.validEntries(), dtlb.validEntries(), stlb.validEntries(), psc.validEntries()};
    }

    // ---------------------------------------------------------------- shared with NestedMmu

    /** The TLBs, for a {@link NestedMmu} that keeps its combined mappings in the same structures. */
    Tlb itlb() {
        return itlb;
    }

    Tlb dtlb() {
        return dtlb;
    }

    Tlb stlb() {
        return stlb;
    }

    MmuConfig config() {
        return config;
    }

    /**
     * Invalidates every cached translation of the current context tag, globals included: what a VM entry
     * or exit without VPID does to the linear mappings of VPID 0000H (SDM Vol. 3C 28.4.3.1).
     */
    void invalidateCurrentTag() {
        flushContextTag();
    }
}
