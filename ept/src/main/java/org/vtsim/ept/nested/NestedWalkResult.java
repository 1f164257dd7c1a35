package org.vtsim.ept.nested;

import java.util.ArrayList;
import java.util.List;

import org.vtsim.ept.ept.EptMisconfig;
import org.vtsim.ept.ept.EptMisconfigReason;
import org.vtsim.ept.ept.EptViolation;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageFaultErrorCode;

/**
 * The outcome of one 2-D walk, reused from walk to walk: the host-physical translation of a guest-
 * linear address, or the event that stopped it — a guest page fault (to be delivered to the guest, or
 * to cause a VM exit per the exception bitmap), an EPT violation or an EPT misconfiguration (VM exits
 * 48 and 49) — and every memory reference made in both dimensions, in order.
 */
public final class NestedWalkResult {
    public enum Outcome { TRANSLATED, PAGE_FAULT, EPT_VIOLATION, EPT_MISCONFIG }

    /** 5 guest levels x (5 EPT reads + 5 EPT A/D writes + read + A/D write), the final EPT walk, spare. */
    private static final int MAX_REFERENCES = 96;

    private final long[] refHpa = new long[MAX_REFERENCES];
    private final long[] refGpa = new long[MAX_REFERENCES];
    private final long[] refValue = new long[MAX_REFERENCES];
    private final byte[] refLevel = new byte[MAX_REFERENCES];
    private final boolean[] refWrite = new boolean[MAX_REFERENCES];
    private final boolean[] refEpt = new boolean[MAX_REFERENCES];
    private int refCount;

    long linear;
    int access;
    Outcome outcome;
    // guest dimension
    int errorCode;
    long gpa;
    int guestPageShift;
    int guestRights;
    boolean guestGlobal;
    boolean guestDirty;
    int guestPat;
    int guestLeafLevel;
    // EPT dimension of the final access
    long hpa;
    int eptPageShift;
    int eptPermissions;
    int eptMemoryType;
    boolean eptIgnorePat;
    // a fault
    long faultGpa;
    int faultEptLevel;
    long faultEptEntry;
    int violationAccess;
    int violationPermissions;
    boolean violationFinal;
    boolean violationLinearValid;
    boolean advancedInfo;
    EptMisconfigReason misconfigReason;
    // caches used (NestedWalker's cached walk)
    int guestPscHitLevel;
    int gpaCacheHits;

    void reset(long la, int access) {
        linear = la;
        this.access = access;
        outcome = null;
        errorCode = 0;
        gpa = 0;
        guestPageShift = 0;
        guestRights = 0;
        guestGlobal = false;
        guestDirty = false;
        guestPat = 0;
        guestLeafLevel = 0;
        hpa = 0;
        eptPageShift = 0;
        eptPermissions = 0;
        eptMemoryType = 0;
        eptIgnorePat = false;
        faultGpa = 0;
        faultEptLevel = 0;
        faultEptEntry = 0;
        violationAccess = 0;
        violationPermissions = 0;
        violationFinal = false;
        violationLinearValid = false;
        advancedInfo = false;
        misconfigReason = null;
        guestPscHitLevel = 0;
        gpaCacheHits = 0;
        refCount = 0;
    }

