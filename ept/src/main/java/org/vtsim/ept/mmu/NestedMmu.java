package org.vtsim.ept.mmu;

import static org.vtsim.ept.paging.ControlBits.*;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptAccess;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptWalkResult;
import org.vtsim.ept.ept.EptWalker;
import org.vtsim.ept.nested.GuestPhysicalTranslator;
import org.vtsim.ept.nested.NestedWalkResult;
import org.vtsim.ept.nested.NestedWalker;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.AccessRights;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.tlb.EptPagingStructureCaches;
import org.vtsim.ept.tlb.PagingStructureCaches;
import org.vtsim.ept.tlb.Tlb;

/**
 * Guest-linear to host-physical translation in VMX non-root operation with EPT on, with the caches of
 * SDM Vol. 3C 28.4 (docs/adr/0003-ept-walk.md, "Caching"):
 * <ul>
 *   <li>combined mappings (linear page → host-physical frame, guest rights, EPT permissions, memory type)
 *       in the ITLB/DTLB/STLB, tagged by VPID, PCID and EP4TA (global ones: any PCID, same VPID and
 *       EP4TA);</li>
 *   <li>combined paging-structure-cache entries (linear prefix → guest-physical address of a guest
 *       table), tagged by VPID, PCID and EP4TA;</li>
 *   <li>guest-physical mappings (guest-physical page → host-physical frame, EPT permissions) in a TLB of
 *       their own, and guest-physical paging-structure-cache entries (guest-physical prefix → EPT table),
 *       both tagged by EP4TA only — never shared between EP4TAs. They serve guest paging-structure
 *       references, final guest-physical addresses of walks, and every access with guest paging off.</li>
 * </ul>
 * Built over a host {@link Mmu} it keeps its combined mappings in the host's very TLB arrays (as the
 * hardware does: guest and host entries compete for the same entries, and only their tags keep them
 * apart); built alone it has TLBs of its own.
 *
 * <p>{@link #translate} returns the host-physical address (≥ 0); {@code ~errorCode} for a guest page fault
 * (as {@link Mmu#translate}); {@link #EPT_VIOLATION} or {@link #EPT_MISCONFIG} for an EPT exit, whose
 * details are in {@link #lastWalk()} ({@code violation()}, {@code misconfig()}). Allocation-free.
 *
 * <p>Modelling choices where the SDM leaves freedom are those of {@link Mmu}: a TLB hit never faults (a
 * cached entry that cannot serve the access — rights, missing guest or EPT dirty flag — is dropped and the
 * address walked again); only successful translations fill the caches; some operations invalidate more
 * than required, named where they do. Not thread-safe.
 */
public final class NestedMmu implements GuestPhysicalTranslator {
    /** What satisfied the last {@link #translate}. */
    public static final int L1_HIT = Mmu.L1_HIT;
    public static final int L2_HIT = Mmu.L2_HIT;
    public static final int WALK = Mmu.WALK;
    /** Guest paging off: a cached guest-physical mapping served the access (no reference). */
    public static final int GPA_HIT = 4;

    /** Returned by {@link #translate} for an EPT violation (VM exit 48) / misconfiguration (exit 49). */
    public static final long EPT_VIOLATION = Long.MIN_VALUE;
    public static final long EPT_MISCONFIG = Long.MIN_VALUE + 1;

    /** Combined-mapping attribute bits beside {@link Tlb#ATTR_DIRTY} (guest dirty) and guest rights in 2:0. */
    static final int ATTR_EPT_MEMTYPE_SHIFT = 4;
    static final int ATTR_IPAT = 1 << 7;
    static final int ATTR_EPT_PERMS_SHIFT = 8;
    static final int ATTR_EPT_DIRTY = 1 << 12;
    static final int ATTR_GUEST_PAT_SHIFT = 13;

    /** EP4TA: EPTP bits 51:12 (SDM 28.4.1). */
    private static final long EP4TA_MASK = 0x000f_ffff_ffff_f000L;
    /** Combined-mapping tags live far from the small context tags a host Mmu uses. */
    private static final long COMBINED_TAG_BASE = 1L << 62;

