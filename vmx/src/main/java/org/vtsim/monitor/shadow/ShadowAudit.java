package org.vtsim.monitor.shadow;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.AccessRights;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.WalkResult;
import org.vtsim.monitor.MemorySlot;

/**
 * The shadow MMU's invariant, checked from outside (tests run it after every exit): every present shadow
 * leaf reachable from a root the processor may use agrees with the guest's own walk of the same linear
 * address composed with the slot map, and grants no more than the guest's tables do — writable only where
 * the guest's walk is writable (or, with CR0.WP = 0, for supervisor-only access), the guest's leaf is
 * already dirty and the frame holds no shadowed guest table; user-accessible only where the guest's walk
 * is; executable only where the guest's walk is. The guest walk here reads guest memory without setting
 * accessed or dirty flags.
 */
public final class ShadowAudit {
    private final ShadowMmu mmu;
    private final PageWalker walker;
    private final WalkResult walk = new WalkResult();
    private final List<String> problems = new ArrayList<>();
    private int limit;
    private long leaves;
    private long outOfSyncPages;

    private ShadowAudit(ShadowMmu mmu) {
        this.mmu = mmu;
        this.walker = new PageWalker(new ReadOnly(mmu.guestPhysical()));
    }

    /** The first {@code limit} violations of the invariant (empty when it holds). */
    public static List<String> check(ShadowMmu mmu, int limit) {
        ShadowAudit a = new ShadowAudit(mmu);
        a.limit = limit;
        a.run();
        return a.problems;
    }

    private void run() {
        PagingContext ctx = mmu.guestContext();
        if (ctx == null) {
            ShadowPage[] pds = mmu.directDirectories();
            for (int i = 0; i < 4; i++) {
                long pdpte = mmu.host().read64(mmu.lowRoot() + 8L * i);
                if (pds[i] == null || (pdpte & ShadowMmu.ADDRESS) != pds[i].hpa) {
                    problem("paging-off root entry " + i + " does not point to its direct page directory");
                    continue;
                }
                visit(pds[i], 2, (long) i << 30, null);
            }
            return;
        }
        ShadowPage root = mmu.root();
        if (root != null) {
            visit(root, 4, 0, ctx);
        }
    }

    private void visit(ShadowPage sp, int level, long base, PagingContext ctx) {
        PhysicalMemory host = mmu.host();
        if (level == 1 && !sp.direct() && mmu.outOfSync(sp.gfn)) {
            // An out-of-sync leaf table may lag the guest's until the next flush point, as a TLB may.
            outOfSyncPages++;
            return;
        }
        for (int i = 0; i < 512 && problems.size() < limit; i++) {
            long address = sp.hpa + 8L * i;
            long spte = host.read64(address);
            if ((spte & ShadowMmu.P) == 0) {
                continue;
            }
            long la = base | (long) i << (12 + 9 * (level - 1));
            if (level == 4 && (la & 1L << 47) != 0) {
                la |= 0xffff_0000_0000_0000L; // canonical
            }
            if (level > 1 && (spte & ShadowMmu.PS) == 0) {
                ShadowPage child = mmu.pageAt(spte);
                if (child == null) {
                    problem("entry at 0x" + Long.toHexString(address) + " points outside the shadow pool");
                    continue;
                }
                if (child.level() != level - 1) {
                    problem(child + " linked at level " + level);
                }
                visit(child, level - 1, la, ctx);
                continue;
            }
            if (level > 2) {
                problem("a leaf at level " + level + " (only 4 KiB and 2 MiB leaves are made)");
                continue;
            }
            leaf(la, spte, level == 2, ctx);
        }
    }

