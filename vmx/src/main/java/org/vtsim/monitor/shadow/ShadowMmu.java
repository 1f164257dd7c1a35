package org.vtsim.monitor.shadow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageFaultErrorCode;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.WalkResult;
import org.vtsim.monitor.GuestMemory;
import org.vtsim.monitor.MemorySlot;

/**
 * The monitor's shadow MMU, KVM's shadow paging in miniature: with EPT off the processor walks tables
 * the monitor builds in its own host memory, which map guest-linear addresses straight to host-physical
 * ones; the guest's own tables are only read (and their accessed and dirty flags set) by the monitor.
 *
 * <ul>
 *   <li><b>Shadow pages</b> ({@link ShadowPage}) are keyed by the guest table they shadow and a
 *       {@link ShadowRole}, so two processes sharing a guest table share its shadow. Non-leaf shadow
 *       entries grant every right; each leaf carries the rights of its whole guest walk.</li>
 *   <li><b>Filling</b> happens on the processor's page faults ({@link #pageFault}): the guest walk runs on
 *       guest-physical memory with the guest's paging state, setting the accessed and dirty flags exactly
 *       as the processor would natively (SDM Vol. 3A 4.8); a walk the guest's tables refuse is the guest's
 *       own #PF, with the error code the guest's tables give. A leaf is writable only when the guest leaf
 *       is dirty, so the first write faults and sets the guest's dirty flag.</li>
 *   <li><b>Coherence</b>: every guest frame that holds a shadowed guest table is write-protected in every
 *       shadow leaf that maps it ({@code rmap}); a guest write there faults, is emulated, and zaps the
 *       shadow entries it changed ({@link #guestWrite}). A page written three times without being walked
 *       through is no longer a page table to the guest (KVM's write-flooding rule) and is unshadowed.</li>
 *   <li><b>Roots</b>: one per guest CR3 value; the four most recent stay pinned (the cache of recent roots,
 *       which makes a switch back to a recent process cheap). While the guest's paging is off, a direct
 *       PAE root below 4 GiB (the processor loads PAE PDPTEs from a 32-bit CR3) maps guest-physical
 *       memory 1:1.</li>
 *   <li><b>Bounded</b>: at most {@code maxPages} shadow pages live in the pool; the oldest unpinned
 *       ones are reclaimed (zapped) when it runs out.</li>
 * </ul>
 *
 * <p>Guests with 32-bit or PAE paging (paging on without IA-32e mode), PCIDs and 5-level paging are not
 * shadowed: the model says so ({@link UnsupportedFeature}) instead of doing something else.
 */
public final class ShadowMmu {
    static final long P = 1;
    static final long RW = 1L << 1;
    static final long US = 1L << 2;
    static final long PWT = 1L << 3;
    static final long PCD = 1L << 4;
    static final long A = 1L << 5;
    static final long D = 1L << 6;
    static final long PS = 1L << 7;
    static final long XD = 1L << 63;
    private static final int MT_PWT = 1;
    private static final int MT_PCD = 2;
    private static final int MT_PAT = 4;
    /** Physical-address bits of an entry (51:12). */
    static final long ADDRESS = 0x000f_ffff_ffff_f000L;
    /** Rights of a non-leaf shadow entry: everything; the leaf restricts. */
    private static final long TABLE = P | RW | US | A;
    /** How many recent roots stay pinned. */
    static final int ROOT_CACHE = 4;
    /** Emulated writes to a shadowed frame, without a walk through it, after which it is unshadowed. */
    static final int WRITE_FLOOD_LIMIT = 3;

    /** The outcome of {@link #pageFault}. */
    public enum FaultKind {
        /** The shadow tables now map the address: retry the instruction. */
        FIXED,
        /** The guest's own tables refuse the access: deliver #PF with {@link ShadowMmu#guestErrorCode()}. */
        GUEST_FAULT,
        /** A write to a write-protected guest page table at {@link ShadowMmu#faultGpa()}: emulate it. */
        WRITE_PROTECTED,
        /** A device access at {@link ShadowMmu#faultGpa()}: emulate it. */
        MMIO,
        /** Guest-physical {@link ShadowMmu#faultGpa()} is neither RAM nor a device. */
        UNASSIGNED,
    }

    private final PhysicalMemory host;
    private final GuestMemory guest;
    private final PhysicalMemory guestPhysical;
    private final PageWalker walker;
    private final WalkResult walk = new WalkResult();
    private final long tableArea;
    private final int maxPages;
    private final long lowRoot;
    private final int maxPhysAddr;
    private final boolean largePages;
    private final long mmioStart;
    private final long mmioEnd;