    void addReference(boolean ept, long hpa, long gpa, int level, long value, boolean write) {
        int i = refCount++;
        refEpt[i] = ept;
        refHpa[i] = hpa;
        refGpa[i] = gpa;
        refLevel[i] = (byte) level;
        refValue[i] = value;
        refWrite[i] = write;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean translated() {
        return outcome == Outcome.TRANSLATED;
    }

    public long linear() {
        return linear;
    }

    public int access() {
        return access;
    }

    /** Page-fault error code (SDM Vol. 3A 4.7) when the outcome is {@link Outcome#PAGE_FAULT}. */
    public int errorCode() {
        return errorCode;
    }

    /** Guest-physical address of the linear address (after a successful guest walk). */
    public long gpa() {
        return gpa;
    }

    /** Host-physical address of the linear address, when translated. */
    public long hpa() {
        return hpa;
    }

    /** Guest page size as a shift (12, 21, 22, 30); 0 with guest paging off. */
    public int guestPageShift() {
        return guestPageShift;
    }

    /** Guest {@code AccessRights}, combined over the guest entries. */
    public int guestRights() {
        return guestRights;
    }

    public boolean guestGlobal() {
        return guestGlobal;
    }

    public boolean guestDirty() {
        return guestDirty;
    }

    /** Guest PAT index (PAT:PCD:PWT) of the guest leaf. */
    public int guestPat() {
        return guestPat;
    }

    public int guestLeafLevel() {
        return guestLeafLevel;
    }

    /** EPT page size of the final translation as a shift (12, 21, 30). */
    public int eptPageShift() {
        return eptPageShift;
    }

    /**
     * The size of the combined mapping a TLB may cache: the smaller of the guest and EPT page sizes
     * (SDM Vol. 3C 28.4.2: combined mappings are for the smaller page).
     */
    public int combinedPageShift() {
        return guestPageShift == 0 ? eptPageShift : Math.min(guestPageShift, eptPageShift);
    }

    public int eptPermissions() {
        return eptPermissions;
    }

    public int eptMemoryType() {
        return eptMemoryType;
    }

    public boolean eptIgnorePat() {
        return eptIgnorePat;
    }

    /** The guest-physical address that faulted in EPT (an entry's, or the final one). */
    public long faultGpa() {
        return faultGpa;
    }

    /** The EPT violation, for the VM exit (allocates). Only when the outcome is {@link Outcome#EPT_VIOLATION}. */
    public EptViolation violation() {
        if (outcome != Outcome.EPT_VIOLATION) {
            throw new IllegalStateException("no EPT violation: " + outcome);
        }
        boolean adv = advancedInfo && violationLinearValid && violationFinal;
        return new EptViolation(violationAccess, violationPermissions, violationLinearValid, violationFinal, adv,
                adv && (guestRights & org.vtsim.ept.paging.AccessRights.USER) != 0,
                adv && (guestRights & org.vtsim.ept.paging.AccessRights.WRITABLE) != 0,
                adv && (guestRights & org.vtsim.ept.paging.AccessRights.NO_EXECUTE) != 0, faultGpa, linear);
    }

    /** The exit qualification of the violation without NMI unblocking (allocates, as {@link #violation()}). */
    public long exitQualification() {
        return violation().exitQualification(false);
    }

    /** The EPT misconfiguration, for the VM exit (allocates). */
    public EptMisconfig misconfig() {
        if (outcome != Outcome.EPT_MISCONFIG) {
            throw new IllegalStateException("no EPT misconfiguration: " + outcome);
        }
        return new EptMisconfig(faultGpa, faultEptLevel, faultEptEntry, misconfigReason);
    }

    /** Level of the combined paging-structure-cache entry the guest walk started below (2..5), or 0. */
    public int guestPscHitLevel() {
        return guestPscHitLevel;
    }

    /** Guest-physical translations of this walk served by cached guest-physical mappings (no EPT walk). */
    public int gpaCacheHits() {
        return gpaCacheHits;
    }

    /** References in the EPT dimension (reads and A/D writes). */
    public int eptReferenceCount() {
        int n = 0;
        for (int i = 0; i < refCount; i++) {
            if (refEpt[i]) {
                n++;
            }
        }
        return n;
    }

    /** References in the guest dimension (reads and A/D writes). */
    public int guestReferenceCount() {
        return refCount - eptReferenceCount();
    }

    public int referenceCount() {
        return refCount;
    }

    public boolean referenceIsEpt(int i) {
        return refEpt[i];
    }

    public long referenceHpa(int i) {
        return refHpa[i];
    }

    public long referenceGpa(int i) {
        return refGpa[i];
    }

    public int referenceLevel(int i) {
        return refLevel[i];
    }

    public long referenceValue(int i) {
        return refValue[i];
    }

    public boolean referenceIsWrite(int i) {
        return refWrite[i];
    }

    /** Entry reads (not A/D writes) in both dimensions: the figure (n+1)(m+1)-1 counts for a cold walk. */
    public int readCount() {
        int n = 0;
        for (int i = 0; i < refCount; i++) {
            if (!refWrite[i]) {
                n++;
            }
        }
        return n;
    }

    public List<NestedReference> references() {
        List<NestedReference> l = new ArrayList<>(refCount);
        for (int i = 0; i < refCount; i++) {
            l.add(new NestedReference(refEpt[i], refHpa[i], refGpa[i], refLevel[i], refValue[i], refWrite[i]));
        }
        return l;
    }

    @Override
    public String toString() {
        String head = switch (outcome == null ? Outcome.TRANSLATED : outcome) {
            case TRANSLATED -> String.format("la=%x %s -> gpa=%x -> hpa=%x", linear, Access.describe(access), gpa, hpa);
            case PAGE_FAULT -> String.format("la=%x %s -> %s", linear, Access.describe(access),
                    PageFaultErrorCode.describe(errorCode));
            case EPT_VIOLATION -> String.format("la=%x %s -> %s", linear, Access.describe(access), violation());
            case EPT_MISCONFIG -> String.format("la=%x %s -> %s", linear, Access.describe(access), misconfig());
        };
        return head + " refs=" + references();
    }
}
