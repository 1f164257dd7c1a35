package org.vtsim.ept.paging;

import java.util.ArrayList;
import java.util.List;

import org.vtsim.ept.PhysicalMemory;

/** Public face of the package-private {@link ReferenceWalk} for tests in other packages. */
public final class ReferenceWalkAccess {
    private final ReferenceWalk ref;
    private List<String> lastWrites = List.of();
    private boolean lastGlobal;

    public ReferenceWalkAccess(ReferenceWalk ref) {
        this.ref = ref;
    }

    /** A reference walker for the given control state (PDPTE registers used only by PAE paging). */
    public static ReferenceWalkAccess of(PhysicalMemory m, long cr0, long cr3, long cr4, long efer, long[] pdptes,
            int maxPhy, boolean gbPages) {
        return new ReferenceWalkAccess(new ReferenceWalk(m, cr0, cr3, cr4, efer, pdptes, maxPhy, gbPages));
    }

    /**
     * One reference walk, in full. {@code result}: physical address or ~errorCode (the Mmu's
     * encoding). For a translation: {@code pageShift}, {@code frame} (page base), {@code rights}
     * ({@link AccessRights} bits), {@code dirty} (leaf D after the walk), {@code global}.
     * {@code writes}: the A/D writes as "address=value". {@code upper}: {level, table, rights} per
     * non-leaf entry passed — candidate paging-structure-cache contents. {@code reads}: addresses of
     * the entries read, in order.
     */
    public record Walk(long result, int pageShift, long frame, int rights, boolean dirty, boolean global,
            List<String> writes, List<long[]> upper, List<Long> reads) {
        public boolean fault() {
            return result < 0;
        }
    }

    /** Physical address, or ~errorCode for a fault (the Mmu's encoding). */
    public long translate(long la, int access) {
        Walk w = walk(la, access);
        lastWrites = w.writes();
        lastGlobal = !w.fault() && w.global();
        return w.result();
    }

    public Walk walk(long la, int access) {
        return convert(ref.walk(la, access));
    }

    /** A walk starting at {@code level} in {@code table} with {@code rights} from above (a PSC hit). */
    public Walk walkFrom(long la, int access, int level, long table, int rights) {
        return convert(ref.walkFrom(la, access, level, table, rights));
    }

    /** SDM 4.6.1 rights check of the reference, for cached {@code rights}. */
    public boolean permits(int rights, int access) {
        return ref.permits(rights, access);
    }

    private static Walk convert(ReferenceWalk.Outcome o) {
        List<String> w = new ArrayList<>();
        List<Long> reads = new ArrayList<>();
        for (ReferenceWalk.Ref r : o.refs()) {
            if (r.write()) {
                w.add(Long.toHexString(r.address()) + "=" + Long.toHexString(r.value()));
            } else {
                reads.add(r.address());
            }
        }
        long result = o.fault() ? ~(long) o.errorCode() : o.physical();
        long frame = o.fault() ? 0 : o.physical() & ~((1L << o.pageShift()) - 1);
        return new Walk(result, o.pageShift(), frame, o.rights(), o.dirty(), !o.fault() && o.global(), List.copyOf(w),
                o.upper(), List.copyOf(reads));
    }

    public List<String> lastWrites() {
        return lastWrites;
    }

    public boolean lastGlobal() {
        return lastGlobal;
    }
}
