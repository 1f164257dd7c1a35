package org.vtsim.ept.nested;

import java.util.ArrayList;
import java.util.List;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.paging.ReferenceWalkAccess;

/**
 * The 2-D walk as a composition of two plain oracles: the IA-32 {@code ReferenceWalk} (SDM Vol. 3A
 * ch. 4) run over a guest-physical "memory" whose every access goes through {@link ReferenceEptWalk},
 * and one more EPT translation of the final guest-physical address. An EPT fault during a guest entry
 * access aborts the guest walk at that access — so it is reported before the guest walk could fault on
 * that entry (SDM 28.3.3). Shares no code with {@code NestedWalker}.
 */
final class ReferenceNestedWalk {
    enum Kind { TRANSLATED, PAGE_FAULT, EPT_VIOLATION, EPT_MISCONFIG }

    /** {@code qualification}: the expected exit qualification (NMI unblocking 0) of a violation. */
    record Outcome(Kind kind, long hpa, long gpa, int errorCode, long faultGpa, long qualification,
            List<NestedReference> refs) {
    }

    private static final class EptExit extends RuntimeException {
        final ReferenceEptWalk.Result result;
        final long gpa;

        EptExit(ReferenceEptWalk.Result result, long gpa) {
            super(null, null, false, false);
            this.result = result;
            this.gpa = gpa;
        }
    }

    private final List<NestedReference> refs = new ArrayList<>();
    private final PhysicalMemory host;
    private final ReferenceEptWalk ept;
    private final boolean advancedInfo;
    private final ReferenceWalkAccess guest;
    // The EPT translation the last guest-entry read used; the A/D write that follows uses it too.
    private long lastGpa = -1;
    private ReferenceEptWalk.Result lastTranslation;

    ReferenceNestedWalk(PhysicalMemory host, long eptp, boolean mbec, boolean executeOnly, boolean pages2M,
            boolean pages1G, boolean advancedInfo, int maxPhy, long cr0, long cr3, long cr4, long efer,
            long[] pdptes, boolean gbPages) {
        this.host = host;
        this.ept = new ReferenceEptWalk(host, eptp, mbec, executeOnly, pages2M, pages1G, maxPhy, refs);
        this.advancedInfo = advancedInfo;
        this.guest = ReferenceWalkAccess.of(new GuestPhysicalView(), cr0, cr3, cr4, efer, pdptes, maxPhy, gbPages);
    }

    Outcome walk(long la, int access) {
        refs.clear();
        lastGpa = -1;
        ReferenceWalkAccess.Walk w;
        try {
            w = guest.walk(la, access);
        } catch (EptExit x) {
            return eptFault(x.result, x.gpa, la, false, 0);
        }
        if (w.fault()) {
            return new Outcome(Kind.PAGE_FAULT, 0, 0, (int) ~w.result(), 0, 0, List.copyOf(refs));
        }
        long gpa = w.result();
        boolean user = (w.rights() & 2) != 0;
        int kind = (access & 0x10) != 0 ? 2 : (access & 2) != 0 ? 1 : 0;
        ReferenceEptWalk.Result t = ept.translate(gpa, kind, user, true);
        if (t.kind() != ReferenceEptWalk.Kind.OK) {
            return eptFault(t, gpa, la, true, w.rights());
        }
        return new Outcome(Kind.TRANSLATED, t.hpa(), gpa, 0, 0, 0, List.copyOf(refs));
    }

    private Outcome eptFault(ReferenceEptWalk.Result t, long gpa, long la, boolean fin, int guestRights) {
        if (t.kind() == ReferenceEptWalk.Kind.MISCONFIG) {
            return new Outcome(Kind.EPT_MISCONFIG, 0, 0, 0, gpa, 0, List.copyOf(refs));
        }
        // SDM 27.2.1, Table 27-7.
        long q = t.qAccess() | (long) t.perms() << 3 | 1L << 7;
        if (fin) {
            q |= 1L << 8;
            if (advancedInfo) {
                q |= ((guestRights & 2) != 0 ? 1L << 9 : 0) | ((guestRights & 1) != 0 ? 1L << 10 : 0)
                        | ((guestRights & 4) != 0 ? 1L << 11 : 0);
            }
        }
        return new Outcome(Kind.EPT_VIOLATION, 0, 0, 0, gpa, q, List.copyOf(refs));
    }

    /** Guest-physical memory as the guest walk sees it: each access translated through EPT. */
    private final class GuestPhysicalView implements PhysicalMemory {
        private long translateRead(long gpa) {
            ReferenceEptWalk.Result t = ept.translate(gpa, 3, false, true);
            if (t.kind() != ReferenceEptWalk.Kind.OK) {
                throw new EptExit(t, gpa);
            }
            lastGpa = gpa;
            lastTranslation = t;
            return t.hpa();
        }

        private long translateWrite(long gpa) {
            if (gpa != lastGpa) {
                throw new IllegalStateException("A/D write without a read of the same entry");
            }
            ReferenceEptWalk.Result t = lastTranslation;
            // A write needs write permission; with EPT A/D the read was already checked as a write.
            if (!ept.adEnabled() && (t.perms() & 2) == 0) {
                throw new EptExit(new ReferenceEptWalk.Result(ReferenceEptWalk.Kind.VIOLATION, 0, 0, t.perms(), 3),
                        gpa);
            }
            return t.hpa();
        }

        @Override
        public long size() {
            return 1L << 52;
        }

        @Override
        public long read64(long gpa) {
            long hpa = translateRead(gpa);
            long v = hpa + 8 <= host.size() ? host.read64(hpa) : -1L;
            refs.add(new NestedReference(false, hpa, gpa, 0, v, false));
            return v;
        }

        @Override
        public int read32(long gpa) {
            long hpa = translateRead(gpa);
            long v = hpa + 4 <= host.size() ? host.read32(hpa) & 0xffffffffL : 0xffffffffL;
            refs.add(new NestedReference(false, hpa, gpa, 0, v, false));
            return (int) v;
        }

        @Override
        public void write64(long gpa, long value) {
            long hpa = translateWrite(gpa);
            if (hpa + 8 <= host.size()) {
                host.write64(hpa, value);
            }
            refs.add(new NestedReference(false, hpa, gpa, 0, value, true));
        }

        @Override
        public void write32(long gpa, int value) {
            long hpa = translateWrite(gpa);
            if (hpa + 4 <= host.size()) {
                host.write32(hpa, value);
            }
            refs.add(new NestedReference(false, hpa, gpa, 0, value & 0xffffffffL, true));
        }

        @Override
        public int read8(long pa) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read16(long pa) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write8(long pa, int value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write16(long pa, int value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void read(long pa, byte[] dst, int off, int len) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(long pa, byte[] src, int off, int len) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long allocatedPages() {
            return 0;
        }

        @Override
        public void setWriteWatcher(WriteWatcher watcher) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void watchPage(long pa) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void unwatchPage(long pa) {
            throw new UnsupportedOperationException();
        }
    }
}