    private final MmuConfig config;
    private final Mmu host;
    private final NestedWalker walker;
    private final EptWalker eptWalker;
    private final NestedWalkResult walk = new NestedWalkResult();
    private final Tlb itlb;
    private final Tlb dtlb;
    private final Tlb stlb;
    private final Tlb gpaTlb;
    private final PagingStructureCaches guestPsc;
    private final EptPagingStructureCaches eptPsc;
    private final NestedMmuCounters counters = new NestedMmuCounters();

    // Tag registry: every (VPID, EP4TA) pair met gets a combined tag; every EP4TA an EPT tag.
    private final Map<Long, Integer> ep4taIds = new HashMap<>();
    private final Map<Long, Integer> combinedIds = new HashMap<>();
    private int[] tagVpid = new int[8];
    private int[] tagEpt = new int[8];
    private int tags;

    private PagingContext ctx = PagingContext.pagingOff();
    private boolean paging;
    private int pcid;
    private long linearMask = -1L;
    private EptContext ept;
    private boolean enableVpid;
    private int vpid;
    private long combinedTag;
    private long eptTag;
    private int lastOutcome;

    /** A nested MMU with TLBs of its own. */
    public NestedMmu(PhysicalMemory memory, MmuConfig config) {
        this(memory, config, null, new Tlb("ITLB", config.itlb()), new Tlb("DTLB", config.dtlb()),
                new Tlb("STLB", config.stlb()));
        itlb.setFrontCache(true);
        dtlb.setFrontCache(true);
    }

    /** A nested MMU whose combined mappings share the TLB arrays of the host {@code mmu} (same memory, same geometry). */
    public NestedMmu(Mmu mmu) {
        this(mmu.memory(), mmu.config(), mmu, mmu.itlb(), mmu.dtlb(), mmu.stlb());
    }

    private NestedMmu(PhysicalMemory memory, MmuConfig config, Mmu host, Tlb itlb, Tlb dtlb, Tlb stlb) {
        this.config = config;
        this.host = host;
        this.walker = new NestedWalker(memory);
        this.eptWalker = walker.eptWalker();
        this.itlb = itlb;
        this.dtlb = dtlb;
        this.stlb = stlb;
        // Guest-physical mappings: the DTLB's geometry (an assumption; Intel publishes no figure).
        this.gpaTlb = new Tlb("GPA-TLB", config.dtlb());
        this.guestPsc = new PagingStructureCaches(config.pdeCache(), config.pdpteCache(), config.pml4eCache(),
                config.pml5eCache());
        this.eptPsc = new EptPagingStructureCaches(config.pdeCache(), config.pdpteCache(), config.pml4eCache(),
                config.pml5eCache());
    }

    // ---------------------------------------------------------------- translation

    /**
     * Translates guest-linear {@code la} for {@code access} ({@link Access} flags). Returns the host-physical
     * address (≥ 0), {@code ~errorCode} for a guest page fault, or {@link #EPT_VIOLATION} /
     * {@link #EPT_MISCONFIG}.
     */
    public long translate(long la, int access) {
        if (ept == null) {
            throw new IllegalStateException("NestedMmu.translate outside a VM entry with EPT (call vmEntry first)");
        }
        counters.translations++;
        if (!paging) {
            // SDM 28.4.2: with guest paging off only guest-physical mappings are used.
            boolean ok = walker.walk(ctx, ept, la, access, walk, null, this);
            if (walk.gpaCacheHits() > 0) {
                lastOutcome = GPA_HIT;
                counters.gpaOnlyHits++;
            } else {
                lastOutcome = WALK;
                counters.walks++;
            }
            account();
            return ok ? walk.hpa() : fault(la);
        }
        long mla = la & linearMask;
        Tlb l1 = (access & Access.FETCH) != 0 ? itlb : dtlb;
        int attr = l1.frontLookup(mla, pcid, combinedTag);
        if (attr >= 0 && usable(attr, access)) {
            l1Hit(l1);
            return l1.frontHit(mla);
        }
        boolean rewalk = false;
        attr = l1.lookup(mla, pcid, combinedTag);
        if (attr >= 0) {
            if (usable(attr, access)) {
                l1Hit(l1);
                return l1.hitPhysical();
            }
            l1.dropHit();
            rewalk = true;
        }
        attr = stlb.lookup(mla, pcid, combinedTag);
        if (attr >= 0) {
            if (usable(attr, access)) {
                counters.stlbHits++;
                l1.fill(mla, stlb.hitShift(), stlb.hitFrame(), stlb.hitOrigShift(), attr, stlb.hitGlobal(), pcid,
                        combinedTag);
                lastOutcome = L2_HIT;
                return stlb.hitPhysical();
            }
            stlb.dropHit();
            rewalk = true;
        }
        if (rewalk) {
            counters.rewalks++;
        }
        lastOutcome = WALK;
        counters.walks++;
        boolean ok = walker.walk(ctx, ept, la, access, walk, guestPsc, this);
        account();
        if (!ok) {
            return fault(la);
        }
        int gshift = walk.guestPageShift();
        int shift = walk.combinedPageShift();
        int a = walk.guestRights() | (walk.guestDirty() ? Tlb.ATTR_DIRTY : 0)
                | walk.eptMemoryType() << ATTR_EPT_MEMTYPE_SHIFT | (walk.eptIgnorePat() ? ATTR_IPAT : 0)
                | walk.eptPermissions() << ATTR_EPT_PERMS_SHIFT | (eptLeafDirty ? ATTR_EPT_DIRTY : 0)
                | walk.guestPat() << ATTR_GUEST_PAT_SHIFT;
        long frame = walk.hpa() & ~((1L << shift) - 1);
        // The original size is the guest page's: INVLPG anywhere in it must drop every piece (SDM 4.10.4.1).
        l1.fill(mla, shift, frame, Math.max(gshift, shift), a, walk.guestGlobal(), pcid, combinedTag);
        stlb.fill(mla, shift, frame, Math.max(gshift, shift), a, walk.guestGlobal(), pcid, combinedTag);
        return walk.hpa();
    }

