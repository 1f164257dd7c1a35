package org.vtsim.ept.tlb;

import java.util.Arrays;

/**
 * The storage shared by the paging-structure caches of both dimensions (SDM Vol. 3A 4.10.3, Vol. 3C
 * 28.4.1): per level (2 = PDE … 5 = PML5E) a small fully associative LRU array of entries, each a key
 * (the address bits that select the entry), a PCID, a context tag, the address of the table the entry
 * references and an int of rights or permissions combined down to it. The callers decide what the key
 * and the tags mean.
 */
final class LevelCaches {
    private static final long INVALID = -1L;

    private final long[][] key = new long[6][];
    private final int[][] pcid = new int[6][];
    private final long[][] ctxTag = new long[6][];
    private final long[][] table = new long[6][];
    private final int[][] payload = new int[6][];
    private final long[][] stamp = new long[6][];
    private final long[] hits = new long[6];
    private long clock;
    private long hitTable;
    private int hitPayload;

    /** Entries per cache for levels 2, 3, 4 and 5 (0 disables one). */
    LevelCaches(int pde, int pdpte, int pml4e, int pml5e) {
        int[] sizes = {0, 0, pde, pdpte, pml4e, pml5e};
        for (int l = 2; l <= 5; l++) {
            key[l] = new long[sizes[l]];
            Arrays.fill(key[l], INVALID);
            pcid[l] = new int[sizes[l]];
            ctxTag[l] = new long[sizes[l]];
            table[l] = new long[sizes[l]];
            payload[l] = new int[sizes[l]];
            stamp[l] = new long[sizes[l]];
        }
    }

    boolean disabled(int level) {
        return key[level].length == 0;
    }

    /** A hit makes the entry most recently used, counts it and remembers its table and payload. */
    boolean lookup(int level, long want, int p, long tag) {
        long[] k = key[level];
        for (int i = 0; i < k.length; i++) {
            if (k[i] == want && pcid[level][i] == p && ctxTag[level][i] == tag) {
                stamp[level][i] = ++clock;
                hitTable = table[level][i];
                hitPayload = payload[level][i];
                hits[level]++;
                return true;
            }
        }
        return false;
    }

    long hitTable() {
        return hitTable;
    }

    int hitPayload() {
        return hitPayload;
    }

    /** Replaces the matching entry, else an invalid one, else the least recently used. */
    void fill(int level, long want, int p, long tag, long next, int value) {
        long[] k = key[level];
        if (k.length == 0) {
            return;
        }
        int victim = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == want && pcid[level][i] == p && ctxTag[level][i] == tag) {
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
        pcid[level][victim] = p;
        ctxTag[level][victim] = tag;
        table[level][victim] = next;
        payload[level][victim] = value;
        stamp[level][victim] = ++clock;
    }

    /** Drops the entries of {@code level} with this key, PCID and tag. */
    void invalidate(int level, long want, int p, long tag) {
        for (int i = 0; i < key[level].length; i++) {
            if (key[level][i] == want && pcid[level][i] == p && ctxTag[level][i] == tag) {
                key[level][i] = INVALID;
            }
        }
    }

    /** Drops every entry of tag {@code t} and PCID {@code p} (every PCID if negative). */
    void invalidateTag(long t, int p) {
        for (int l = 2; l <= 5; l++) {
            for (int i = 0; i < key[l].length; i++) {
                if (ctxTag[l][i] == t && (p < 0 || pcid[l][i] == p)) {
                    key[l][i] = INVALID;
                }
            }
        }
    }

    void invalidateAll() {
        for (int l = 2; l <= 5; l++) {
            Arrays.fill(key[l], INVALID);
        }
    }

    long hits(int level) {
        return hits[level];
    }

    int validEntries() {
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

    /** Hash of every entry, the LRU stamps, the clock and hit counts, for tests. */
    long stateHash() {
        long h = clock;
        for (int l = 2; l <= 5; l++) {
            h = 31 * h + Arrays.hashCode(key[l]);
            h = 31 * h + Arrays.hashCode(pcid[l]);
            h = 31 * h + Arrays.hashCode(ctxTag[l]);
            h = 31 * h + Arrays.hashCode(table[l]);
            h = 31 * h + Arrays.hashCode(payload[l]);
            h = 31 * h + Arrays.hashCode(stamp[l]);
            h = 31 * h + hits[l];
        }
        return h;
    }
}
