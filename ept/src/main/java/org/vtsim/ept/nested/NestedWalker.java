package org.vtsim.ept.nested;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptAccess;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptWalkResult;
import org.vtsim.ept.ept.EptWalker;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.AccessRights;
import org.vtsim.ept.paging.PageFaultErrorCode;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.PagingFormat;
import org.vtsim.ept.paging.PagingStructureCache;

/**
 * The two-dimensional walk of SDM Vol. 3C 28.3.1 ("Guest-physical addresses" and the translation of
 * linear addresses with EPT): guest-linear to guest-physical through the guest's paging structures
 * (any {@link PagingFormat}; CR3 and every entry's address are guest-physical), with each guest
 * paging-structure reference and the final guest-physical address translated to host-physical through
 * EPT ({@link EptWalker}). With n guest levels and m EPT levels a cold walk reads (n+1)(m+1)-1
 * entries.
 *
 * <p>Which event wins (SDM 28.3.3): the EPT translation of a guest entry's address comes before the
 * entry is read, so an EPT violation or misconfiguration on it is reported before the guest walk can
 * fault on that entry; a guest page fault found in an entry comes before anything below it, including
 * the final EPT translation.
 *
 * <p>Guest accessed/dirty-flag updates are writes to guest-physical memory (SDM 28.3.3.2): they use the
 * EPT translation made for reading the entry, and need its write permission when EPT A/D is off (with
 * EPT A/D on, the read was already translated as a write, SDM 28.3.5); without it they end in an EPT
 * violation reporting a read-modify-write (qualification bits 0 and 1; SDM 27.2.1 leaves bit 0 to the
 * implementation). The guest-side rules are those of the IA-32 walker: non-leaf A flags set as the walk
 * passes, the leaf's A/D only when the guest allows the access — and before the final guest-physical
 * address is translated, so a final EPT violation leaves the guest leaf accessed (the guest translation
 * was used).
 *
 * <p>PAE PDPTE registers hold guest-physical addresses of page directories; loading them (which
 * translates through EPT, with no guest-linear address) is the caller's business, as in the IA-32 MMU.
 *
 * <p>Not thread-safe; allocation-free.
 */
public final class NestedWalker {
    private final PhysicalMemory memory;
    private final long memorySize;
    private final EptWalker ept;
    private final EptWalkResult eptOut = new EptWalkResult();
    // Per-level state of the current guest walk, for the guest paging-structure-cache fills.
    private final long[] tableBelow = new long[6];
    private final int[] rightsAt = new int[6];
    // The caches of the current walk (null: uncached).
    private PagingStructureCache guestPsc;
    private GuestPhysicalTranslator gpaCache;

    public NestedWalker(PhysicalMemory hostMemory) {
        this.memory = hostMemory;
        this.memorySize = hostMemory.size();
        this.ept = new EptWalker(hostMemory);
    }

    public EptWalker eptWalker() {
        return ept;
    }

    /**
     * Translates guest-linear {@code la} for {@code access} ({@link Access} flags) under the guest's
     * paging state {@code guest} (paging may be off: then {@code la} is the guest-physical address) and
     * the EPT state {@code ept}. Returns true if translated; otherwise {@code out} holds the page fault,
     * EPT violation or EPT misconfiguration. Every reference is in {@code out}.
     */
    public boolean walk(PagingContext guest, EptContext eptCtx, long la, int access, NestedWalkResult out) {
        return walk(guest, eptCtx, la, access, out, null, null);
    }