    private void l1Hit(Tlb l1) {
        if (l1 == itlb) {
            counters.itlbHits++;
        } else {
            counters.dtlbHits++;
        }
        lastOutcome = L1_HIT;
    }

    /**
     * A combined mapping serves the access if the guest rights allow it (SDM Vol. 3A 4.6), the EPT
     * permissions allow it (28.3.3.2; user-execute for a user-mode linear address under mode-based execute
     * control), and, for a write, the guest dirty flag and (with EPT A/D) the EPT dirty flag are set.
     */
    private boolean usable(int attr, int access) {
        int rights = attr & 7;
        if (!ctx.permits(rights, access)) {
            return false;
        }
        boolean write = (access & Access.WRITE) != 0;
        if (write && (attr & Tlb.ATTR_DIRTY) == 0) {
            return false;
        }
        int perms = (attr >>> ATTR_EPT_PERMS_SHIFT) & EptEntryBits.PERM_ALL;
        if ((access & Access.FETCH) != 0) {
            int need = ept.modeBasedExecute && (rights & AccessRights.USER) != 0 ? EptEntryBits.PERM_UX
                    : EptEntryBits.PERM_X;
            return (perms & need) != 0;
        }
        if ((perms & (write ? EptEntryBits.PERM_W : EptEntryBits.PERM_R)) == 0) {
            return false;
        }
        return !write || !ept.accessedDirty || (attr & ATTR_EPT_DIRTY) != 0;
    }

    /** Dirty flag of the EPT leaf of the last final guest-physical translation (for the combined entry). */
    private boolean eptLeafDirty;

    /**
     * The guest-physical translation of every guest paging-structure reference and final address: a cached
     * guest-physical mapping if one serves the access, else an EPT walk (possibly from a guest-physical
     * paging-structure-cache entry) whose success is cached. Called by the {@link NestedWalker}.
     */
    @Override
    public boolean translate(EptContext c, long gpa, int eptAccess, EptWalkResult out) {
        boolean write = (eptAccess & EptAccess.WRITE) != 0
                || ((eptAccess & EptAccess.PAGING_STRUCTURE) != 0 && c.accessedDirty);
        int attr = gpaTlb.lookup(gpa, 0, eptTag);
        if (attr >= 0) {
            if (eptUsable(c, attr, eptAccess, write)) {
                counters.gpaTlbHits++;
                eptLeafDirty = (attr & ATTR_EPT_DIRTY) != 0;
                out.setCachedTranslation(gpa, eptAccess, gpaTlb.hitFrame(), gpaTlb.hitShift(),
                        (attr >>> ATTR_EPT_PERMS_SHIFT) & EptEntryBits.PERM_ALL, (attr >>> ATTR_EPT_MEMTYPE_SHIFT) & 7,
                        (attr & ATTR_IPAT) != 0, eptLeafDirty);
                return true;
            }
            gpaTlb.dropHit();
        }
        counters.eptWalks++;
        boolean ok = eptWalker.walk(c, gpa, eptAccess, out, eptPsc);
        if (out.pscHitLevel() != 0) {
            counters.eptPscHits[out.pscHitLevel()]++;
        }
        if (ok) {
            eptLeafDirty = out.dirty();
            int a = out.permissions() << ATTR_EPT_PERMS_SHIFT | out.memoryType() << ATTR_EPT_MEMTYPE_SHIFT
                    | (out.ignorePat() ? ATTR_IPAT : 0) | (out.dirty() ? ATTR_EPT_DIRTY : 0);
            gpaTlb.fill(gpa, out.pageShift(), out.pageFrame(), out.pageShift(), a, false, 0, eptTag);
        }
        return ok;
    }