    private final ShadowPage[] byFrame;
    private final int[] freeFrames;
    private int freeCount;
    /** Every live page by (gfn, role), oldest first (the reclaim order). */
    private final LinkedHashMap<Long, ShadowPage> pages = new LinkedHashMap<>();
    /** Non-direct pages by guest frame: the shadowed guest tables (write-protected unless unsynced). */
    private final Map<Long, List<ShadowPage>> shadowsOf = new HashMap<>();
    /**
     * Guest frames whose shadow pages (leaf tables only) are out of sync: the guest writes them without
     * exits, and they are brought back in sync at the next flush point (KVM's unsync pages).
     */
    private final java.util.Set<Long> unsynced = new java.util.HashSet<>();
    private boolean unsyncEnabled = true;
    /** 4 KiB shadow leaves by the guest frame they map (host addresses of the entries). */
    private final Map<Long, LongList> rmap = new HashMap<>();
    /** 2 MiB shadow leaves by the guest 2 MiB frame they map. */
    private final Map<Long, LongList> largeRmap = new HashMap<>();
    /** Write-protected guest frames per guest 2 MiB frame (such a range cannot take a 2 MiB leaf). */
    private final Map<Long, Integer> protectedIn2m = new HashMap<>();

    private final ShadowStats stats = new ShadowStats();

    private long cr0;
    private long cr4;
    private long efer;
    private long guestCr3;
    /** The guest's paging context, null while its paging is off. */
    private PagingContext context;
    private ShadowPage root;
    /** Recent roots, most recent first (pinned: rootCount > 0). */
    private final ShadowPage[] recentRoots = new ShadowPage[ROOT_CACHE];
    /** The direct page directories under the paging-off root, one per GiB of the 4 GiB space. */
    private final ShadowPage[] directDirectories = new ShadowPage[4];

    private long faultGpa;
    private int guestErrorCode;
    /** A present shadow entry was removed or lost rights since {@link #takeFlush}: cached translations may be stale. */
    private boolean flushNeeded;
    private final long[] guestEntries = new long[5];

    /**
     * @param host host-physical memory (the shadow tables live there)
     * @param guest the guest's memory slots (guest-physical to host-physical)
     * @param guestPhysical guest-physical memory through the slots for the guest walks, reading all ones and
     *     dropping writes outside them (a guest table there reads as reserved bits: #PF with RSVD for the guest)
     * @param tableArea host-physical base of {@code maxPages} 4 KiB frames for shadow tables, outside
     *     every slot
     * @param lowRoot host-physical address of a 4 KiB page below 4 GiB, outside every slot and device, for
     *     the paging-off root (a PAE page-directory-pointer table)
     * @param mmioStart start of the guest-physical device window (accesses there are emulated)
     * @param largePages whether a guest 2 MiB page may be shadowed by a 2 MiB leaf
     */
    public ShadowMmu(PhysicalMemory host, GuestMemory guest, PhysicalMemory guestPhysical, long tableArea,
            int maxPages, long lowRoot, int maxPhysAddr, boolean largePages, long mmioStart, long mmioEnd) {
        if (maxPages < 16 + ROOT_CACHE) {
            throw new IllegalArgumentException("shadow page pool of " + maxPages + " pages is too small");
        }
        if (lowRoot >= 1L << 32 || (lowRoot & 0xfff) != 0) {
            throw new IllegalArgumentException("paging-off root must be a page below 4 GiB: 0x"
                    + Long.toHexString(lowRoot));
        }
        this.host = host;
        this.guest = guest;
        this.guestPhysical = guestPhysical;
        this.walker = new PageWalker(guestPhysical);
        this.tableArea = tableArea;
        this.maxPages = maxPages;
        this.lowRoot = lowRoot;
        this.maxPhysAddr = maxPhysAddr;
        this.largePages = largePages;
        this.mmioStart = mmioStart;
        this.mmioEnd = mmioEnd;
        this.byFrame = new ShadowPage[maxPages];
        this.freeFrames = new int[maxPages];
        for (int i = 0; i < maxPages; i++) {
            freeFrames[i] = maxPages - 1 - i;
        }
        freeCount = maxPages;
    }

    // ---- the guest's paging state ----

