package org.vtsim.ept.mmu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vtsim.ept.ept.EptAccess;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptPagingStructureCache;
import org.vtsim.ept.ept.EptWalkResult;
import org.vtsim.ept.ept.EptWalker;
import org.vtsim.ept.nested.GuestPhysicalTranslator;
import org.vtsim.ept.nested.NestedWalkResult;
import org.vtsim.ept.nested.NestedWalker;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingStructureCache;

/**
 * The oracle of the nested stale-translation property: what SDM Vol. 3C 28.4 lets a processor return for
 * a guest-linear address when guest or EPT paging structures changed and software has not (yet)
 * invalidated.
 *
 * <p>The processor may create, at any time, the mappings the current structures give under the current
 * VPID, PCID and EP4TA (28.4.2), and use them until an operation of 28.4.3.1 invalidates them. So after
 * every operation this oracle records, for every universe page and every kind of access, every walk the
 * SDM allows now, and from each: the combined translation (keyed by VPID, EP4TA, page), the combined
 * paging-structure-cache entries (VPID, EP4TA, level, linear prefix → guest-physical table, rights), the
 * guest-physical mappings of every guest-physical address the walk translated (EP4TA, page → frame,
 * permissions) and the guest-physical paging-structure-cache entries (EP4TA, level, prefix → EPT table,
 * permissions). Walks the SDM allows: the guest walk may start below any permitted combined PSC entry for
 * the address, and each guest-physical translation may come from the current EPT, from a walk below any
 * permitted guest-physical PSC entry, or from any permitted guest-physical mapping that allows the access
 * (28.4.2: EPT permissions and dirty needs as for TLB entries). Invalidations remove exactly what 28.4.3.1
 * says (the model may remove more, never less) — the only model choice the oracle adopts is that INVVPID
 * single-context-retaining-globals drops every combined PSC entry of the VPID (the SDM would let those
 * used for global translations stay); page faults and EPT exits remove nothing here (over-approximation).
 *
 * <p>Walk mechanics (entry formats, fault precedence) are the {@link NestedWalker}'s and {@link EptWalker}'s,
 * both already tied to plain reference walks by NestedWalkMatchesReferenceTest; this oracle drives them
 * through every allowed combination of cached starting points, and never asks the model what it cached.
 */
final class PermittedNestedTranslations implements PagingStructureCache, GuestPhysicalTranslator {
    record CT(int shift, long frame, int rights, boolean dirty, int perms, boolean global) {
        long physical(long la) {
            return frame | (la & ((1L << shift) - 1));
        }
    }

    private record CK(int vpid, int ept, int page) {
    }

    private record PK(int vpid, int ept, int level, long prefix) {
    }

    record PscE(long table, int rights) {
    }

    private record GK(int ept, int shift, long pageNumber) {
    }

    record GT(int shift, long frame, int perms, int memoryType, boolean ipat) {
    }

    private record EK(int ept, int level, long prefix) {
    }

    record EpscE(long table, int perms) {
    }

    /** A choice at one guest-physical translation: current EPT, a PSC start, or a cached mapping. */
    private record Option(EpscE psc, int level, GT cached) {
    }

    static final int[] RECORD_ACCESSES = {Access.READ, Access.WRITE, Access.FETCH};
    private static final int[] EPT_ACCESSES = {EptAccess.READ, EptAccess.WRITE, EptAccess.FETCH};
    static final int MAX_RUNS = 20_000;

    private final long[] pages;
    private final ObservedMemory scratch;
    private final NestedWalker walker;
    private final EptWalker eptWalker;
    private final NestedWalkResult out = new NestedWalkResult();
    final Map<CK, Set<CT>> combined = new HashMap<>();
    final Map<PK, Set<PscE>> guestPsc = new HashMap<>();
    final Map<GK, Set<GT>> gpaMaps = new HashMap<>();
    final Map<EK, Set<EpscE>> eptPsc = new HashMap<>();

    // the current enumeration
    private int vpid;
    private int eptId;
    private boolean recording;
    private int recordPage;
    private final List<Integer> choice = new ArrayList<>();
    private final List<Integer> count = new ArrayList<>();
    private int depth;
    private final List<long[]> guestFills = new ArrayList<>();
    // the PSC entry the current EPT option starts from (null: none)
    private EpscE startEntry;
    private int startLevel;
    long runs;

