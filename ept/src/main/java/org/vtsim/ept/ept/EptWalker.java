package org.vtsim.ept.ept;

import static org.vtsim.ept.ept.EptEntryBits.*;

import org.vtsim.ept.PhysicalMemory;

/**
 * Guest-physical to host-physical translation through the EPT paging structures (SDM Vol. 3C
 * 28.3.2), with the misconfiguration rules of 28.3.3.1, the violation rules of 28.3.3.2 and the
 * accessed/dirty flags of 28.3.5. ADR 0003 explains why this is a walker of its own rather than a
 * {@code PagingFormat} of the IA-32 walker.
 *
 * <p>Order of checks at each level, as the SDM's precedence needs it: the entry is read; if it is
 * not present the walk ends in a violation; if it is misconfigured, in a misconfiguration (which
 * therefore wins over any permission a higher entry lacked: "an EPT violation may occur ... whose
 * translation does not cause an EPT misconfiguration"); a non-leaf entry is then used and the walk
 * goes down. At the leaf, the AND of the permissions over all levels decides the access.
 *
 * <p>Modelling choices where the SDM leaves freedom (the same as the IA-32 walker's):
 * <ul>
 *   <li>With EPT A/D enabled, a non-leaf entry's accessed flag is set when the walk passes it (present,
 *       not misconfigured), even if the walk later faults; the leaf's accessed flag (and dirty flag,
 *       for a write) only when the access is allowed.</li>
 *   <li>A/D updates are recorded as a write reference right after the read of the same entry.</li>
 *   <li>An entry beyond host memory reads as all ones (a misconfiguration: reserved bits), A/D writes
 *       there are dropped.</li>
 *   <li>4-level EPT uses guest-physical bits 47:0 only (SDM 28.3.2: "uses only bits 47:0"); higher
 *       bits are ignored, not checked.</li>
 * </ul>
 *
 * <p>Not thread-safe; allocation-free.
 */
public final class EptWalker {
    private final PhysicalMemory memory;
    private final long memorySize;
    // Per-level state of the current walk, for the paging-structure-cache fills after a successful walk.
    private final long[] tableBelow = new long[6];
    private final int[] permsAt = new int[6];