    /**
     * The guest's CR0, CR4 and EFER (its own values, not the processor's) changed, or are set for the first
     * time. A change of anything that alters what a guest entry means (paging on/off, CR0.WP, CR4.PSE, PGE,
     * PAE, SMEP, SMAP, EFER.NXE, LMA) drops every shadow page, as KVM's MMU context reset does.
     *
     * @throws UnsupportedFeature for paging modes the shadow MMU does not shadow
     */
    public void setPagingState(long newCr0, long newCr4, long newEfer) {
        boolean paging = (newCr0 & CpuState.CR0_PG) != 0;
        if (paging && (newEfer & CpuState.EFER_LMA) == 0) {
            throw new UnsupportedFeature("shadow paging of a guest with 32-bit or PAE paging (only IA-32e paging "
                    + "and paging off are shadowed; use --mode ept)");
        }
        if (paging && (newCr4 & CpuState.CR4_PCIDE) != 0) {
            throw new UnsupportedFeature("PCIDs (CR4.PCIDE) under shadow paging");
        }
        if ((newCr4 & CpuState.CR4_LA57) != 0) {
            throw new UnsupportedFeature("5-level paging (CR4.LA57) under shadow paging");
        }
        long cr0Bits = CpuState.CR0_PG | CpuState.CR0_WP;
        long cr4Bits = CpuState.CR4_PSE | CpuState.CR4_PAE | CpuState.CR4_PGE | CpuState.CR4_SMEP
                | CpuState.CR4_SMAP;
        long eferBits = CpuState.EFER_NXE | CpuState.EFER_LMA;
        boolean first = root == null && directDirectories[0] == null;
        boolean changed = first || ((cr0 ^ newCr0) & cr0Bits) != 0 || ((cr4 ^ newCr4) & cr4Bits) != 0
                || ((efer ^ newEfer) & eferBits) != 0;
        cr0 = newCr0;
        cr4 = newCr4;
        efer = newEfer;
        if (changed) {
            if (!first) {
                stats.resets++;
            }
            reset();
        } else if (context != null) {
            context = guestPagingContext();
        }
    }

    /** MOV to CR3 in the guest (its value, checked by the caller): the root for it becomes current. */
    public void loadCr3(long value) {
        guestCr3 = value;
        resyncAll();
        if (context != null) {
            stats.cr3Switches++;
            context = context.withCr3(value);
            switchRoot();
        }
    }

    /** The CR3 value the guest loaded last (what MOV from CR3 returns). */
    public long guestCr3() {
        return guestCr3;
    }

    /** The guest's paging context (its own CR0/CR3/CR4/EFER), or null while its paging is off. */
    public PagingContext guestContext() {
        return context;
    }

    /** The CR3 the processor must use in the guest now (the current shadow root). */
    public long hardwareCr3() {
        if (context == null) {
            return lowRoot;
        }
        if (root == null) {
            switchRoot();
        }
        return root.hpa;
    }

    /**
     * Whether cached translations may be stale since the last call (a shadow entry was removed or lost
     * rights), clearing the flag: the caller invalidates the guest's TLB entries (INVVPID), as KVM's
     * remote TLB flush does.
     */
    public boolean takeFlush() {
        boolean f = flushNeeded;
        flushNeeded = false;
        return f;
    }

    /** Drops every shadow page and builds the root for the current state. */
    public void reset() {
        flushNeeded = true;
        for (ShadowPage sp : new ArrayList<>(pages.values())) {
            sp.rootCount = 0;
            free(sp);
        }
        pages.clear();
        shadowsOf.clear();
        unsynced.clear();
        rmap.clear();
        largeRmap.clear();
        protectedIn2m.clear();
        java.util.Arrays.fill(recentRoots, null);
        java.util.Arrays.fill(directDirectories, null);
        root = null;
        for (int i = 0; i < 4; i++) {
            host.write64(lowRoot + 8L * i, 0);
        }
        if ((cr0 & CpuState.CR0_PG) == 0) {
            context = null;
            // PAE PDPTEs carry only P and the address (SDM Vol. 3A 4.4.1: bits 1-2 and 5-8 are reserved).
            for (int i = 0; i < 4; i++) {
                ShadowPage pd = create((long) i << 18, ShadowRole.direct(2, ShadowRole.ALL, true));
                pd.rootCount = 1;
                directDirectories[i] = pd;
                host.write64(lowRoot + 8L * i, pd.hpa | P);
            }
        } else {
            context = guestPagingContext();
            switchRoot();
        }
    }

    private PagingContext guestPagingContext() {
        return PagingContext.of(cr0, guestCr3, cr4, efer, null, maxPhysAddr, true);
    }

    private void switchRoot() {
        long gfn = (guestCr3 & ADDRESS & ((1L << maxPhysAddr) - 1)) >>> 12;
        int role = ShadowRole.of(4, false, ShadowRole.ALL);
        for (int i = 0; i < ROOT_CACHE; i++) {
            ShadowPage r = recentRoots[i];
            if (r != null && r.gfn == gfn && r.role == role) {
                System.arraycopy(recentRoots, 0, recentRoots, 1, i);
                recentRoots[0] = r;
                root = r;
                stats.rootCacheHits++;
                return;
            }
        }
        ensureFree(1);
        ShadowPage r = getOrCreate(gfn, role);
        ShadowPage evicted = recentRoots[ROOT_CACHE - 1];
        if (evicted != null) {
            evicted.rootCount--;
        }
        System.arraycopy(recentRoots, 0, recentRoots, 1, ROOT_CACHE - 1);
        recentRoots[0] = r;
        r.rootCount++;
        root = r;
    }

