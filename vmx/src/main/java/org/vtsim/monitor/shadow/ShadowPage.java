package org.vtsim.monitor.shadow;

import java.util.Arrays;

/**
 * One shadow paging structure: a 4 KiB table in the monitor's host memory that shadows the guest table
 * in frame {@link #gfn} (or, when direct, maps the guest-physical range starting at {@link #gfn}) with
 * the given {@link ShadowRole}. It records the shadow entries that point to it (its parents), how many
 * roots it serves as, and the emulated guest writes to its frame since the guest last walked through it
 * (KVM's write-flooding count).
 */
final class ShadowPage {
    final long gfn;
    final int role;
    /** Index of the host frame in the table pool. */
    final int frame;
    /** Host-physical address of the table. */
    final long hpa;
    /** Host-physical addresses of the shadow entries that point here. */
    private long[] parents = new long[2];
    private int parentCount;
    int rootCount;
    int writeFlood;

    ShadowPage(long gfn, int role, int frame, long hpa) {
        this.gfn = gfn;
        this.role = role;
        this.frame = frame;
        this.hpa = hpa;
    }

    int level() {
        return ShadowRole.level(role);
    }

    boolean direct() {
        return ShadowRole.direct(role);
    }

    void addParent(long spteAddress) {
        if (parentCount == parents.length) {
            parents = Arrays.copyOf(parents, parentCount * 2);
        }
        parents[parentCount++] = spteAddress;
    }

    void removeParent(long spteAddress) {
        for (int i = 0; i < parentCount; i++) {
            if (parents[i] == spteAddress) {
                parents[i] = parents[--parentCount];
                return;
            }
        }
    }

    int parentCount() {
        return parentCount;
    }

    long parent(int i) {
        return parents[i];
    }

    @Override
    public String toString() {
        return "shadow page gfn 0x" + Long.toHexString(gfn) + " " + ShadowRole.describe(role) + " at 0x"
                + Long.toHexString(hpa);
    }
}
