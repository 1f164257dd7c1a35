package org.vtsim.ept.paging;

import java.util.ArrayList;
import java.util.List;

/** Public face of the package-private {@link ReferenceWalk} for tests in other packages. */
public final class ReferenceWalkAccess {
    private final ReferenceWalk ref;
    private List<String> lastWrites = List.of();
    private boolean lastGlobal;

    public ReferenceWalkAccess(ReferenceWalk ref) {
        this.ref = ref;
    }

    /** Physical address, or ~errorCode for a fault (the Mmu's encoding). */
    public long translate(long la, int access) {
        ReferenceWalk.Outcome o = ref.walk(la, access);
        List<String> w = new ArrayList<>();
        for (ReferenceWalk.Ref r : o.refs()) {
            if (r.write()) {
                w.add(Long.toHexString(r.address()) + "=" + Long.toHexString(r.value()));
            }
        }
        lastWrites = w;
        lastGlobal = !o.fault() && o.global();
        return o.fault() ? ~(long) o.errorCode() : o.physical();
    }

    public List<String> lastWrites() {
        return lastWrites;
    }

    public boolean lastGlobal() {
        return lastGlobal;
    }
}