    // ---- page faults ----

    /**
     * A page fault the processor took on the shadow tables at {@code linear} with hardware error code
     * {@code errorCode}: walks the guest's tables and either fills the shadow tables or says what else it is.
     */
    public FaultKind pageFault(long linear, int errorCode) {
        if ((errorCode & PageFaultErrorCode.RSVD) != 0) {
            // A shadow entry the processor finds malformed can only come from a change the monitor missed
            // (none is known); start over rather than loop.
            stats.resets++;
            reset();
            return FaultKind.FIXED;
        }
        ensureFree(5);
        int access = ((errorCode & PageFaultErrorCode.W) != 0 ? Access.WRITE : 0)
                | ((errorCode & PageFaultErrorCode.U) != 0 ? Access.USER : 0)
                | ((errorCode & PageFaultErrorCode.ID) != 0 ? Access.FETCH : 0);
        if (context == null) {
            return directFault(linear & 0xffffffffL, access);
        }
        if (!walker.walk(context, linear, access, walk, null)) {
            stats.guestFaults++;
            guestErrorCode = walk.errorCode();
            return FaultKind.GUEST_FAULT;
        }
        long gpa = walk.physical();
        faultGpa = gpa;
        FaultKind k = classify(gpa, access);
        if (k != null) {
            return k;
        }
        stats.shadowFaults++;
        install(linear, access);
        return FaultKind.FIXED;
    }

    /** MMIO, unassigned memory or a write-protected page table; null for RAM the leaf may map. */
    private FaultKind classify(long gpa, int access) {
        if (gpa >= mmioStart && gpa < mmioEnd) {
            stats.mmioAccesses++;
            return (access & Access.FETCH) != 0 ? FaultKind.UNASSIGNED : FaultKind.MMIO;
        }
        if (guest.slotOf(gpa) == null) {
            return FaultKind.UNASSIGNED;
        }
        if ((access & Access.WRITE) != 0 && writeProtected(gpa >>> 12)) {
            return unsync(gpa >>> 12) ? null : FaultKind.WRITE_PROTECTED;
        }
        return null;
    }

    /** Guest-physical address of the last fault (for WRITE_PROTECTED, MMIO, UNASSIGNED). */
    public long faultGpa() {
        return faultGpa;
    }

    /** The #PF error code the guest's tables give (for GUEST_FAULT). */
    public int guestErrorCode() {
        return guestErrorCode;
    }

    /** Paging off: guest-linear is guest-physical; map it with every right. */
    private FaultKind directFault(long gpa, int access) {
        faultGpa = gpa;
        FaultKind k = classify(gpa, access);
        if (k != null) {
            return k;
        }
        stats.shadowFaults++;
        ShadowPage pd = directDirectories[(int) (gpa >>> 30) & 3];
        mapBelow(pd, 2, gpa, gpa & ~0xfffL, ShadowRole.ALL, true, 0, access);
        return FaultKind.FIXED;
    }

    /** Fills the shadow entries for {@code linear} along the guest walk just made. */
    private void install(long linear, int access) {
        java.util.Arrays.fill(guestEntries, 0);
        for (int i = walk.referenceCount() - 1; i >= 0; i--) {
            if (!walk.referenceIsWrite(i)) {
                guestEntries[walk.referenceLevel(i)] = walk.referenceValue(i);
            }
        }
        int leafLevel = walk.leafLevel();
        ShadowPage sp = root;
        int rights = ShadowRole.ALL;
        for (int level = 4; level > leafLevel; level--) {
            sp.writeFlood = 0;
            rights &= rightsOf(guestEntries[level]);
            long childGfn = (guestEntries[level] & ADDRESS & ((1L << maxPhysAddr) - 1)) >>> 12;
            sp = child(sp, level, linear, childGfn, ShadowRole.of(level - 1, false, rights));
        }
        sp.writeFlood = 0;
        rights &= rightsOf(guestEntries[leafLevel]);
        long leaf = guestEntries[leafLevel];
        boolean pat = (leaf & (leafLevel == 1 ? PS : 1L << 12)) != 0; // the PAT bit: 7 in a PTE, 12 in a large leaf
        int memoryType = (int) (leaf & (PWT | PCD)) >>> 3 | (pat ? MT_PAT : 0);
        long page = walk.physical() & ~0xfffL;
        if (leafLevel == 1) {
            setLeaf(sp.hpa + 8L * index(linear, 1), page, rights, walk.dirty(), memoryType, access, false);
        } else {
            mapBelow(sp, leafLevel, linear, page, rights, walk.dirty(), memoryType, access);
        }
    }

