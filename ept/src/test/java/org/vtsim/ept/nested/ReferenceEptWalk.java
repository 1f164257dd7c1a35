package org.vtsim.ept.nested;

import java.util.List;

import org.vtsim.ept.PhysicalMemory;

/**
 * A deliberately plain EPT walk written from SDM Vol. 3C 28.3.2 (translation), 28.3.3.1
 * (misconfigurations), 28.3.3.2 (violations) and 28.3.5 (A/D flags), sharing no code with
 * {@code EptWalker}: bit positions spelled out, one rule per line. The oracle of the 2-D property test.
 *
 * <p>It follows the model's documented choices where the SDM leaves freedom: non-leaf accessed flags
 * set as the walk passes them, the leaf's A/D only when the access is allowed; entries beyond host
 * memory read as all ones.
 */
final class ReferenceEptWalk {
    enum Kind { OK, VIOLATION, MISCONFIG }

    /**
     * {@code perms}: readable 1, writable 2, executable 4, user-executable 8 — the AND over the entries
     * read; {@code qAccess}: exit-qualification bits 2:0 of a violation.
     */
    record Result(Kind kind, long hpa, int pageShift, int perms, int qAccess) {
    }

    private final PhysicalMemory host;
    private final long eptp;
    private final boolean mbec;
    private final boolean executeOnly;
    private final boolean pages2M;
    private final boolean pages1G;
    private final int maxPhy;
    private final List<NestedReference> sink;

    ReferenceEptWalk(PhysicalMemory host, long eptp, boolean mbec, boolean executeOnly, boolean pages2M,
            boolean pages1G, int maxPhy, List<NestedReference> sink) {
        this.host = host;
        this.eptp = eptp;
        this.mbec = mbec;
        this.executeOnly = executeOnly;
        this.pages2M = pages2M;
        this.pages1G = pages1G;
        this.maxPhy = maxPhy;
        this.sink = sink;
    }

    private static boolean bit(long v, int n) {
        return ((v >>> n) & 1) != 0;
    }

    private static long range(int hi, int lo) {
        long m = 0;
        for (int i = lo; i <= hi; i++) {
            m |= 1L << i;
        }
        return m;
    }

    boolean adEnabled() {
        return bit(eptp, 6);
    }

    /**
     * Translates {@code gpa}. {@code kind}: 0 data read, 1 data write, 2 instruction fetch, 3 an access
     * to a guest paging-structure entry. {@code userLinear}: the linear address is user-mode.
     * {@code record}: whether the references go to the sink (false: a side-effect-free look).
     */
    Result translate(long gpa, int kind, boolean userLinear, boolean record) {
        boolean ad = adEnabled();
        // SDM 28.3.3.2 / 28.3.5: paging-structure accesses are reads, or writes when EPT A/D is on.
        boolean isWrite = kind == 1 || (kind == 3 && ad);
        boolean isFetch = kind == 2;
        int levels = (int) ((eptp >>> 3) & 7) + 1;
        long table = eptp & range(51, 12);
        boolean r = true;
        boolean w = true;
        boolean x = true;
        boolean ux = true;
        for (int level = levels; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long address = table + ((gpa >>> shift) & 511) * 8;
            long e = address + 8 <= host.size() ? host.read64(address) : -1L;
            if (record) {
                sink.add(new NestedReference(true, address, gpa, level, e, false));
            }
            r &= bit(e, 0);
            w &= bit(e, 1);
            x &= bit(e, 2);
            ux &= mbec && bit(e, 10);
            int perms = (r ? 1 : 0) | (w ? 2 : 0) | (x ? 4 : 0) | (ux ? 8 : 0);
            boolean present = (e & 7) != 0 || (mbec && bit(e, 10));
            if (!present) {
                return violation(perms, kind, isWrite);
            }
            // 28.3.3.1: misconfigurations.
            if (!bit(e, 0) && bit(e, 1)) {
                return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
            }
            if (!executeOnly && !bit(e, 0) && (bit(e, 2) || (mbec && bit(e, 10)))) {
                return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
            }
            if ((e & range(51, maxPhy)) != 0) {
                return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
            }
            boolean mapsPage;
            if (level == 5 || level == 4) {
                if ((e & range(7, 3)) != 0) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
                mapsPage = false;
            } else if (level == 3) {
                mapsPage = bit(e, 7);
                if (mapsPage && (!pages1G || (e & range(29, 12)) != 0)) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
                if (!mapsPage && (e & range(6, 3)) != 0) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
            } else if (level == 2) {
                mapsPage = bit(e, 7);
                if (mapsPage && (!pages2M || (e & range(20, 12)) != 0)) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
                if (!mapsPage && (e & range(6, 3)) != 0) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
            } else {
                mapsPage = true;
            }
            if (mapsPage) {
                long type = (e >>> 3) & 7;
                if (type == 2 || type == 3 || type == 7) {
                    return new Result(Kind.MISCONFIG, 0, 0, perms, 0);
                }
            }
            if (!mapsPage) {
                if (ad && !bit(e, 8) && record) {
                    e |= 1L << 8;
                    write(address, e);
                    sink.add(new NestedReference(true, address, gpa, level, e, true));
                }
                table = e & range(maxPhy - 1, 12);
                continue;
            }
            // 28.3.3.2: the combined permissions decide.
            boolean allowed;
            if (isFetch) {
                allowed = mbec && userLinear ? ux : x;
            } else if (isWrite) {
                allowed = w;
            } else {
                allowed = r;
            }
            if (!allowed) {
                return violation(perms, kind, isWrite);
            }
            if (ad && record) {
                long n = e | (1L << 8) | (isWrite ? 1L << 9 : 0);
                if (n != e) {
                    write(address, n);
                    sink.add(new NestedReference(true, address, gpa, level, n, true));
                }
            }
            long frame = e & range(maxPhy - 1, shift);
            return new Result(Kind.OK, frame | (gpa & range(shift - 1, 0)), shift, perms, 0);
        }
        throw new IllegalStateException("unreachable");
    }

    private static Result violation(int perms, int kind, boolean isWrite) {
        int q = kind == 2 ? 4 : kind == 3 ? (isWrite ? 3 : 1) : isWrite ? 2 : 1;
        return new Result(Kind.VIOLATION, 0, 0, perms, q);
    }

    private void write(long address, long v) {
        if (address + 8 <= host.size()) {
            host.write64(address, v);
        }
    }
}