    /**
     * As {@link #walk(PagingContext, EptContext, long, int, NestedWalkResult)} with the caches of SDM Vol.
     * 3C 28.4: the guest walk may start below an entry of {@code guestPsc} (combined paging-structure-cache
     * entries: linear-address prefix to the guest-physical address of a guest table, with the guest rights
     * down to it), and a successful 2-D walk records the guest non-leaf entries it used there; every
     * guest-physical address is translated by {@code gpa} (cached guest-physical mappings, EPT walks with
     * EPT paging-structure caches). Either may be null (uncached in that dimension).
     */
    public boolean walk(PagingContext guest, EptContext eptCtx, long la, int access, NestedWalkResult out,
            PagingStructureCache guestPsc, GuestPhysicalTranslator gpa) {
        this.guestPsc = guestPsc;
        this.gpaCache = gpa;
        out.reset(la, access);
        out.advancedInfo = eptCtx.caps.advancedExitInfo();
        PagingFormat f = guest.format;
        if (f == null) {
            // CR0.PG = 0: the linear address is the guest-physical address (SDM 28.3.1); no guest entry
            // maps it, so it is not a user-mode address for mode-based execute control.
            out.gpa = la;
            return translateFinal(eptCtx, la, access, false, out);
        }
        // The walk uses the bits paging translates; the result keeps the address as given, for the
        // guest-linear-address field of a VM exit.
        la &= guest.linearMask;
        int level;
        long table;
        int rights = AccessRights.WRITABLE | AccessRights.USER;
        int cachedLevel = guestPsc == null ? 0 : guestPsc.lookup(guest, la);
        if (cachedLevel != 0) {
            out.guestPscHitLevel = cachedLevel;
            level = cachedLevel - 1;
            table = guestPsc.hitTable();
            rights = guestPsc.hitRights();
        } else if (f.topFromRegisters()) {
            long pdpte = guest.pdpte((int) (la >>> 30) & 3);
            if (!f.present(pdpte)) {
                return pageFault(out, guest.faultBits(access));
            }
            level = 2;
            table = f.nextTable(pdpte, guest);
        } else {
            level = f.topLevel();
            table = f.rootTable(guest);
        }
        int start = level;
        int bytes = f.entryBytes();
        long aBit = f.accessedBit();
        for (;;) {
            long gpaEntry = table + (((la >>> f.indexShift(level)) & f.indexMask(level)) * bytes);
            if (!translateEntry(eptCtx, gpaEntry, out)) {
                return false;
            }
            long hpaEntry = eptOut.hpa();
            int entryPerms = eptOut.permissions();
            long entry = read(hpaEntry, bytes);
            out.addReference(false, hpaEntry, gpaEntry, level, entry, false);
            if (!f.present(entry)) {
                return pageFault(out, guest.faultBits(access));
            }
            boolean leaf = f.isLeaf(entry, level, guest);
            if (f.reservedBits(entry, level, leaf, guest) != 0) {
                return pageFault(out, guest.faultBits(access) | PageFaultErrorCode.P | PageFaultErrorCode.RSVD);
            }
            int r = f.rights(entry, guest);
            rights = (rights & r & (AccessRights.WRITABLE | AccessRights.USER))
                    | ((rights | r) & AccessRights.NO_EXECUTE);
            if (!leaf) {
                if ((entry & aBit) == 0) {
                    if (!adWriteAllowed(eptCtx, entryPerms, gpaEntry, out)) {
                        return false;
                    }
                    entry |= aBit;
                    write(hpaEntry, bytes, entry);
                    out.addReference(false, hpaEntry, gpaEntry, level, entry, true);
                }
                table = f.nextTable(entry, guest);
                tableBelow[level] = table;
                rightsAt[level] = rights;
                level--;
                continue;
            }
            if (!guest.permits(rights, access)) {
                return pageFault(out, guest.faultBits(access) | PageFaultErrorCode.P);
            }
            long updated = entry | aBit | ((access & Access.WRITE) != 0 ? f.dirtyBit() : 0);
            if (updated != entry) {
                if (!adWriteAllowed(eptCtx, entryPerms, gpaEntry, out)) {
                    return false;
                }
                write(hpaEntry, bytes, updated);
                out.addReference(false, hpaEntry, gpaEntry, level, updated, true);
            }
            int shift = f.indexShift(level);
            long frame = f.pageFrame(entry, level, guest);
            out.gpa = frame | (la & ((1L << shift) - 1));
            out.guestPageShift = shift;
            out.guestRights = rights;
            out.guestGlobal = f.global(entry, level, guest);
            out.guestDirty = (updated & f.dirtyBit()) != 0;
            out.guestPat = f.memoryType(entry, level);
            out.guestLeafLevel = level;
            if (!translateFinal(eptCtx, out.gpa, access, (rights & AccessRights.USER) != 0, out)) {
                return false;
            }
            if (guestPsc != null) {
                // SDM 28.4.2: combined paging-structure-cache entries come from present guest entries
                // without reserved bits; as in the native MMU, only a successful translation fills them.
                for (int l = start; l > level; l--) {
                    guestPsc.fill(guest, la, l, tableBelow[l], rightsAt[l]);
                }
            }
            return true;
        }
    }

