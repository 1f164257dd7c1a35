package org.vtsim.ept.mmu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PagingMode;
import org.vtsim.ept.paging.ReferenceWalkAccess;
import org.vtsim.ept.paging.ReferenceWalkAccess.Walk;

/**
 * The oracle of the stale-translation property: what SDM Vol. 3A 4.10 lets a processor return for a
 * linear address when the page tables changed and software has not (yet) invalidated.
 *
 * <p>The SDM lets a processor cache, at any time and for any linear address (prefetch and
 * speculation included, 4.10.2.1 and 4.10.3.1), the translation and the paging-structure entries
 * that the tables give <em>at that time</em> under the current PCID, and use them until an
 * operation of 4.10.4.1 invalidates them (or a page fault on the address does). So this oracle
 * records, after every operation, for the current PCID and every universe page:
 * <ul>
 *   <li>permitted TLB entries: page size, frame, combined rights, dirty flag (global ones apart,
 *       since they serve every PCID, 4.10.2.4);</li>
 *   <li>permitted paging-structure-cache entries per (PCID, level, linear-address prefix): the
 *       table referenced and the rights combined down to it (never global, 4.10.3.1).</li>
 * </ul>
 * Walks may start from any permitted PSC entry and read the rest from memory (4.10.3.2): such a
 * walk mixes an old upper part with current lower levels. Invalidations remove exactly what the
 * SDM says they remove; the MMU may drop more (always allowed), never less.
 *
 * <p>The oracle never asks the MMU what it cached: it over-approximates with everything the SDM
 * allows, which is what makes it a specification and not a second implementation.
 */
final class PermittedTranslations {
    /** A TLB entry the SDM allows: translation of a page of size {@code 1 << shift} at {@code frame}. */
    record Translation(int shift, long frame, int rights, boolean dirty) {
        long physical(long la) {
            return frame | (la & ((1L << shift) - 1));
        }
    }

    /** A paging-structure-cache entry the SDM allows. */
    record PscEntry(long table, int rights) {
    }

    private record PscKey(int pcid, int level, long prefix) {
    }

    /** A supervisor explicit read with EFLAGS.AC = 1 is allowed by every combination of rights. */
    static final int ANY_RIGHTS_READ = Access.READ | Access.AC;

    private final PagingMode mode;
    private final long linearMask;
    private final long[] pages; // masked to the linear-address width
    private final List<Map<Integer, Set<Translation>>> nonGlobal = new ArrayList<>();
    private final List<Set<Translation>> global = new ArrayList<>();
    private final Map<PscKey, Set<PscEntry>> psc = new HashMap<>();

    /** The write-discarding view the reference walks read; reset before each walk. */
    private final ObservedMemory scratch;

    PermittedTranslations(PagingMode mode, long[] pages, ObservedMemory scratch) {
        this.mode = mode;
        this.scratch = scratch;
        this.linearMask = switch (mode) {
            case IA32E_5 -> (1L << 57) - 1;
            case IA32E_4 -> (1L << 48) - 1;
            default -> 0xffff_ffffL;
        };
        this.pages = new long[pages.length];
        for (int i = 0; i < pages.length; i++) {
            this.pages[i] = pages[i] & linearMask;
            nonGlobal.add(new HashMap<>());
            global.add(new HashSet<>());
        }
    }

    /** Levels whose entries a PSC may hold (SDM 4.10.3.1): PDEs for 32-bit and PAE paging. */
    private int topPscLevel() {
        return switch (mode) {
            case IA32E_5 -> 5;
            case IA32E_4 -> 4;
            default -> 2;
        };
    }

    private long prefix(long la, int level) {
        la &= linearMask;
        return switch (mode) {
            case LEGACY_32 -> la >>> 22;
            case PAE -> la >>> 21;
            default -> la >>> (12 + 9 * (level - 1));
        };
    }

    /**
     * Every walk the SDM allows for {@code la} now: the full walk on the current tables (first) and one
     * per permitted PSC entry for the address, continuing in current memory.
     */
    List<Walk> walks(ReferenceWalkAccess ref, int pcid, long la, int access) {
        List<Walk> out = new ArrayList<>();
        scratch.forget();
        out.add(ref.walk(la, access));
        for (int level = 2; level <= topPscLevel(); level++) {
            Set<PscEntry> s = psc.get(new PscKey(pcid, level, prefix(la, level)));
            if (s != null) {
                for (PscEntry e : s) {
                    scratch.forget();
                    out.add(ref.walkFrom(la, access, level - 1, e.table(), e.rights()));
                }
            }
        }
        return out;
    }