    /**
     * Maps {@code linear} to guest-physical {@code gpa} below shadow page {@code sp} of {@code level}, whose
     * entry for it covers a guest-physical range the guest maps with one large page (or, paging off, maps 1:1):
     * a 2 MiB leaf where allowed, else direct shadow pages down to a 4 KiB leaf.
     */
    private void mapBelow(ShadowPage sp, int level, long linear, long gpa, int rights, boolean dirty,
            int memoryType, int access) {
        while (level > 1) {
            long spte = sp.hpa + 8L * index(linear, level);
            if (level == 2 && largeLeafAllowed(gpa)) {
                setLeaf(spte, gpa & ~((1L << 21) - 1), rights, dirty, memoryType, access, true);
                return;
            }
            long regionGfn = (gpa >>> (12 + 9 * (level - 1))) << (9 * (level - 1));
            sp = child(sp, level, linear, regionGfn, ShadowRole.direct(level - 1, rights, dirty));
            level--;
        }
        setLeaf(sp.hpa + 8L * index(linear, 1), gpa & ~0xfffL, rights, dirty, memoryType, access, false);
    }

    private boolean largeLeafAllowed(long gpa) {
        if (!largePages) {
            return false;
        }
        long base = gpa & ~((1L << 21) - 1);
        MemorySlot s = guest.slotOf(base);
        return s != null && s.contains(base + (1L << 21) - 1) && (s.toHost(base) & ((1L << 21) - 1)) == 0
                && !protectedIn2m.containsKey(base >>> 21);
    }

    /**
     * The shadow page below entry {@code index(linear, level)} of {@code sp}: the one there if it is the
     * right one, else the (gfn, role) page, found or created, linked in.
     */
    private ShadowPage child(ShadowPage sp, int level, long linear, long gfn, int role) {
        long address = sp.hpa + 8L * index(linear, level);
        long spte = host.read64(address);
        if ((spte & P) != 0) {
            if ((spte & PS) == 0) {
                ShadowPage c = pageAt(spte);
                if (c != null && c.gfn == gfn && c.role == role) {
                    return c;
                }
            }
            dropEntry(sp, address, spte);
        }
        ShadowPage c = getOrCreate(gfn, role);
        host.write64(address, c.hpa | TABLE);
        c.addParent(address);
        return c;
    }

    /** Writes a leaf for guest-physical page {@code gpa} with the guest walk's rights. */
    private void setLeaf(long address, long gpa, int rights, boolean dirty, int memoryType, int access,
            boolean large) {
        long old = host.read64(address);
        if ((old & P) != 0) {
            // A fault on a present leaf: the guest's entry allows more now (dirty, a write under CR0.WP = 0, a
            // user access) or the frame was unshadowed. A narrower new leaf (the CR0.WP = 0 flip to user) needs
            // the stale translation flushed; a wider one does not (a fault drops the faulting one, SDM 4.10.4.1).
            unlinkEntry(pageAt(address), address, old);
            if ((old & US) != 0) {
                flushNeeded = true;
            }
        }
        MemorySlot s = guest.slotOf(gpa);
        long bits = s.toHost(gpa) | P | A;
        boolean writable = (rights & ShadowRole.WRITABLE) != 0;
        boolean user = (rights & ShadowRole.USER) != 0;
        if (!writable && (cr0 & CpuState.CR0_WP) == 0 && (access & Access.WRITE) != 0 && (access & Access.USER) == 0) {
            // CR0.WP = 0 lets supervisor writes through read-only pages (SDM Vol. 3A 4.6.1); the processor
            // runs with WP = 1, so the leaf is made writable and supervisor-only until a user access comes.
            writable = true;
            user = false;
        }
        if (writable && dirty && (large || !writeProtected(gpa >>> 12))) {
            bits |= RW | D;
        }
        if (user) {
            bits |= US;
        }
        if ((rights & ShadowRole.EXECUTABLE) == 0) {
            bits |= XD;
        }
        // The guest's memory type (PWT, PCD, PAT index bits, SDM Vol. 3A 11.12.3) goes into the leaf.
        bits |= (long) (memoryType & (MT_PWT | MT_PCD)) << 3;
        if ((memoryType & MT_PAT) != 0) {
            bits |= large ? 1L << 12 : PS;
        }
        if (large) {
            bits |= PS;
            largeRmap.computeIfAbsent(gpa >>> 21, k -> new LongList()).add(address);
        } else {
            rmap.computeIfAbsent(gpa >>> 12, k -> new LongList()).add(address);
        }
        host.write64(address, bits);
    }

    /** Rights a guest entry grants (XD counts only with EFER.NXE, SDM Vol. 3A 4.6.2). */
    private int rightsOf(long entry) {
        int r = 0;
        if ((entry & RW) != 0) {
            r |= ShadowRole.WRITABLE;
        }
        if ((entry & US) != 0) {
            r |= ShadowRole.USER;
        }
        if ((entry & XD) == 0 || (efer & CpuState.EFER_NXE) == 0) {
            r |= ShadowRole.EXECUTABLE;
        }
        return r;
    }

