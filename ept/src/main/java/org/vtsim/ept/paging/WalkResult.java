package org.vtsim.ept.paging;

import java.util.List;

/**
 * The outcome of one page walk, reused from walk to walk so the walker allocates nothing: either a
 * translation (physical address, page size, combined rights, global, PAT index, dirty state) or a
 * page fault with its error code; and, in both cases, every memory reference made, in order.
 */
public final class WalkResult {
    /** Reads of up to 5 levels and as many A/D writes, with room to spare. */
    private static final int MAX_REFERENCES = 16;

    private final WalkReferences refs = new WalkReferences(MAX_REFERENCES);

    long linear;
    int access;
    boolean fault;
    int errorCode;
    long physical;
    long pageFrame;
    int pageShift;
    int rights;
    boolean global;
    boolean dirty;
    int memoryType;
    int leafLevel;
    int startLevel;
    int pscHitLevel;

    void reset(long la, int access) {
        this.linear = la;
        this.access = access;
        this.fault = false;
        this.errorCode = 0;
        this.physical = 0;
        this.pageFrame = 0;
        this.pageShift = 0;
        this.rights = 0;
        this.global = false;
        this.dirty = false;
        this.memoryType = 0;
        this.leafLevel = 0;
        this.startLevel = 0;
        this.pscHitLevel = 0;
        refs.clear();
    }

    void addReference(long address, int level, long value, boolean write) {
        refs.add(address, level, value, write);
    }

    public long linear() {
        return linear;
    }

    public int access() {
        return access;
    }

    public boolean fault() {
        return fault;
    }

    /** Page-fault error code (SDM 4.7); meaningful only if {@link #fault()}. */
    public int errorCode() {
        return errorCode;
    }

    /** Physical address of the linear address; meaningful only without a fault. */
    public long physical() {
        return physical;
    }

    /** Physical base of the page (aligned to {@link #pageShift()}). */
    public long pageFrame() {
        return pageFrame;
    }

    /** 12, 21, 22 or 30. */
    public int pageShift() {
        return pageShift;
    }

    public long pageSize() {
        return 1L << pageShift;
    }

    /** Combined {@link AccessRights} of the translation. */
    public int rights() {
        return rights;
    }

    public boolean global() {
        return global;
    }

    /** The leaf's dirty flag after the walk's own update. */
    public boolean dirty() {
        return dirty;
    }

    /** PAT index (PAT:PCD:PWT) of the leaf, SDM Vol. 3A 11.12.3. */
    public int memoryType() {
        return memoryType;
    }

    /** Level of the entry that mapped the page (1 = PTE …), 0 if the walk faulted before. */
    public int leafLevel() {
        return leafLevel;
    }

    /** Level of the paging-structure cache entry the walk started from, 0 if none. */
    public int pscHitLevel() {
        return pscHitLevel;
    }

    public int referenceCount() {
        return refs.count();
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

    /** Number of entry reads (not A/D writes). */
    public int readCount() {
        return refs.readCount();
    }

    /** The references as records (allocates: for tests and tools, not the hot path). */
    public List<WalkReference> references() {
        return refs.toList();
    }

    @Override
    public String toString() {
        String head = fault
                ? String.format("la=%x %s -> %s", linear, Access.describe(access), PageFaultErrorCode.describe(errorCode))
                : String.format("la=%x %s -> pa=%x (page %d KiB, rights=%d, G=%b, D=%b, PAT=%d)", linear,
                        Access.describe(access), physical, (1L << pageShift) >> 10, rights, global, dirty, memoryType);
        return head + " refs=" + references();
    }
}