    public EptWalker(PhysicalMemory memory) {
        this.memory = memory;
        this.memorySize = memory.size();
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * Translates {@code gpa} for {@code access} ({@link EptAccess} flags). Returns true if translated;
     * the host-physical address, or the violation or misconfiguration, and every reference are in
     * {@code out}.
     */
    public boolean walk(EptContext ctx, long gpa, int access, EptWalkResult out) {
        return walk(ctx, gpa, access, out, null);
    }

    /**
     * As {@link #walk(EptContext, long, int, EptWalkResult)}, starting below the deepest entry {@code psc}
     * holds for {@code gpa} (SDM Vol. 3C 28.4.2: a walk may use guest-physical paging-structure-cache
     * entries) and recording the non-leaf entries of a successful walk there. {@code psc} may be null.
     */
    public boolean walk(EptContext ctx, long gpa, int access, EptWalkResult out, EptPagingStructureCache psc) {
        out.reset(gpa, access);
        boolean write = (access & EptAccess.WRITE) != 0
                || ((access & EptAccess.PAGING_STRUCTURE) != 0 && ctx.accessedDirty);
        int level = ctx.levels;
        long table = ctx.root;
        int perms = PERM_ALL;
        int cached = psc == null ? 0 : psc.lookup(ctx, gpa);
        if (cached != 0) {
            out.pscHitLevel = cached;
            level = cached - 1;
            table = psc.hitTable();
            perms = psc.hitPermissions();
        }
        int start = level;
        for (;;) {
            long address = table + (((gpa >>> shift(level)) & 0x1ff) << 3);
            long entry = read(address);
            out.addReference(address, level, entry, false);
            perms &= permissionsOf(entry, ctx);
            if (!present(entry, ctx)) {
                return violation(out, ctx, level, entry, perms, write);
            }
            boolean leaf = level == 1 || ((level == 2 || level == 3) && (entry & PS) != 0);
            EptMisconfigReason why = misconfiguration(entry, level, leaf, ctx);
            if (why != null) {
                out.outcome = EptWalkResult.Outcome.MISCONFIG;
                out.misconfigReason = why;
                out.faultLevel = level;
                out.faultEntry = entry;
                out.permissions = perms;
                return false;
            }
            if (!leaf) {
                if (ctx.accessedDirty && (entry & A) == 0) {
                    entry |= A;
                    write(address, entry);
                    out.addReference(address, level, entry, true);
                }
                table = entry & ctx.addressMask;
                tableBelow[level] = table;
                permsAt[level] = perms;
                level--;
                continue;
            }
            if (!allowed(perms, access, write, ctx)) {
                return violation(out, ctx, level, entry, perms, write);
            }
            if (ctx.accessedDirty) {
                long updated = entry | A | (write ? D : 0);
                if (updated != entry) {
                    write(address, updated);
                    out.addReference(address, level, updated, true);
                    entry = updated;
                }
            }
            int s = shift(level);
            out.outcome = EptWalkResult.Outcome.TRANSLATED;
            out.pageShift = s;
            out.pageFrame = entry & ctx.addressMask & ~((1L << s) - 1);
            out.hpa = out.pageFrame | (gpa & ((1L << s) - 1));
            out.leafLevel = level;
            out.permissions = perms;
            out.memoryType = (int) (entry >>> MEMORY_TYPE_SHIFT) & 7;
            out.ignorePat = (entry & IPAT) != 0;
            out.dirty = ctx.accessedDirty && (entry & D) != 0;
            if (psc != null) {
                for (int l = start; l > level; l--) {
                    psc.fill(ctx, gpa, l, tableBelow[l], permsAt[l]);
                }
            }
            return true;
        }
    }

    private static int shift(int level) {
        return 12 + 9 * (level - 1);
    }

    /** SDM 28.3.2: not present iff bits 2:0 are 0 (and bit 10 too, under mode-based execute control). */
    static boolean present(long entry, EptContext ctx) {
        return (entry & 7) != 0 || (ctx.modeBasedExecute && (entry & UX) != 0);
    }

    static int permissionsOf(long entry, EptContext ctx) {
        return (int) (entry & 7) | (ctx.modeBasedExecute && (entry & UX) != 0 ? PERM_UX : 0);
    }

    /** SDM 28.3.3.1, for a present entry; null if it is not misconfigured. */
    static EptMisconfigReason misconfiguration(long entry, int level, boolean leaf, EptContext ctx) {
        boolean read = (entry & R) != 0;
        if (!read && (entry & W) != 0) {
            return EptMisconfigReason.WRITE_WITHOUT_READ;
        }
        if (!read && !ctx.caps.executeOnly()
                && ((entry & X) != 0 || (ctx.modeBasedExecute && (entry & UX) != 0))) {
            return EptMisconfigReason.EXECUTE_ONLY_UNSUPPORTED;
        }
        long reserved = ctx.reservedHigh;
        if (level >= 4) {
            reserved |= bits(7, 3);
        } else if (level == 3 || level == 2) {
            if (!leaf) {
                reserved |= bits(6, 3);
            } else if (!(level == 3 ? ctx.caps.pages1G() : ctx.caps.pages2M())) {
                return (entry & reserved) != 0 ? EptMisconfigReason.RESERVED_BIT
                        : EptMisconfigReason.LARGE_PAGE_UNSUPPORTED;
            } else {
                reserved |= level == 3 ? bits(29, 12) : bits(20, 12);
            }
        }
        if ((entry & reserved) != 0) {
            return EptMisconfigReason.RESERVED_BIT;
        }
        if (leaf && !EptMemoryType.validInLeaf((int) (entry >>> MEMORY_TYPE_SHIFT) & 7)) {
            return EptMisconfigReason.INVALID_MEMORY_TYPE;
        }
        return null;
    }

    /** SDM 28.3.3.2: whether the combined permissions allow the access. */
    static boolean allowed(int perms, int access, boolean write, EptContext ctx) {
        if ((access & EptAccess.FETCH) != 0) {
            int need = ctx.modeBasedExecute && (access & EptAccess.USER_LINEAR) != 0 ? PERM_UX : PERM_X;
            return (perms & need) != 0;
        }
        return (perms & (write ? PERM_W : PERM_R)) != 0;
    }

    private static boolean violation(EptWalkResult out, EptContext ctx, int level, long entry, int perms,
            boolean write) {
        out.outcome = EptWalkResult.Outcome.VIOLATION;
        out.faultLevel = level;
        out.faultEntry = entry;
        out.permissions = perms;
        int a = out.access;
        if ((a & EptAccess.FETCH) != 0) {
            out.qualificationAccess = 4;
        } else if ((a & EptAccess.PAGING_STRUCTURE) != 0 && write) {
            // SDM 27.2.1 Table 27-7, bit 1 note: a guest paging-structure access that is treated as
            // a write because EPT A/D is on sets both bit 0 and bit 1.
            out.qualificationAccess = 3;
        } else {
            out.qualificationAccess = write ? 2 : 1;
        }
        return false;
    }

    private long read(long address) {
        return address + 8 > memorySize ? -1L : memory.read64(address);
    }

    private void write(long address, long value) {
        if (address + 8 <= memorySize) {
            memory.write64(address, value);
        }
    }
}
