package org.vtsim.ept.paging;

import org.vtsim.ept.PhysicalMemory;

/**
 * The one page walker for every {@link PagingFormat} (SDM Vol. 3A 4.3–4.5), with the access-rights
 * checks of 4.6, the page-fault error codes of 4.7 and the accessed/dirty updates of 4.8.
 *
 * <p>Modelling choices where the SDM leaves freedom, kept in one place:
 * <ul>
 *   <li>A non-leaf entry is "used" once it is read with P = 1 and no reserved bit set: its accessed
 *       flag is set then, before the next level is read, even if the walk later faults.</li>
 *   <li>The leaf's accessed flag (and dirty flag, for a write) is set only when the access is
 *       allowed: a faulting access does not use its translation.</li>
 *   <li>A/D updates are locked read-modify-writes of the entry as read; the write is recorded as a
 *       reference after the read of the same entry.</li>
 *   <li>An entry read from a physical address beyond memory reads as all ones (PC platforms return
 *       all ones for unclaimed reads); A/D writes there are dropped.</li>
 *   <li>Paging-structure caches are filled only by successful walks: a page fault would invalidate
 *       the entries for the faulting address anyway (SDM 4.10.4.1).</li>
 * </ul>
 *
 * <p>Not thread-safe; allocation-free.
 */
public final class PageWalker {
    private final PhysicalMemory memory;
    private final long memorySize;
    // Per-level state of the current walk, for the cache fills after a successful walk.
    private final long[] tableBelow = new long[6];
    private final int[] rightsAt = new int[6];

    public PageWalker(PhysicalMemory memory) {
        this.memory = memory;
        this.memorySize = memory.size();
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Translates {@code la} for {@code access} (see {@link Access}) in {@code ctx}, which must have
     * paging enabled. Returns true on success; the details and every reference made are in
     * {@code out}. {@code psc} may be null (no paging-structure caches).
     */
    public boolean walk(PagingContext ctx, long la, int access, WalkResult out, PagingStructureCache psc) {
        PagingFormat f = ctx.format;
        if (f == null) {
            throw new IllegalStateException("page walk with paging disabled");
        }
        la &= ctx.linearMask;
        out.reset(la, access);
        int level;
        long table;
        int rights = AccessRights.WRITABLE | AccessRights.USER;
        int cached = psc == null ? 0 : psc.lookup(ctx, la);
        if (cached != 0) {
            out.pscHitLevel = cached;
            level = cached - 1;
            table = psc.hitTable();
            rights = psc.hitRights();
        } else if (f.topFromRegisters()) {
            // PAE: the PDPTE comes from a register, not memory, and its reserved bits were checked
            // when it was loaded (SDM 4.4.1); it carries no access rights.
            long pdpte = ctx.pdpte((int) (la >>> 30) & 3);
            if (!f.present(pdpte)) {
                return fault(out, ctx.faultBits(access));
            }
            level = 2;
            table = f.nextTable(pdpte, ctx);
        } else {
            level = f.topLevel();
            table = f.rootTable(ctx);
        }
        out.startLevel = level;
        int bytes = f.entryBytes();
        long aBit = f.accessedBit();
        for (;;) {
            long address = table + (((la >>> f.indexShift(level)) & f.indexMask(level)) * bytes);
            long entry = read(address, bytes);
            out.addReference(address, level, entry, false);
            if (!f.present(entry)) {
                return fault(out, ctx.faultBits(access));
            }
            boolean leaf = f.isLeaf(entry, level, ctx);
            if (f.reservedBits(entry, level, leaf, ctx) != 0) {
                return fault(out, ctx.faultBits(access) | PageFaultErrorCode.P | PageFaultErrorCode.RSVD);
            }
            int r = f.rights(entry, ctx);
            rights = (rights & r & (AccessRights.WRITABLE | AccessRights.USER))
                    | ((rights | r) & AccessRights.NO_EXECUTE);
            if (!leaf) {
                if ((entry & aBit) == 0) {
                    entry |= aBit;
                    write(address, bytes, entry);
                    out.addReference(address, level, entry, true);
                }
                table = f.nextTable(entry, ctx);
                tableBelow[level] = table;
                rightsAt[level] = rights;
                level--;
                continue;
            }
            if (!ctx.permits(rights, access)) {
                return fault(out, ctx.faultBits(access) | PageFaultErrorCode.P);
            }
            long updated = entry | aBit | ((access & Access.WRITE) != 0 ? f.dirtyBit() : 0);
            if (updated != entry) {
                write(address, bytes, updated);
                out.addReference(address, level, updated, true);
            }
            int shift = f.indexShift(level);
            out.pageShift = shift;
            out.pageFrame = f.pageFrame(entry, level, ctx);
            out.physical = out.pageFrame | (la & ((1L << shift) - 1));
            out.rights = rights;
            out.global = f.global(entry, level, ctx);
            out.dirty = (updated & f.dirtyBit()) != 0;
            out.memoryType = f.memoryType(entry, level);
            out.leafLevel = level;
            if (psc != null) {
                for (int l = out.startLevel; l > level; l--) {
                    psc.fill(ctx, la, l, tableBelow[l], rightsAt[l]);
                }
            }
            return true;
        }
    }

    private static boolean fault(WalkResult out, int errorCode) {
        out.fault = true;
        out.errorCode = errorCode;
        return false;
    }

    private long read(long address, int bytes) {
        if (address + bytes > memorySize) {
            return bytes == 8 ? -1L : 0xffff_ffffL;
        }
        return bytes == 8 ? memory.read64(address) : memory.read32(address) & 0xffff_ffffL;
    }

    private void write(long address, int bytes, long value) {
        if (address + bytes > memorySize) {
            return;
        }
        if (bytes == 8) {
            memory.write64(address, value);
        } else {
            memory.write32(address, (int) value);
        }
    }
}
