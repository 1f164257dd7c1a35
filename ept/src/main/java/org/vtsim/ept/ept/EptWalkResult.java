package org.vtsim.ept.ept;

import java.util.List;

import org.vtsim.ept.paging.WalkReference;
import org.vtsim.ept.paging.WalkReferences;

/**
 * The outcome of one EPT walk (SDM Vol. 3C 28.3), reused from walk to walk: a host-physical
 * translation, an EPT violation or an EPT misconfiguration; and in every case the memory references
 * made, in order (entry reads and the A/D writes of SDM 28.3.5).
 */
public final class EptWalkResult {
    public enum Outcome { TRANSLATED, VIOLATION, MISCONFIG }

    /** Reads of up to 5 levels and as many A/D writes. */
    private static final int MAX_REFERENCES = 12;

    private final WalkReferences refs = new WalkReferences(MAX_REFERENCES);

    long gpa;
    int access;
    Outcome outcome;
    long hpa;
    long pageFrame;
    int pageShift;
    int leafLevel;
    int permissions;
    int memoryType;
    boolean ignorePat;
    boolean dirty;
    int faultLevel;
    long faultEntry;
    EptMisconfigReason misconfigReason;
    int qualificationAccess;
    int pscHitLevel;
    boolean cached;

    void reset(long gpa, int access) {
        this.gpa = gpa;
        this.access = access;
        outcome = null;
        hpa = 0;
        pageFrame = 0;
        pageShift = 0;
        leafLevel = 0;
        permissions = 0;
        memoryType = 0;
        ignorePat = false;
        dirty = false;
        faultLevel = 0;
        faultEntry = 0;
        misconfigReason = null;
        qualificationAccess = 0;
        pscHitLevel = 0;
        cached = false;
        refs.clear();
    }

    /**
     * Makes this the result of a translation served by a cached guest-physical mapping (SDM Vol. 3C
     * 28.4.1): no memory reference. For a caller's TLB of guest-physical mappings.
     */
    public void setCachedTranslation(long gpa, int access, long pageFrame, int pageShift, int permissions,
            int memoryType, boolean ignorePat, boolean dirty) {
        reset(gpa, access);
        cached = true;
        outcome = Outcome.TRANSLATED;
        this.pageFrame = pageFrame;
        this.pageShift = pageShift;
        this.hpa = pageFrame | (gpa & ((1L << pageShift) - 1));
        this.leafLevel = (pageShift - 12) / 9 + 1;
        this.permissions = permissions;
        this.memoryType = memoryType;
        this.ignorePat = ignorePat;
        this.dirty = dirty;
    }

    /** Whether the translation came from a cached guest-physical mapping ({@link #setCachedTranslation}). */
    public boolean cached() {
        return cached;
    }

    /** Level of the guest-physical paging-structure-cache entry the walk started below (2..5), or 0. */
    public int pscHitLevel() {
        return pscHitLevel;
    }

    void addReference(long address, int level, long value, boolean write) {
        refs.add(address, level, value, write);
    }

    public long gpa() {
        return gpa;
    }

    /** The {@link EptAccess} flags of the walk. */
    public int access() {
        return access;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean translated() {
        return outcome == Outcome.TRANSLATED;
    }

    /** Host-physical address of the guest-physical address; only when translated. */
    public long hpa() {
        return hpa;
    }

    public long pageFrame() {
        return pageFrame;
    }

    /** 12, 21 or 30. */
    public int pageShift() {
        return pageShift;
    }

    /** Level of the entry that mapped the page (1 = PTE, 2 = PDE, 3 = PDPTE); 0 if none. */
    public int leafLevel() {
        return leafLevel;
    }

    /**
     * {@link EptEntryBits#PERM_R}/W/X/UX: the AND of bits 0, 1, 2 (and 10 under mode-based execute
     * control, else 0) over the entries the walk read, including a not-present one — what the exit
     * qualification of an EPT violation reports in bits 6:3 (SDM 27.2.1, Table 27-7).
     */
    public int permissions() {
        return permissions;
    }

    /** EPT memory type of the leaf (bits 5:3). */
    public int memoryType() {
        return memoryType;
    }

    /** The leaf's ignore-PAT bit (bit 6). */
    public boolean ignorePat() {
        return ignorePat;
    }

    /** The leaf's dirty flag after the walk (always false without EPT A/D). */
    public boolean dirty() {
        return dirty;
    }

    /** For a violation or misconfiguration: the level of the offending entry (0 if none was read). */
    public int faultLevel() {
        return faultLevel;
    }

    /** For a violation or misconfiguration: the offending entry as read. */
    public long faultEntry() {
        return faultEntry;
    }

    public EptMisconfigReason misconfigReason() {
        return misconfigReason;
    }

    /**
     * For a violation: exit-qualification bits 2:0 (read 1, write 2, fetch 4); a guest paging-structure
     * access with EPT A/D enabled reports read and write (SDM 27.2.1, Table 27-7 note).
     */
    public int qualificationAccess() {
        return qualificationAccess;
    }

    public int referenceCount() {
        return refs.count();
    }

    /** Number of entry reads (not A/D writes). */
    public int readCount() {
        return refs.readCount();
    }

    public long referenceAddress(int i) {
        return refs.address(i);
    }

    public long referenceValue(int i) {
        return refs.value(i);
    }

    public int referenceLevel(int i) {
        return refs.level(i);
    }

    public boolean referenceIsWrite(int i) {
        return refs.isWrite(i);
    }

    /** The references as records (allocates: tests and tools). */
    public List<WalkReference> references() {
        return refs.toList();
    }

    @Override
    public String toString() {
        String head = switch (outcome == null ? Outcome.TRANSLATED : outcome) {
            case TRANSLATED -> String.format("gpa=%x %s -> hpa=%x (%d KiB, perms=%x, MT=%d%s)", gpa,
                    EptAccess.describe(access), hpa, (1L << pageShift) >> 10, permissions, memoryType,
                    ignorePat ? " IPAT" : "");
            case VIOLATION -> String.format("gpa=%x %s -> EPT violation (L%d entry %x, perms=%x, q-access=%x)", gpa,
                    EptAccess.describe(access), faultLevel, faultEntry, permissions, qualificationAccess);
            case MISCONFIG -> String.format("gpa=%x %s -> EPT misconfiguration %s (L%d entry %x)", gpa,
                    EptAccess.describe(access), misconfigReason, faultLevel, faultEntry);
        };
        return head + " refs=" + references();
    }
}
