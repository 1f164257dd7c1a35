package org.vtsim.ept.tlb;

import java.util.Arrays;

import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingStructureCache;

/**
 * The PML5E, PML4E, PDPTE and PDE caches of SDM Vol. 3A 4.10.3: per level, a small fully
 * associative LRU array mapping the linear-address bits that select an entry (e.g. bits 47:21
 * for a PDE with 4-level paging, 31:22 with 32-bit paging) to the physical address of the table
 * it references and the rights combined down to it. Tagged by PCID and a context tag; never
 * global (SDM 4.10.3.1). Sizes are configurable; Intel does not publish them.
 */
public final class PagingStructureCaches implements PagingStructureCache {
    private static final long INVALID = -1L;

    private final int[] sizes = new int[6];
    private final long[][] key = new long[6][];
    private final int[][] pcid = new int[6][];
    private final long[][] ctxTag = new long[6][];
    private final long[][] table = new long[6][];
    private final int[][] rights = new int[6][];
    private final long[][] stamp = new long[6][];
    private final long[] hits = new long[6];
    private long clock;
    private long tag;
    private long hitTable;
    private int hitRights;

    /** @param pde, pdpte, pml4e, pml5e: entries per cache (0 disables that cache). */
    public PagingStructureCaches(int pde, int pdpte, int pml4e, int pml5e) {
        sizes[2] = pde;
        sizes[3] = pdpte;
        sizes[4] = pml4e;
        sizes[5] = pml5e;
        for (int l = 2; l <= 5; l++) {
            key[l] = new long[sizes[l]];
            Arrays.fill(key[l], INVALID);
            pcid[l] = new int[sizes[l]];
            ctxTag[l] = new long[sizes[l]];
            table[l] = new long[sizes[l]];
            rights[l] = new int[sizes[l]];
            stamp[l] = new long[sizes[l]];
        }
    }

    /** The context tag (VPID/EPTP in the VMX issue) new entries get and lookups require. */
    public void setContextTag(long tag) {
        this.tag = tag;
    }

    private static long keyOf(PagingContext ctx, long la, int level) {
        return (la & ctx.linearMask) >>> ctx.format.indexShift(level);
    }

    @Override
    public int lookup(PagingContext ctx, long la) {
        int top = ctx.format.topLevel();
        for (int l = 2; l <= top; l++) {
            long[] k = key[l];
            if (k.length == 0) {
                continue;
            }
            long want = keyOf(ctx, la, l);
            for (int i = 0; i < k.length; i++) {
                if (k[i] == want && pcid[l][i] == ctx.pcid && ctxTag[l][i] == tag) {
                    stamp[l][i] = ++clock;
                    hitTable = table[l][i];
                    hitRights = rights[l][i];
                    hits[l]++;
                    return l;
                }
            }
        }
        return 0;
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
    public void fill(PagingContext ctx, long la, int level, long next, int r) {
        long[] k = key[level];
        if (k.length == 0) {
            return;
        }
        long want = keyOf(ctx, la, level);
        int victim = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == want && pcid[level][i] == ctx.pcid && ctxTag[level][i] == tag) {
                victim = i;
                break;
            }
            if (k[i] == INVALID) {
                if (k[victim] != INVALID) {
                    victim = i;
                }
            } else if (k[victim] != INVALID && stamp[level][i] < stamp[level][victim]) {
                victim = i;
            }
        }
        k[victim] = want;
        pcid[level][victim] = ctx.pcid;
        ctxTag[level][victim] = tag;
        table[level][victim] = next;
        rights[level][victim] = r;
        stamp[level][victim] = ++clock;
    }

    /** Page-fault invalidation (SDM 4.10.4.1): entries that would be used for {@code la}. */
    public void invalidateAddress(PagingContext ctx, long la) {
        for (int l = 2; l <= 5; l++) {
            if (ctx.format == null || l > ctx.format.topLevel()) {
                continue;
            }
            long want = keyOf(ctx, la, l);
            for (int i = 0; i < key[l].length; i++) {
                if (key[l][i] == want && pcid[l][i] == ctx.pcid && ctxTag[l][i] == tag) {
                    key[l][i] = INVALID;
                }
            }
        }
    }

    /** Entries of {@code p} (all PCIDs if negative) in the current context tag. */
    public void invalidatePcid(int p) {
        for (int l = 2; l <= 5; l++) {
            for (int i = 0; i < key[l].length; i++) {
                if (ctxTag[l][i] == tag && (p < 0 || pcid[l][i] == p)) {
                    key[l][i] = INVALID;
                }
            }
        }
    }

    /** Entries of context tag {@code t} and PCID {@code p} (all PCIDs if negative), whatever the current tag. */
    public void invalidateTag(long t, int p) {
        for (int l = 2; l <= 5; l++) {
            for (int i = 0; i < key[l].length; i++) {
                if (ctxTag[l][i] == t && (p < 0 || pcid[l][i] == p)) {
                    key[l][i] = INVALID;
                }
            }
        }
    }

    public void invalidateAll() {
        for (int l = 2; l <= 5; l++) {
            Arrays.fill(key[l], INVALID);
        }
    }

    /** Hits of the cache of {@code level} (2 = PDE … 5 = PML5E) since construction. */
    public long hits(int level) {
        return hits[level];
    }

    /** Hash of every entry, the LRU stamps, the clock and hit counts, for tests. */
    public long stateHash() {
        long h = clock;
        for (int l = 2; l <= 5; l++) {
            h = 31 * h + Arrays.hashCode(key[l]);
            h = 31 * h + Arrays.hashCode(pcid[l]);
            h = 31 * h + Arrays.hashCode(ctxTag[l]);
            h = 31 * h + Arrays.hashCode(table[l]);
            h = 31 * h + Arrays.hashCode(rights[l]);
            h = 31 * h + Arrays.hashCode(stamp[l]);
            h = 31 * h + hits[l];
        }
        return h;
    }

    public int validEntries() {
        int n = 0;
        for (int l = 2; l <= 5; l++) {
            for (long k : key[l]) {
                if (k != INVALID) {
                    n++;
                }
            }
        }
        return n;
    }
}