    /**
     * Physical addresses a TLB hit may give for {@code access} to {@code la} (page {@code page}):
     * from permitted entries whose rights allow the access under the current CR0/CR4 and, for a write,
     * whose dirty flag is set (SDM 4.8: otherwise the processor must walk to set D).
     */
    Set<Long> hits(ReferenceWalkAccess ref, int pcid, int page, long la, int access) {
        Set<Long> out = new HashSet<>();
        List<Translation> all = new ArrayList<>(global.get(page));
        all.addAll(nonGlobal.get(page).getOrDefault(pcid, Set.of()));
        for (Translation t : all) {
            if (ref.permits(t.rights(), access) && ((access & Access.WRITE) == 0 || t.dirty())) {
                out.add(t.physical(la & linearMask));
            }
        }
        return out;
    }

    /** Whether some permitted TLB entry for the page is global. */
    boolean hasGlobal(int page) {
        return !global.get(page).isEmpty();
    }

    /**
     * Records what the processor may cache now: for every universe page, every permitted walk of it
     * (translations and the non-leaf entries passed, even by walks that then fault: SDM 4.10.3.1).
     */
    void cacheCurrent(ReferenceWalkAccess ref, int pcid) {
        for (int i = 0; i < pages.length; i++) {
            for (Walk w : walks(ref, pcid, pages[i], ANY_RIGHTS_READ)) {
                record(pcid, i, w);
            }
        }
    }

    private void record(int pcid, int page, Walk w) {
        for (long[] u : w.upper()) {
            int level = (int) u[0];
            psc.computeIfAbsent(new PscKey(pcid, level, prefix(pages[page], level)), k -> new HashSet<>())
                    .add(new PscEntry(u[1], (int) u[2]));
        }
        if (!w.fault()) {
            Translation t = new Translation(w.pageShift(), w.frame(), w.rights(), w.dirty());
            (w.global() ? global.get(page) : nonGlobal.get(page).computeIfAbsent(pcid, k -> new HashSet<>())).add(t);
        }
    }

    private static boolean covers(long page, Translation t, long la) {
        return (page >>> t.shift()) == (la >>> t.shift());
    }

    /** TLB entries covering {@code la} of {@code pcid}, and global ones if asked. */
    private void dropTranslations(int pcid, long la, boolean includeGlobal) {
        la &= linearMask;
        for (int i = 0; i < pages.length; i++) {
            long p = pages[i];
            long x = la;
            Set<Translation> s = nonGlobal.get(i).get(pcid);
            if (s != null) {
                s.removeIf(t -> covers(p, t, x));
            }
            if (includeGlobal) {
                global.get(i).removeIf(t -> covers(p, t, x));
            }
        }
    }

    private void dropPsc(int pcid) {
        psc.keySet().removeIf(k -> k.pcid() == pcid);
    }

    /** SDM 4.10.4.1, page fault: entries that would be used for the faulting address. */
    void pageFault(int pcid, long la) {
        dropTranslations(pcid, la, true);
        for (int level = 2; level <= topPscLevel(); level++) {
            psc.remove(new PscKey(pcid, level, prefix(la, level)));
        }
    }

    /** INVLPG: the page's entries of the current PCID and global ones; every PSC entry of the PCID. */
    void invlpg(int pcid, long la) {
        dropTranslations(pcid, la, true);
        dropPsc(pcid);
    }

    /** INVPCID type 0: the address's non-global entries of the PCID; every PSC entry of the PCID. */
    void invpcidAddress(int pcid, long la) {
        dropTranslations(pcid, la, false);
        dropPsc(pcid);
    }

    /** MOV to CR3 without no-flush, INVPCID type 1: non-global entries and PSC entries of the PCID. */
    void flushPcid(int pcid) {
        for (Map<Integer, Set<Translation>> m : nonGlobal) {
            m.remove(pcid);
        }
        dropPsc(pcid);
    }

    /** INVPCID type 3: every non-global entry of every PCID, all PSC entries. */
    void flushAllNonGlobal() {
        for (Map<Integer, Set<Translation>> m : nonGlobal) {
            m.clear();
        }
        psc.clear();
    }

    /** CR4.PGE change, INVPCID type 2: everything. */
    void flushEverything() {
        flushAllNonGlobal();
        for (Set<Translation> s : global) {
            s.clear();
        }
    }

    /** Whether {@code a} and {@code b} are in the same 4 KiB linear page. */
    boolean samePage(long a, long b) {
        return ((a ^ b) & linearMask) >>> 12 == 0;
    }
}