    static int index(long linear, int level) {
        return (int) (linear >>> (12 + 9 * (level - 1))) & 511;
    }

    // ---- guest writes to shadowed tables ----

    /** Whether guest frame {@code gfn} holds a shadowed guest table in sync (writes to it must be emulated). */
    public boolean writeProtected(long gfn) {
        return shadowsOf.containsKey(gfn) && !unsynced.contains(gfn);
    }

    /** Whether leaf tables may go out of sync (default) or every guest page-table write is emulated. */
    public void setUnsync(boolean on) {
        unsyncEnabled = on;
    }

    /** Whether guest frame {@code gfn}'s shadow pages are out of sync (the audit exempts their leaves). */
    boolean outOfSync(long gfn) {
        return unsynced.contains(gfn);
    }

    /**
     * A write to a shadowed frame that holds only guest leaf tables: instead of trapping every write, the
     * frame stops being write-protected and its shadow pages go out of sync until the next flush point
     * ({@link #loadCr3}, {@link #invlpg}), where they are brought back ({@link #resync}). The guest must
     * invalidate after changing a present entry anyway (SDM Vol. 3A 4.10.4.2), so a stale shadow entry until
     * then is a stale TLB entry the architecture allows; entries it adds fault and are filled on demand.
     * Returns false (the write is emulated) for a frame that holds a table of another level.
     */
    private boolean unsync(long gfn) {
        if (!unsyncEnabled) {
            return false;
        }
        for (ShadowPage sp : shadowsOf.get(gfn)) {
            if (sp.level() != 1) {
                return false;
            }
        }
        unsynced.add(gfn);
        protectedIn2m.computeIfPresent(gfn >>> 9, (k, n) -> n == 1 ? null : n - 1);
        stats.unsyncs++;
        return true;
    }

    /** Every unsynced frame back in sync: a flush point (MOV to CR3). */
    public void resyncAll() {
        for (Long gfn : new ArrayList<>(unsynced)) {
            resync(gfn);
        }
    }

    /**
     * Brings guest frame {@code gfn}'s shadow pages back in sync — each present shadow leaf that no longer
     * agrees with its guest entry (another frame, fewer rights, a clean dirty flag, another memory type) is
     * dropped, to be filled again on demand — and write-protects the frame again.
     */
    private void resync(long gfn) {
        unsynced.remove(gfn);
        for (ShadowPage sp : shadowsOf.get(gfn)) {
            for (int i = 0; i < 512; i++) {
                long address = sp.hpa + 8L * i;
                long spte = host.read64(address);
                if ((spte & P) != 0 && !agrees(spte, guestPhysical.read64((gfn << 12) + 8L * i), ShadowRole.access(sp.role))) {
                    dropEntry(sp, address, spte);
                }
            }
            stats.resyncs++;
        }
        writeProtect(gfn);
    }

    /** Whether 4 KiB shadow leaf {@code spte} still grants no more than guest entry {@code gpte} under {@code upper}. */
    private boolean agrees(long spte, long gpte, int upper) {
        if ((gpte & P) == 0) {
            return false;
        }
        MemorySlot s = guest.slotOf(gpte & ADDRESS & ((1L << maxPhysAddr) - 1));
        if (s == null || s.toHost(gpte & ADDRESS & ((1L << maxPhysAddr) - 1)) != (spte & ADDRESS)
                || ((spte ^ gpte) & (PWT | PCD | PS)) != 0) {
            return false;
        }
        int rights = upper & rightsOf(gpte);
        boolean supervisorWrite = (cr0 & CpuState.CR0_WP) == 0 && (spte & US) == 0; // the CR0.WP = 0 leaf
        if ((spte & RW) != 0 && ((rights & ShadowRole.WRITABLE) == 0 && !supervisorWrite || (gpte & D) == 0)) {
            return false;
        }
        if ((spte & US) != 0 && (rights & ShadowRole.USER) == 0) {
            return false;
        }
        return (spte & XD) != 0 || (rights & ShadowRole.EXECUTABLE) != 0;
    }

