package org.vtsim.ept.tlb;

import java.util.Arrays;

import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptPagingStructureCache;

/**
 * The guest-physical paging-structure caches of SDM Vol. 3C 28.4.1: per EPT level (2 = EPT PDE … 5 =
 * EPT PML5E) a small fully associative LRU array mapping the guest-physical-address bits that select an
 * entry to the host-physical address of the EPT table it references and the permissions ANDed down to
 * it. Tagged by a context tag standing for the EP4TA (EPTP bits 51:12) only: guest-physical mappings are
 * not associated with VPIDs or PCIDs (28.4.1). Sizes are not published by Intel; configurable.
 */
public final class EptPagingStructureCaches implements EptPagingStructureCache {
    private static final long INVALID = -1L;

    private final long[][] key = new long[6][];
    private final long[][] ctxTag = new long[6][];
    private final long[][] table = new long[6][];
    private final int[][] perms = new int[6][];
    private final long[][] stamp = new long[6][];
    private final long[] hits = new long[6];
    private long clock;
    private long tag;
    private long hitTable;
    private int hitPerms;

    /** Entries per cache for the EPT PDE, PDPTE, PML4E and PML5E levels (0 disables one). */
    public EptPagingStructureCaches(int pde, int pdpte, int pml4e, int pml5e) {
        int[] sizes = {0, 0, pde, pdpte, pml4e, pml5e};
        for (int l = 2; l <= 5; l++) {
            key[l] = new long[sizes[l]];
            Arrays.fill(key[l], INVALID);
            ctxTag[l] = new long[sizes[l]];
            table[l] = new long[sizes[l]];
            perms[l] = new int[sizes[l]];
            stamp[l] = new long[sizes[l]];
        }
    }

    /** The tag (standing for the current EP4TA) new entries get and lookups require. */
    public void setContextTag(long tag) {
        this.tag = tag;
    }

    private static long keyOf(EptContext ctx, long gpa, int level) {
        // 4-level EPT uses guest-physical bits 47:0 only (SDM 28.3.2).
        long used = ctx.levels == 5 ? gpa & ((1L << 57) - 1) : gpa & ((1L << 48) - 1);
        return used >>> (12 + 9 * (level - 1));
    }

    @Override
    public int lookup(EptContext ctx, long gpa) {
        for (int l = 2; l <= ctx.levels; l++) {
            long[] k = key[l];
            if (k.length == 0) {
                continue;
            }
            long want = keyOf(ctx, gpa, l);
            for (int i = 0; i < k.length; i++) {
                if (k[i] == want && ctxTag[l][i] == tag) {
                    stamp[l][i] = ++clock;
                    hitTable = table[l][i];
                    hitPerms = perms[l][i];
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
    public int hitPermissions() {
        return hitPerms;
    }

    @Override
    public void fill(EptContext ctx, long gpa, int level, long next, int p) {
        long[] k = key[level];
        if (k.length == 0) {
            return;
        }
        long want = keyOf(ctx, gpa, level);
        int victim = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == want && ctxTag[level][i] == tag) {
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
        ctxTag[level][victim] = tag;
        table[level][victim] = next;
        perms[level][victim] = p;
        stamp[level][victim] = ++clock;
    }

    /** EPT violation or misconfiguration (SDM 28.4.3.1): the current tag's entries that would translate {@code gpa}. */
    public void invalidateAddress(EptContext ctx, long gpa) {
        for (int l = 2; l <= 5; l++) {
            long want = keyOf(ctx, gpa, l);
            for (int i = 0; i < key[l].length; i++) {
                if (key[l][i] == want && ctxTag[l][i] == tag) {
                    key[l][i] = INVALID;
                }
            }
        }
    }

    /** Every entry of context tag {@code t} (INVEPT single-context). */
    public void invalidateTag(long t) {
        for (int l = 2; l <= 5; l++) {
            for (int i = 0; i < key[l].length; i++) {
                if (ctxTag[l][i] == t) {
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

    public long hits(int level) {
        return hits[level];
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