    PermittedNestedTranslations(long[] pages, ObservedMemory scratch) {
        this.pages = pages;
        this.scratch = scratch;
        this.walker = new NestedWalker(scratch);
        this.eptWalker = walker.eptWalker();
    }

    private static long prefix(long la, int level) {
        return (la & ((1L << 48) - 1)) >>> (12 + 9 * (level - 1));
    }

    /** The outcome of a translation as the property compares it. */
    static String describe(NestedWalkResult r) {
        return switch (r.outcome()) {
            case TRANSLATED -> "hpa " + Long.toHexString(r.hpa());
            case PAGE_FAULT -> "#PF " + Integer.toHexString(r.errorCode());
            case EPT_VIOLATION -> "violation gpa " + Long.toHexString(r.violation().guestPhysical()) + " q "
                    + Long.toHexString(r.violation().exitQualification(false));
            case EPT_MISCONFIG -> "misconfig gpa " + Long.toHexString(r.misconfig().guestPhysical());
        };
    }

    /** Every outcome the SDM allows for {@code la} now, under VPID {@code v} and EPT {@code e} (first: the fresh walk). */
    Set<String> outcomes(PagingContext guest, EptContext ept, int v, int e, long la, int access) {
        Set<String> all = new LinkedHashSet<>();
        enumerate(guest, ept, v, e, la, access, false, -1, all);
        return all;
    }

    /** The outcome of the fresh walk on the current structures (no cached information at all). */
    String fresh(PagingContext guest, EptContext ept, long la, int access) {
        scratch.forget();
        walker.walk(guest, ept, la, access, out);
        return describe(out);
    }

    /** Records what the processor may cache now under VPID {@code v} and EPT {@code e}. */
    void cacheCurrent(PagingContext guest, EptContext ept, int v, int e) {
        for (int i = 0; i < pages.length; i++) {
            for (int a : RECORD_ACCESSES) {
                enumerate(guest, ept, v, e, pages[i], a, true, i, null);
            }
        }
    }

    private void enumerate(PagingContext guest, EptContext ept, int v, int e, long la, int access, boolean rec,
            int page, Set<String> outcomes) {
        vpid = v;
        eptId = e;
        recording = rec;
        recordPage = page;
        choice.clear();
        count.clear();
        for (int n = 1;; n++) {
            if (n > MAX_RUNS) {
                throw new AssertionError("oracle enumeration exploded for " + Long.toHexString(la));
            }
            depth = 0;
            guestFills.clear();
            scratch.forget();
            runs++;
            boolean ok = walker.walk(guest, ept, la, access, out, this, this);
            if (outcomes != null) {
                outcomes.add(describe(out));
            }
            if (rec && ok) {
                int shift = out.combinedPageShift();
                add(combined, new CK(v, e, page), new CT(shift, out.hpa() & ~((1L << shift) - 1), out.guestRights(),
                        out.guestDirty(), out.eptPermissions(), out.guestGlobal()));
                for (long[] f : guestFills) {
                    add(guestPsc, new PK(v, e, (int) f[0], prefix(la, (int) f[0])), new PscE(f[1], (int) f[2]));
                }
            }
            int d = choice.size() - 1;
            while (d >= 0 && choice.get(d) + 1 >= count.get(d)) {
                choice.remove(d);
                count.remove(d);
                d--;
            }
            if (d < 0) {
                return;
            }
            choice.set(d, choice.get(d) + 1);
        }
    }

    private int choose(int n) {
        if (depth < choice.size()) {
            return choice.get(depth++);
        }
        choice.add(0);
        count.add(n);
        depth++;
        return 0;
    }