    /** EPT translation of a guest paging-structure entry's address (SDM 28.3.3: before the entry is read). */
    private boolean translateEntry(EptContext eptCtx, long gpaEntry, NestedWalkResult out) {
        boolean ok = gpaCache != null ? gpaCache.translate(eptCtx, gpaEntry, EptAccess.PAGING_STRUCTURE, eptOut)
                : ept.walk(eptCtx, gpaEntry, EptAccess.PAGING_STRUCTURE, eptOut);
        if (eptOut.cached()) {
            out.gpaCacheHits++;
        }
        copyEptReferences(gpaEntry, out);
        if (!ok) {
            eptFault(out, gpaEntry, false);
        }
        return ok;
    }

    private boolean translateFinal(EptContext eptCtx, long gpa, int access, boolean userLinear, NestedWalkResult out) {
        int eptAccess = EptAccess.ofFinal(access, userLinear);
        boolean ok = gpaCache != null ? gpaCache.translate(eptCtx, gpa, eptAccess, eptOut)
                : ept.walk(eptCtx, gpa, eptAccess, eptOut);
        if (eptOut.cached()) {
            out.gpaCacheHits++;
        }
        copyEptReferences(gpa, out);
        if (!ok) {
            eptFault(out, gpa, true);
            return false;
        }
        out.outcome = NestedWalkResult.Outcome.TRANSLATED;
        out.hpa = eptOut.hpa();
        out.eptPageShift = eptOut.pageShift();
        out.eptPermissions = eptOut.permissions();
        out.eptMemoryType = eptOut.memoryType();
        out.eptIgnorePat = eptOut.ignorePat();
        return true;
    }

    /**
     * A guest A/D-flag update writes the entry through the translation its read used: allowed if EPT
     * A/D is on (the read was a write already) or that translation is writable.
     */
    private static boolean adWriteAllowed(EptContext eptCtx, int entryPerms, long gpaEntry, NestedWalkResult out) {
        if (eptCtx.accessedDirty || (entryPerms & EptEntryBits.PERM_W) != 0) {
            return true;
        }
        out.outcome = NestedWalkResult.Outcome.EPT_VIOLATION;
        out.faultGpa = gpaEntry;
        out.violationAccess = 3;
        out.violationPermissions = entryPerms;
        out.violationLinearValid = true;
        out.violationFinal = false;
        return false;
    }

    private void eptFault(NestedWalkResult out, long gpa, boolean fin) {
        out.faultGpa = gpa;
        out.faultEptLevel = eptOut.faultLevel();
        out.faultEptEntry = eptOut.faultEntry();
        if (eptOut.outcome() == EptWalkResult.Outcome.MISCONFIG) {
            out.outcome = NestedWalkResult.Outcome.EPT_MISCONFIG;
            out.misconfigReason = eptOut.misconfigReason();
        } else {
            out.outcome = NestedWalkResult.Outcome.EPT_VIOLATION;
            out.violationAccess = eptOut.qualificationAccess();
            out.violationPermissions = eptOut.permissions();
            out.violationLinearValid = true;
            out.violationFinal = fin;
        }
    }

    private void copyEptReferences(long gpa, NestedWalkResult out) {
        for (int i = 0, n = eptOut.referenceCount(); i < n; i++) {
            out.addReference(true, eptOut.referenceAddress(i), gpa, eptOut.referenceLevel(i), eptOut.referenceValue(i),
                    eptOut.referenceIsWrite(i));
        }
    }

    private static boolean pageFault(NestedWalkResult out, int errorCode) {
        out.outcome = NestedWalkResult.Outcome.PAGE_FAULT;
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