    private static boolean eptUsable(EptContext c, int attr, int eptAccess, boolean write) {
        int perms = (attr >>> ATTR_EPT_PERMS_SHIFT) & EptEntryBits.PERM_ALL;
        if ((eptAccess & EptAccess.FETCH) != 0) {
            int need = c.modeBasedExecute && (eptAccess & EptAccess.USER_LINEAR) != 0 ? EptEntryBits.PERM_UX
                    : EptEntryBits.PERM_X;
            return (perms & need) != 0;
        }
        if ((perms & (write ? EptEntryBits.PERM_W : EptEntryBits.PERM_R)) == 0) {
            return false;
        }
        return !write || !c.accessedDirty || (attr & ATTR_EPT_DIRTY) != 0;
    }

    private void account() {
        for (int i = 0, n = walk.referenceCount(); i < n; i++) {
            boolean w = walk.referenceIsWrite(i);
            if (walk.referenceIsEpt(i)) {
                if (w) {
                    counters.eptAdWrites++;
                } else {
                    counters.eptReads++;
                }
            } else if (w) {
                counters.guestAdWrites++;
            } else {
                counters.guestReads++;
            }
        }
        if (walk.guestPscHitLevel() != 0) {
            counters.guestPscHits[walk.guestPscHitLevel()]++;
        }
    }

    /** The invalidations SDM 4.10.4.1 and 28.4.3.1 tie to a page fault, an EPT violation or misconfiguration. */
    private long fault(long la) {
        long mla = la & linearMask;
        switch (walk.outcome()) {
            case PAGE_FAULT -> {
                counters.pageFaults++;
                dropCombinedAddress(combinedTag, mla, pcid, true);
                guestPsc.invalidateAddress(ctx, mla);
                return ~(long) walk.errorCode();
            }
            case EPT_VIOLATION, EPT_MISCONFIG -> {
                boolean violation = walk.outcome() == NestedWalkResult.Outcome.EPT_VIOLATION;
                if (violation) {
                    counters.eptViolations++;
                } else {
                    counters.eptMisconfigs++;
                }
                // Guest-physical mappings that would translate the faulting address; the combined mappings
                // of the linear address (required when it was the final translation, extra otherwise).
                long gpa = walk.faultGpa();
                gpaTlb.invalidateAddress(gpa, 0, eptTag, true);
                eptPsc.invalidateAddress(ept, gpa);
                if (paging) {
                    dropCombinedAddress(combinedTag, mla, pcid, true);
                }
                return violation ? EPT_VIOLATION : EPT_MISCONFIG;
            }
            default -> throw new IllegalStateException("walk failed with " + walk.outcome());
        }
    }

    /** What satisfied the last translation: {@link #L1_HIT}, {@link #L2_HIT}, {@link #WALK} or {@link #GPA_HIT}. */
    public int lastOutcome() {
        return lastOutcome;
    }

    /**
     * The last walk (valid when {@link #lastOutcome()} is {@link #WALK}, and for an EPT exit or page fault):
     * every reference in both dimensions, the violation or misconfiguration for the exit. Reused; do not keep.
     */
    public NestedWalkResult lastWalk() {
        return walk;
    }

    /** Guest-dimension references of the last translation (0 unless it walked). */
    public int lastGuestReferences() {
        return lastOutcome == WALK ? walk.guestReferenceCount() : 0;
    }