    /**
     * The monitor emulated a guest write of {@code size} bytes at {@code gpa} (already in guest memory): the
     * shadow entries of the guest entries it touched are zapped, to be filled again from the new guest
     * entries on the next fault. A page written {@link #WRITE_FLOOD_LIMIT} times without a walk through it
     * is unshadowed (it no longer looks like a page table).
     */
    public void guestWrite(long gpa, int size) {
        List<ShadowPage> list = shadowsOf.get(gpa >>> 12);
        if (list == null || unsynced.contains(gpa >>> 12)) {
            return;
        }
        stats.emulatedWrites++;
        int first = (int) (gpa & 0xfff) >>> 3;
        int last = (int) ((gpa + size - 1) & 0xfff) >>> 3;
        if (last < first) {
            last = 511; // the write continued into the next page, which has its own fault
        }
        for (ShadowPage sp : new ArrayList<>(list)) {
            if (!pages.containsKey(key(sp.gfn, sp.role))) {
                continue;
            }
            for (int i = first; i <= last; i++) {
                long address = sp.hpa + 8L * i;
                long spte = host.read64(address);
                if ((spte & P) != 0) {
                    dropEntry(sp, address, spte);
                }
            }
            if (++sp.writeFlood >= WRITE_FLOOD_LIMIT && sp.rootCount == 0) {
                zap(sp);
            }
        }
    }

    /**
     * Stops shadowing guest frame {@code gfn} (zaps its shadow pages), so that a write the monitor cannot
     * emulate runs natively instead, as KVM's unprotect-and-retry does. Returns false when the frame is a
     * root in use (the guest's current top-level table), which cannot stop being shadowed.
     */
    public boolean unprotect(long gfn) {
        List<ShadowPage> list = shadowsOf.get(gfn);
        if (list == null) {
            return true;
        }
        for (ShadowPage sp : list) {
            if (sp.rootCount > 0) {
                return false;
            }
        }
        for (ShadowPage sp : new ArrayList<>(list)) {
            zap(sp);
        }
        stats.unprotectedPages++;
        return true;
    }

    /**
     * INVLPG in the guest, a flush point for one address: if the leaf shadow page that maps {@code linear}
     * under the current root is out of sync, its entry for it is dropped (filled again from the guest's entry
     * on the next access), as KVM's invlpg does; synced tables follow every guest write already.
     */
    public void invlpg(long linear) {
        stats.invlpgs++;
        if (unsynced.isEmpty() || context == null || root == null) {
            return;
        }
        ShadowPage sp = root;
        for (int level = 4; level > 1; level--) {
            long spte = host.read64(sp.hpa + 8L * index(linear, level));
            if ((spte & P) == 0 || (spte & PS) != 0) {
                return;
            }
            sp = pageAt(spte);
            if (sp == null) {
                return;
            }
        }
        if (!sp.direct() && unsynced.contains(sp.gfn)) {
            long address = sp.hpa + 8L * index(linear, 1);
            long spte = host.read64(address);
            if ((spte & P) != 0) {
                dropEntry(sp, address, spte);
            }
        }
    }

    // ---- shadow pages ----

    private static long key(long gfn, int role) {
        return gfn << 12 | role;
    }

    private ShadowPage getOrCreate(long gfn, int role) {
        ShadowPage sp = pages.get(key(gfn, role));
        return sp != null ? sp : create(gfn, role);
    }

    private ShadowPage create(long gfn, int role) {
        if (freeCount == 0) {
            throw new IllegalStateException("shadow page pool exhausted inside one operation");
        }
        int frame = freeFrames[--freeCount];
        long hpa = tableArea + ((long) frame << 12);
        for (int i = 0; i < 512; i++) {
            host.write64(hpa + 8L * i, 0);
        }
        ShadowPage sp = new ShadowPage(gfn, role, frame, hpa);
        byFrame[frame] = sp;
        pages.put(key(gfn, role), sp);
        stats.pagesCreated++;
        if (!ShadowRole.direct(role)) {
            if (unsynced.contains(gfn)) {
                resync(gfn); // a new table of the frame: it is write-protected again, in sync (kvm_sync_pages)
            }
            List<ShadowPage> list = shadowsOf.get(gfn);
            if (list == null) {
                list = new ArrayList<>(1);
                shadowsOf.put(gfn, list);
                writeProtect(gfn);
            }
            list.add(sp);
        }
        return sp;
    }

    /** A guest frame became a shadowed table: no shadow leaf may let the guest write it directly. */
    private void writeProtect(long gfn) {
        protectedIn2m.merge(gfn >>> 9, 1, Integer::sum);
        LongList small = rmap.get(gfn);
        if (small != null) {
            flushNeeded = true;
            for (int i = 0; i < small.size(); i++) {
                long address = small.get(i);
                host.write64(address, host.read64(address) & ~RW);
            }
        }
        LongList large = largeRmap.remove(gfn >>> 9);
        if (large != null) {
            flushNeeded = true;
            for (int i = 0; i < large.size(); i++) {
                host.write64(large.get(i), 0);
            }
        }
    }