    private static <K, V> void add(Map<K, Set<V>> m, K k, V v) {
        m.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v);
    }

    // ------------------------------------------------------------ guest PSC choice point

    private long hitTable;
    private int hitRights;

    @Override
    public int lookup(PagingContext ctx, long la) {
        List<Object[]> options = new ArrayList<>();
        options.add(null);
        for (int level = 2; level <= 4; level++) {
            Set<PscE> s = guestPsc.get(new PK(vpid, eptId, level, prefix(la, level)));
            if (s != null) {
                for (PscE p : s) {
                    options.add(new Object[] {level, p});
                }
            }
        }
        Object[] o = options.get(choose(options.size()));
        if (o == null) {
            return 0;
        }
        PscE p = (PscE) o[1];
        hitTable = p.table();
        hitRights = p.rights();
        return (int) o[0];
    }

    @Override
    public long hitTable() {
        return hitTable;
    }

    @Override
    public int hitRights() {
        return hitRights;
    }

    @Override
    public void fill(PagingContext ctx, long la, int level, long table, int rights) {
        guestFills.add(new long[] {level, table, rights});
    }

    // ------------------------------------------------------------ guest-physical choice point

    /** Whether a cached guest-physical mapping may serve {@code eptAccess} (A/D is off in these worlds). */
    static boolean usable(GT g, int eptAccess) {
        if ((eptAccess & EptAccess.FETCH) != 0) {
            return (g.perms() & EptEntryBits.PERM_X) != 0;
        }
        return (g.perms() & ((eptAccess & EptAccess.WRITE) != 0 ? EptEntryBits.PERM_W : EptEntryBits.PERM_R)) != 0;
    }

    @Override
    public boolean translate(EptContext ctx, long gpa, int eptAccess, EptWalkResult r) {
        // The distinct outcomes of every allowed option, each kept with the first option giving it.
        Map<String, Option> distinct = new LinkedHashMap<>();
        List<Option> options = new ArrayList<>();
        options.add(new Option(null, 0, null));
        for (int level = 2; level <= ctx.levels; level++) {
            Set<EpscE> s = eptPsc.get(new EK(eptId, level, prefix(gpa, level)));
            if (s != null) {
                for (EpscE p : s) {
                    options.add(new Option(p, level, null));
                }
            }
        }
        for (int shift : new int[] {12, 21, 30}) {
            Set<GT> s = gpaMaps.get(new GK(eptId, shift, gpa >>> shift));
            if (s != null) {
                for (GT g : s) {
                    if (usable(g, eptAccess)) {
                        options.add(new Option(null, 0, g));
                    }
                }
            }
        }
        for (Option o : options) {
            run(o, ctx, gpa, eptAccess, r, false);
            distinct.putIfAbsent(signature(r), o);
        }
        if (recording) {
            // The mapping of this address for every access kind each option allows, and the PSC entries its
            // walk passes (options with equal outcomes may pass different entries).
            for (Option o : options) {
                for (int a : EPT_ACCESSES) {
                    run(o, ctx, gpa, a, r, true);
                }
            }
        }
        List<Option> d = new ArrayList<>(distinct.values());
        Option chosen = d.get(choose(d.size()));
        return run(chosen, ctx, gpa, eptAccess, r, false);
    }

    private boolean run(Option o, EptContext ctx, long gpa, int eptAccess, EptWalkResult r, boolean rec) {
        if (o.cached() != null) {
            GT g = o.cached();
            r.setCachedTranslation(gpa, eptAccess, g.frame(), g.shift(), g.perms(), g.memoryType(), g.ipat(), false);
            return true;
        }
        startEntry = o.psc();
        startLevel = o.level();
        boolean ok = eptWalker.walk(ctx, gpa, eptAccess, r, rec ? recorder : starter);
        if (ok && rec) {
            add(gpaMaps, new GK(eptId, r.pageShift(), gpa >>> r.pageShift()),
                    new GT(r.pageShift(), r.pageFrame(), r.permissions(), r.memoryType(), r.ignorePat()));
        }
        return ok;
    }

    private static String signature(EptWalkResult r) {
        return r.outcome() + " " + r.hpa() + " " + r.pageShift() + " " + r.permissions() + " " + r.memoryType() + " "
                + r.ignorePat() + " " + r.qualificationAccess() + " " + r.misconfigReason();
    }

    /** Starts the EPT walk below the chosen PSC entry (if any); records nothing. */
    private final EptPagingStructureCache starter = new EptPagingStructureCache() {
        @Override
        public int lookup(EptContext ctx, long gpa) {
            return startEntry == null ? 0 : startLevel;
        }

        @Override
        public long hitTable() {
            return startEntry.table();
        }

        @Override
        public int hitPermissions() {
            return startEntry.perms();
        }

        @Override
        public void fill(EptContext ctx, long gpa, int level, long table, int permissions) {
        }
    };

    /** As {@link #starter}, and records the non-leaf entries a successful walk used. */
    private final EptPagingStructureCache recorder = new EptPagingStructureCache() {
        @Override
        public int lookup(EptContext ctx, long gpa) {
            return starter.lookup(ctx, gpa);
        }

        @Override
        public long hitTable() {
            return starter.hitTable();
        }

        @Override
        public int hitPermissions() {
            return starter.hitPermissions();
        }

        @Override
        public void fill(EptContext ctx, long gpa, int level, long table, int permissions) {
            add(eptPsc, new EK(eptId, level, prefix(gpa, level)), new EpscE(table, permissions));
        }
    };

    // ------------------------------------------------------------ TLB hits

    /** Host-physical addresses a combined-mapping hit may give for {@code access} to page {@code page}. */
    Set<Long> hits(PagingContext guest, int v, int e, int page, long la, int access) {
        Set<Long> s = new HashSet<>();
        Set<CT> cts = combined.get(new CK(v, e, page));
        if (cts == null) {
            return s;
        }
        for (CT t : cts) {
            boolean write = (access & Access.WRITE) != 0;
            int need = (access & Access.FETCH) != 0 ? EptEntryBits.PERM_X
                    : write ? EptEntryBits.PERM_W : EptEntryBits.PERM_R;
            if (guest.permits(t.rights(), access) && (!write || t.dirty()) && (t.perms() & need) != 0) {
                s.add(t.physical(la));
            }
        }
        return s;
    }

    boolean hasGlobal(int v, int e, int page) {
        Set<CT> s = combined.get(new CK(v, e, page));
        return s != null && s.stream().anyMatch(CT::global);
    }

    // ------------------------------------------------------------ invalidations (SDM 28.4.3.1)

    private void dropCombinedCovering(int v, long la, boolean includeGlobal, boolean allVpids) {
        long x = la & ((1L << 48) - 1);
        combined.forEach((k, s) -> {
            if (allVpids || k.vpid() == v) {
                long p = pages[k.page()] & ((1L << 48) - 1);
                s.removeIf(t -> (includeGlobal || !t.global()) && (p >>> t.shift()) == (x >>> t.shift()));
            }
        });
    }

    private void dropCombined(java.util.function.Predicate<CK> which, boolean keepGlobal) {
        combined.forEach((k, s) -> {
            if (which.test(k)) {
                s.removeIf(t -> !keepGlobal || !t.global());
            }
        });
    }

    /** Guest INVLPG: the page's combined mappings of the VPID (every EP4TA, globals too), all its combined PSC entries. */
    void invlpg(int v, long la) {
        dropCombinedCovering(v, la, true, false);
        guestPsc.keySet().removeIf(k -> k.vpid() == v);
    }

    /** Guest MOV to CR3 (no PCIDs here): non-global combined mappings and all combined PSC entries of the VPID. */
    void movCr3(int v) {
        dropCombined(k -> k.vpid() == v, true);
        guestPsc.keySet().removeIf(k -> k.vpid() == v);
    }

    void inveptSingle(int e) {
        dropCombined(k -> k.ept() == e, false);
        guestPsc.keySet().removeIf(k -> k.ept() == e);
        gpaMaps.keySet().removeIf(k -> k.ept() == e);
        eptPsc.keySet().removeIf(k -> k.ept() == e);
    }

    void inveptAll() {
        combined.clear();
        guestPsc.clear();
        gpaMaps.clear();
        eptPsc.clear();
    }

    void invvpid(int type, int v, long la) {
        switch (type) {
            case 0 -> {
                dropCombinedCovering(v, la, true, false);
                for (int level = 2; level <= 4; level++) {
                    long p = prefix(la, level);
                    int l = level;
                    guestPsc.keySet().removeIf(k -> k.vpid() == v && k.level() == l && k.prefix() == p);
                }
            }
            case 1 -> {
                dropCombined(k -> k.vpid() == v, false);
                guestPsc.keySet().removeIf(k -> k.vpid() == v);
            }
            case 2 -> {
                dropCombined(k -> k.vpid() != 0, false);
                guestPsc.keySet().removeIf(k -> k.vpid() != 0);
            }
            default -> {
                dropCombined(k -> k.vpid() == v, true);
                guestPsc.keySet().removeIf(k -> k.vpid() == v);
            }
        }
    }

    /** VM entry or exit with VPID 0000H: every combined mapping of VPID 0000H, every EP4TA. */
    void vpid0Transition() {
        invvpid(1, 0, 0);
    }
}