    private void leaf(long la, long spte, boolean large, PagingContext ctx) {
        leaves++;
        long gpa;
        int rights;
        boolean dirty;
        if (ctx == null) {
            gpa = la;
            rights = AccessRights.WRITABLE | AccessRights.USER;
            dirty = true;
        } else {
            if (!walker.walk(ctx, la, Access.READ, walk, null)) {
                problem("linear 0x" + Long.toHexString(la) + " is mapped but the guest's walk faults (error "
                        + walk.errorCode() + ")");
                return;
            }
            gpa = walk.physical();
            rights = walk.rights();
            dirty = walk.dirty();
            if (large && walk.pageShift() < 21) {
                problem("linear 0x" + Long.toHexString(la) + " has a 2 MiB shadow leaf over a guest 4 KiB page");
                return;
            }
        }
        MemorySlot s = mmu.guest().slotOf(gpa);
        long pageMask = large ? (1L << 21) - 1 : 0xfffL;
        if (s == null) {
            problem("linear 0x" + Long.toHexString(la) + " maps guest-physical 0x" + Long.toHexString(gpa)
                    + " outside every slot");
            return;
        }
        long expected = s.toHost(gpa & ~pageMask);
        long frame = spte & ShadowMmu.ADDRESS & ~pageMask;
        if (frame != expected) {
            problem("linear 0x" + Long.toHexString(la) + " maps host 0x" + Long.toHexString(frame)
                    + " but the guest walk and slots give 0x" + Long.toHexString(expected));
        }
        boolean w = (spte & ShadowMmu.RW) != 0;
        boolean u = (spte & ShadowMmu.US) != 0;
        boolean x = (spte & ShadowMmu.XD) == 0;
        boolean wp = (mmu.cr0() & CpuState.CR0_WP) != 0;
        boolean guestW = (rights & AccessRights.WRITABLE) != 0;
        boolean guestU = (rights & AccessRights.USER) != 0;
        boolean guestX = (rights & AccessRights.NO_EXECUTE) == 0 || (mmu.efer() & CpuState.EFER_NXE) == 0;
        if (w && !guestW && (wp || u)) {
            problem("linear 0x" + Long.toHexString(la) + " is writable but the guest's tables make it read-only");
        }
        if (w && !dirty) {
            problem("linear 0x" + Long.toHexString(la) + " is writable before the guest's dirty flag is set");
        }
        if (w) {
            for (long g = (gpa & ~pageMask) >>> 12; g <= (gpa | pageMask) >>> 12; g++) {
                if (mmu.writeProtected(g)) {
                    problem("linear 0x" + Long.toHexString(la) + " lets the guest write its shadowed table at gfn 0x"
                            + Long.toHexString(g));
                    break;
                }
            }
        }
        if (u && !guestU) {
            problem("linear 0x" + Long.toHexString(la) + " is user-accessible but supervisor-only for the guest");
        }
        if (x && !guestX) {
            problem("linear 0x" + Long.toHexString(la) + " is executable but not for the guest");
        }
    }

    private void problem(String p) {
        if (problems.size() < limit) {
            problems.add(p);
        }
    }

    /** Guest-physical memory that ignores writes: the audit must not set the guest's flags. */
    private static final class ReadOnly implements PhysicalMemory {
        private final PhysicalMemory m;

        ReadOnly(PhysicalMemory m) {
            this.m = m;
        }

        @Override
        public long size() {
            return m.size();
        }

        @Override
        public int read8(long pa) {
            return m.read8(pa);
        }

        @Override
        public int read16(long pa) {
            return m.read16(pa);
        }

        @Override
        public int read32(long pa) {
            return m.read32(pa);
        }

        @Override
        public long read64(long pa) {
            return m.read64(pa);
        }

        @Override
        public void write8(long pa, int value) {
        }

        @Override
        public void write16(long pa, int value) {
        }

        @Override
        public void write32(long pa, int value) {
        }

        @Override
        public void write64(long pa, long value) {
        }

        @Override
        public void read(long pa, byte[] dst, int off, int len) {
            m.read(pa, dst, off, len);
        }

        @Override
        public void write(long pa, byte[] src, int off, int len) {
        }

        @Override
        public long allocatedPages() {
            return m.allocatedPages();
        }

        @Override
        public void setWriteWatcher(WriteWatcher watcher) {
            throw new UnsupportedOperationException("read-only view");
        }

        @Override
        public void watchPage(long pa) {
            throw new UnsupportedOperationException("read-only view");
        }

        @Override
        public void unwatchPage(long pa) {
            throw new UnsupportedOperationException("read-only view");
        }
    }
}