    /** Zaps {@code sp}: its parents stop pointing to it, its entries are dropped, its frame is freed. */
    void zap(ShadowPage sp) {
        flushNeeded |= sp.parentCount() > 0;
        for (int i = 0; i < sp.parentCount(); i++) {
            host.write64(sp.parent(i), 0);
        }
        for (int i = 0; i < 512; i++) {
            long address = sp.hpa + 8L * i;
            long spte = host.read64(address);
            if ((spte & P) != 0) {
                dropEntry(sp, address, spte);
            }
        }
        pages.remove(key(sp.gfn, sp.role));
        if (!sp.direct()) {
            List<ShadowPage> list = shadowsOf.get(sp.gfn);
            list.remove(sp);
            if (list.isEmpty()) {
                shadowsOf.remove(sp.gfn);
                if (!unsynced.remove(sp.gfn)) {
                    protectedIn2m.computeIfPresent(sp.gfn >>> 9, (k, n) -> n == 1 ? null : n - 1);
                }
            }
        }
        for (int i = 0; i < ROOT_CACHE; i++) {
            if (recentRoots[i] == sp) {
                System.arraycopy(recentRoots, i + 1, recentRoots, i, ROOT_CACHE - 1 - i);
                recentRoots[ROOT_CACHE - 1] = null;
                i--;
            }
        }
        if (root == sp) {
            root = null; // hardwareCr3() builds a new one
        }
        stats.pagesZapped++;
        free(sp);
    }

    private void free(ShadowPage sp) {
        byFrame[sp.frame] = null;
        freeFrames[freeCount++] = sp.frame;
    }

    /** Drops the present entry at {@code address} of {@code sp}: unlinks its child or its reverse mapping. */
    private void dropEntry(ShadowPage sp, long address, long spte) {
        flushNeeded = true;
        unlinkEntry(sp, address, spte);
    }

    /** As {@link #dropEntry} for an entry about to be replaced by one granting at least as much. */
    private void unlinkEntry(ShadowPage sp, long address, long spte) {
        boolean leaf = sp.level() == 1 || (spte & PS) != 0;
        if (!leaf) {
            ShadowPage c = pageAt(spte);
            if (c != null) {
                c.removeParent(address);
            }
        } else {
            long hpa = spte & ADDRESS;
            long gpa = guestPhysicalOf(hpa);
            if (gpa >= 0) {
                Map<Long, LongList> m = sp.level() == 1 ? rmap : largeRmap;
                long k = sp.level() == 1 ? gpa >>> 12 : gpa >>> 21;
                LongList l = m.get(k);
                if (l != null) {
                    l.remove(address);
                    if (l.size() == 0) {
                        m.remove(k);
                    }
                }
            }
        }
        host.write64(address, 0);
    }

    /** The guest-physical address host-physical {@code hpa} backs, or -1. */
    private long guestPhysicalOf(long hpa) {
        for (MemorySlot s : guest.slots()) {
            if (hpa >= s.hostPhysical() && hpa < s.hostEnd()) {
                return s.guestPhysical() + (hpa - s.hostPhysical());
            }
        }
        return -1;
    }

    /** The shadow page whose frame holds host address {@code hpa} (an entry's target or an entry's own address). */
    ShadowPage pageAt(long hpa) {
        long offset = (hpa & ADDRESS) - tableArea;
        if (offset < 0 || offset >= (long) maxPages << 12) {
            return null;
        }
        return byFrame[(int) (offset >>> 12)];
    }

    /** Makes room for {@code n} new pages by zapping the oldest pages that are not roots. */
    private void ensureFree(int n) {
        Iterator<ShadowPage> it = pages.values().iterator();
        while (freeCount < n) {
            ShadowPage victim = null;
            while (it.hasNext()) {
                ShadowPage sp = it.next();
                if (sp.rootCount == 0) {
                    victim = sp;
                    break;
                }
            }
            if (victim == null) {
                throw new IllegalStateException("shadow page pool of " + maxPages + " pages holds only roots");
            }
            zap(victim);
            stats.pagesReclaimed++;
            it = pages.values().iterator();
        }
    }

    // ---- for statistics and the audit ----

    public ShadowStats stats() {
        return stats;
    }

    public int livePages() {
        return pages.size();
    }

    public int maxPages() {
        return maxPages;
    }

    /** Every counter, with the pool's size and use, prefixed {@code shadow.}. */
    public Map<String, Long> counters() {
        return stats.toMap(pages.size(), maxPages);
    }

    Iterable<ShadowPage> pages() {
        return pages.values();
    }

    ShadowPage root() {
        return root;
    }

    ShadowPage[] directDirectories() {
        return directDirectories;
    }

    long lowRoot() {
        return lowRoot;
    }

    PhysicalMemory host() {
        return host;
    }

    PhysicalMemory guestPhysical() {
        return guestPhysical;
    }

    GuestMemory guest() {
        return guest;
    }

    long cr0() {
        return cr0;
    }

    long efer() {
        return efer;
    }
}