    /** EPT-dimension references of the last translation (0 unless it walked). */
    public int lastEptReferences() {
        return lastOutcome == WALK ? walk.eptReferenceCount() : 0;
    }

    public NestedMmuCounters counters() {
        return counters;
    }

    public PagingContext guestContext() {
        return ctx;
    }

    public EptContext eptContext() {
        return ept;
    }

    /** The current VPID (0000H when "enable VPID" is 0). */
    public int vpid() {
        return vpid;
    }

    // ---------------------------------------------------------------- VM transitions

    /**
     * VM entry with "enable EPT" = 1 (SDM Vol. 3C 26.3.2.1, 28.4.3.1): loads the guest's paging state, the
     * EPT context and the VPID. With "enable VPID" = 0 (the VPID is then 0000H) the entry invalidates the
     * linear and combined mappings of VPID 0000H (for all EP4TAs; the host MMU's current-tag entries stand
     * for the linear ones); with VPID on nothing is invalidated. {@code pdptes} are the guest PDPTE fields of
     * the VMCS (SDM 26.3.2.4), required for a PAE guest.
     */
    public void vmEntry(long cr0, long cr3, long cr4, long efer, long[] pdptes, EptContext eptContext,
            boolean enableVpid, int vpidField) {
        // The same guest paging state as at the last entry (the common case: an exit that changed no control
        // register) keeps its context object; PAE contexts carry PDPTEs and are always rebuilt.
        PagingContext next = ctx != null && pdptes == null && ctx.mode != PagingMode.PAE && ctx.cr0 == cr0
                && ctx.cr3 == cr3 && ctx.cr4 == cr4 && ctx.efer == efer ? ctx
                : PagingContext.of(cr0, cr3, cr4, efer, pdptes, config.maxPhyAddr(), config.gbPages());
        if (next.mode == PagingMode.PAE && pdptes == null) {
            throw new IllegalArgumentException("a PAE guest needs the VMCS PDPTE fields at VM entry with EPT");
        }
        this.enableVpid = enableVpid;
        this.vpid = enableVpid ? vpidField & 0xffff : 0;
        if (vpid == 0) {
            invalidateVpid0();
        }
        this.ept = eptContext;
        setContext(next);
        selectTags();
    }

    /**
     * VM exit (SDM 28.4.3.1): with VPID 0000H ("enable VPID" = 0) invalidates the linear and combined
     * mappings of VPID 0000H; with VPID on the guest's entries survive. The guest state stays loaded
     * (the next {@link #vmEntry} replaces it); {@link #translate} is not for root operation.
     */
    public void vmExit() {
        if (vpid == 0) {
            invalidateVpid0();
        }
    }

    private void invalidateVpid0() {
        counters.invalidations++;
        for (int t = 0; t < tags; t++) {
            if (tagVpid[t] == 0) {
                dropCombined(COMBINED_TAG_BASE + t, -1, false);
            }
        }
        if (host != null) {
            host.invalidateCurrentTag();
        }
    }

    // ---------------------------------------------------------------- guest control state (SDM 28.4.3.1:
    // these act on the current VPID, for combined mappings of every EP4TA)

    /** Guest MOV to CR3 (SDM 4.10.4.1): bit 63 is the no-flush hint when CR4.PCIDE = 1. */
    public void writeCr3(long value) {
        boolean noFlush = ctx.pcide && (value & CR3_NO_FLUSH) != 0;
        long stored = ctx.pcide ? value & ~CR3_NO_FLUSH : value;
        PagingContext next = ctx.withCr3(stored);
        requireNoPdpteLoad(next);
        setContext(next);
        if (!noFlush) {
            counters.invalidations++;
            for (int t = 0; t < tags; t++) {
                if (tagVpid[t] == vpid) {
                    dropCombined(COMBINED_TAG_BASE + t, pcid, true);
                }
            }
        }
    }

    /** Guest MOV to CR4 (SDM 4.10.4.1); the same extra invalidations as {@link Mmu#writeCr4}. */
    public void writeCr4(long value) {
        long old = ctx.cr4;
        long changed = old ^ value;
        PagingContext next = ctx.withCr4(value);
        requireNoPdpteLoad(next);
        setContext(next);
        boolean pcideOff = (old & CR4_PCIDE) != 0 && (value & CR4_PCIDE) == 0;
        boolean smepOn = (value & CR4_SMEP) != 0 && (old & CR4_SMEP) == 0;
        if ((changed & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_LA57)) != 0 || pcideOff || smepOn) {
            flushCurrentVpid();
        }
    }

    /** Guest MOV to CR0: a change of PG invalidates everything of the VPID (SDM 4.10.4.1). */
    public void writeCr0(long value) {
        long changed = ctx.cr0 ^ value;
        PagingContext next = ctx.withCr0(value);
        requireNoPdpteLoad(next);
        setContext(next);
        if ((changed & CR0_PG) != 0) {
            flushCurrentVpid();
        }
    }

    /** Guest INVLPG (SDM 4.10.4.1, 28.4.3.1): the page's combined mappings of the current PCID and globals, all PSC entries of the PCID. */
    public void invlpg(long la) {
        counters.invalidations++;
        long mla = la & linearMask;
        for (int t = 0; t < tags; t++) {
            if (tagVpid[t] == vpid) {
                dropCombinedAddress(COMBINED_TAG_BASE + t, mla, pcid, true);
                guestPsc.invalidateTag(COMBINED_TAG_BASE + t, pcid);
            }
        }
    }

    /** Guest INVPCID, types 0..3 as {@link Mmu#invpcid}, for the current VPID and every EP4TA. */
    public void invpcid(int type, int targetPcid, long la) {
        counters.invalidations++;
        for (int t = 0; t < tags; t++) {
            if (tagVpid[t] != vpid) {
                continue;
            }
            long tag = COMBINED_TAG_BASE + t;
            switch (type) {
                case 0 -> {
                    dropCombinedAddress(tag, la & linearMask, targetPcid, false);
                    guestPsc.invalidateTag(tag, targetPcid);
                }
                case 1 -> dropCombined(tag, targetPcid, true);
                case 2 -> dropCombined(tag, -1, false);
                case 3 -> dropCombined(tag, -1, true);
                default -> throw new IllegalArgumentException("INVPCID type " + type + " (the CPU raises #GP for > 3)");
            }
        }
    }

    private void flushCurrentVpid() {
        counters.invalidations++;
        for (int t = 0; t < tags; t++) {
            if (tagVpid[t] == vpid) {
                dropCombined(COMBINED_TAG_BASE + t, -1, false);
            }
        }
    }

    private static void requireNoPdpteLoad(PagingContext next) {
        if (next.mode == PagingMode.PAE) {
            throw new UnsupportedOperationException(
                    "unsupported: guest PAE PDPTE loads through EPT on a CR write (SDM 28.3.1); only at VM entry");
        }
    }

    // ---------------------------------------------------------------- INVEPT / INVVPID (SDM 28.4.3.1, ch. 31)

    /**
     * INVEPT. Type 1 (single-context): the guest-physical and combined mappings associated with EPTP bits
     * 51:12 of {@code eptp}, for every VPID and PCID; other EP4TAs keep theirs. Type 2 (all-context): those of
     * every EP4TA. The CPU checks the type and, for type 1, the EPTP (VMfail) before calling.
     */
    public void invept(int type, long eptp) {
        counters.invalidations++;
        switch (type) {
            case 1 -> {
                Integer id = ep4taIds.get(eptp & EP4TA_MASK);
                if (id == null) {
                    return;
                }
                for (int t = 0; t < tags; t++) {
                    if (tagEpt[t] == id) {
                        dropCombined(COMBINED_TAG_BASE + t, -1, false);
                    }
                }
                gpaTlb.invalidateContext(-1, id, false);
                eptPsc.invalidateTag(id);
            }
            case 2 -> {
                for (int t = 0; t < tags; t++) {
                    dropCombined(COMBINED_TAG_BASE + t, -1, false);
                }
                gpaTlb.invalidateAll();
                eptPsc.invalidateAll();
            }
            default -> throw new IllegalArgumentException("INVEPT type " + type + " (the CPU VMfails for others)");
        }
    }

    /**
     * INVVPID (guest-physical mappings are untouched). Type 0 (individual-address): the combined mappings of
     * {@code targetVpid} for {@code la}, every PCID and EP4TA, globals included, and (extra) every combined
     * paging-structure-cache entry of the VPID. Type 1 (single-context): every combined mapping of the VPID.
     * Type 2 (all-context): those of every VPID except 0000H. Type 3 (single-context-retaining-globals): the
     * non-global ones of the VPID — and all its paging-structure-cache entries (the SDM would let those used
     * for global translations stay). The CPU checks type and descriptor (VMfail) before calling.
     */
    public void invvpid(int type, int targetVpid, long la) {
        counters.invalidations++;
        for (int t = 0; t < tags; t++) {
            boolean match = type == 2 ? tagVpid[t] != 0 : tagVpid[t] == targetVpid;
            if (!match) {
                continue;
            }
            long tag = COMBINED_TAG_BASE + t;
            switch (type) {
                case 0 -> {
                    // Cached linear addresses are cut to the guest's paging width when cached: cut the operand
                    // every way a guest format could (extra invalidation is allowed).
                    dropCombinedAddress(tag, la & ((1L << 57) - 1), -1, true);
                    dropCombinedAddress(tag, la & ((1L << 48) - 1), -1, true);
                    dropCombinedAddress(tag, la & 0xffff_ffffL, -1, true);
                    guestPsc.invalidateTag(tag, -1);
                }
                case 1, 2 -> dropCombined(tag, -1, false);
                case 3 -> dropCombined(tag, -1, true);
                default -> throw new IllegalArgumentException("INVVPID type " + type + " (the CPU VMfails for others)");
            }
        }
    }

    /** Power-up / reset: every mapping of every tag, the host's included (SDM 28.4.3.1). */
    public void flushAll() {
        counters.invalidations++;
        itlb.invalidateAll();
        dtlb.invalidateAll();
        stlb.invalidateAll();
        gpaTlb.invalidateAll();
        guestPsc.invalidateAll();
        eptPsc.invalidateAll();
    }

    // ---------------------------------------------------------------- internals

    /** Combined mappings and combined PSC entries of {@code tag}: of {@code p} (every PCID if negative). */
    private void dropCombined(long tag, int p, boolean keepGlobal) {
        itlb.invalidateContext(p, tag, keepGlobal);
        dtlb.invalidateContext(p, tag, keepGlobal);
        stlb.invalidateContext(p, tag, keepGlobal);
        guestPsc.invalidateTag(tag, p);
    }

    private void dropCombinedAddress(long tag, long mla, int p, boolean includeGlobal) {
        itlb.invalidateAddress(mla, p, tag, includeGlobal);
        dtlb.invalidateAddress(mla, p, tag, includeGlobal);
        stlb.invalidateAddress(mla, p, tag, includeGlobal);
    }

    private long lastEp4ta = -1;
    private int lastVpid = -1;

    private void setContext(PagingContext next) {
        ctx = next;
        paging = next.mode != PagingMode.NONE;
        pcid = next.pcid;
        linearMask = next.linearMask;
    }

    /** Finds or makes the tags of the current (VPID, EP4TA). */
    private void selectTags() {
        long ep4ta = ept.eptp & EP4TA_MASK;
        if (ep4ta == lastEp4ta && vpid == lastVpid && combinedTag != 0) {
            return; // the same (VPID, EP4TA) as at the last entry: same tags, already current
        }
        lastEp4ta = ep4ta;
        lastVpid = vpid;
        Integer e = ep4taIds.get(ep4ta);
        if (e == null) {
            e = ep4taIds.size();
            ep4taIds.put(ep4ta, e);
        }
        long key = (long) e << 16 | vpid;
        Integer c = combinedIds.get(key);
        if (c == null) {
            c = tags;
            if (tags == tagVpid.length) {
                tagVpid = Arrays.copyOf(tagVpid, 2 * tags);
                tagEpt = Arrays.copyOf(tagEpt, 2 * tags);
            }
            tagVpid[tags] = vpid;
            tagEpt[tags] = e;
            tags++;
            combinedIds.put(key, c);
        }
        combinedTag = COMBINED_TAG_BASE + c;
        eptTag = e;
        guestPsc.setContextTag(combinedTag);
        eptPsc.setContextTag(eptTag);
    }

    /** Valid entries per structure: ITLB, DTLB, STLB (guest and host), guest-physical TLB, combined PSC, EPT PSC. */
    public int[] occupancy() {
        return new int[] {itlb.validEntries(), dtlb.validEntries(), stlb.validEntries(), gpaTlb.validEntries(),
                guestPsc.validEntries(), eptPsc.validEntries()};
    }
}
