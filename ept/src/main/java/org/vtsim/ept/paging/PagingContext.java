package org.vtsim.ept.paging;

import java.util.Arrays;

/**
 * The processor state that linear-address translation depends on (SDM Vol. 3A 4.1): CR0, CR3,
 * CR4, IA32_EFER, the four PDPTE registers of PAE paging, and the processor's MAXPHYADDR and
 * 1-GByte-page support. Immutable: a control-register write makes a new context (control writes
 * are rare next to memory accesses), so a context can be shared with caches and tests freely.
 *
 * <p>Everything the walker and the TLBs need on the hot path is derived once here.
 */
public final class PagingContext {
    /** Physical-address width of a Skylake server part (CPUID.80000008H:EAX[7:0] = 46). */
    public static final int DEFAULT_MAXPHYADDR = 46;

    public final long cr0;
    public final long cr3;
    public final long cr4;
    public final long efer;
    public final PagingMode mode;
    public final int maxPhyAddr;
    /** CPUID.80000001H:EDX.Page1GB: whether PS = 1 in a PDPTE maps a 1-GByte page (SDM 4.5.4). */
    public final boolean gbPages;
    private final long[] pdptes;

    public final boolean wp;
    public final boolean nxe;
    public final boolean pse;
    public final boolean pge;
    public final boolean pcide;
    public final boolean smep;
    public final boolean smap;
    /** Current PCID: CR3[11:0] if CR4.PCIDE = 1, else 000H (SDM 4.10.1). */
    public final int pcid;
    /** Bits (MAXPHYADDR-1):12 — the physical-address field of 64-bit paging entries. */
    public final long addressMask;
    /** Bits 51:MAXPHYADDR — reserved in every present IA-32e entry (SDM 4.5.4). */
    public final long reservedHigh51;
    /** Bits 62:MAXPHYADDR — reserved in every present PAE PDE/PTE (SDM 4.4.2). */
    public final long reservedHigh62;
    /** Whether the I/D bit is reported in page-fault error codes (SDM 4.7). */
    public final boolean reportsFetch;
    /** Linear-address bits used: 32 outside IA-32e, else 48 or 57. */
    public final long linearMask;
    public final PagingFormat format;
    private final long[] permitTable;

    private PagingContext(long cr0, long cr3, long cr4, long efer, long[] pdptes, int maxPhyAddr, boolean gbPages) {
        if (maxPhyAddr < 36 || maxPhyAddr > 52) {
            throw new IllegalArgumentException("MAXPHYADDR must be in 36..52: " + maxPhyAddr);
        }
        if ((cr4 & ControlBits.CR4_PKE) != 0 && (cr0 & ControlBits.CR0_PG) != 0) {
            throw new UnsupportedOperationException("unsupported: CR4.PKE (protection keys, SDM 4.6.2)");
        }
        this.cr0 = cr0;
        this.cr3 = cr3;
        this.cr4 = cr4;
        this.efer = efer;
        this.maxPhyAddr = maxPhyAddr;
        this.gbPages = gbPages;
        this.mode = PagingMode.of(cr0, cr4, efer);
        this.pdptes = pdptes == null ? new long[4] : pdptes.clone();
        if (this.pdptes.length != 4) {
            throw new IllegalArgumentException("PAE paging has exactly 4 PDPTE registers");
        }
        this.wp = (cr0 & ControlBits.CR0_WP) != 0;
        this.nxe = (efer & ControlBits.EFER_NXE) != 0;
        this.pse = (cr4 & ControlBits.CR4_PSE) != 0;
        this.pge = (cr4 & ControlBits.CR4_PGE) != 0;
        this.pcide = (cr4 & ControlBits.CR4_PCIDE) != 0 && mode.isIa32e();
        this.smep = (cr4 & ControlBits.CR4_SMEP) != 0;
        this.smap = (cr4 & ControlBits.CR4_SMAP) != 0;
        this.pcid = pcide ? (int) (cr3 & ControlBits.CR3_PCID_MASK) : 0;
        long below = (1L << maxPhyAddr) - 1;
        this.addressMask = below & ~0xfffL;
        this.reservedHigh51 = ((1L << 52) - 1) & ~below;
        this.reservedHigh62 = ((1L << 63) - 1) & ~below;
        this.reportsFetch = smep || ((cr4 & ControlBits.CR4_PAE) != 0 && nxe);
        this.linearMask = switch (mode) {
            case IA32E_5 -> (1L << 57) - 1;
            case IA32E_4 -> (1L << 48) - 1;
            case NONE -> -1L;
            default -> 0xffff_ffffL;
        };
        this.format = switch (mode) {
            case LEGACY_32 -> Legacy32Format.INSTANCE;
            case PAE -> PaeFormat.INSTANCE;
            case IA32E_4 -> Ia32eFormat.FOUR_LEVEL;
            case IA32E_5 -> Ia32eFormat.FIVE_LEVEL;
            case NONE -> null;
        };
        this.permitTable = AccessRights.table(wp, smep, smap);
    }

    /**
     * A context. {@code pdptes} are the PDPTE registers (used only in PAE mode; may be null
     * otherwise), loaded by the caller with {@link PaeFormat#loadPdptes} when the SDM says they
     * are loaded (SDM 4.4.1).
     */
    public static PagingContext of(long cr0, long cr3, long cr4, long efer, long[] pdptes, int maxPhyAddr,
            boolean gbPages) {
        return new PagingContext(cr0, cr3, cr4, efer, pdptes, maxPhyAddr, gbPages);
    }

    /** A context with MAXPHYADDR 46 and 1-GByte pages supported. */
    public static PagingContext of(long cr0, long cr3, long cr4, long efer, long[] pdptes) {
        return of(cr0, cr3, cr4, efer, pdptes, DEFAULT_MAXPHYADDR, true);
    }

    /** Paging disabled. */
    public static PagingContext pagingOff() {
        return of(0, 0, 0, 0, null);
    }

    public PagingContext withCr0(long v) {
        return of(v, cr3, cr4, efer, pdptes, maxPhyAddr, gbPages);
    }

    public PagingContext withCr3(long v) {
        return of(cr0, v, cr4, efer, pdptes, maxPhyAddr, gbPages);
    }

    public PagingContext withCr4(long v) {
        return of(cr0, cr3, v, efer, pdptes, maxPhyAddr, gbPages);
    }

    public PagingContext withEfer(long v) {
        return of(cr0, cr3, cr4, v, pdptes, maxPhyAddr, gbPages);
    }

    public PagingContext withPdptes(long[] v) {
        return of(cr0, cr3, cr4, efer, v, maxPhyAddr, gbPages);
    }

    /** PDPTE register {@code i} (0..3). */
    public long pdpte(int i) {
        return pdptes[i];
    }

    public long[] pdptes() {
        return pdptes.clone();
    }

    /** Whether SDM 4.6 lets {@code access} use a translation with these {@link AccessRights}. */
    public boolean permits(int rights, int access) {
        return AccessRights.permits(permitTable, rights, access);
    }

    /** The error code of a page fault for {@code access}, before P and RSVD (SDM 4.7). */
    public int faultBits(int access) {
        int code = access & Access.WRITE;
        if (Access.isUserMode(access)) {
            code |= PageFaultErrorCode.U;
        }
        if ((access & Access.FETCH) != 0 && reportsFetch) {
            code |= PageFaultErrorCode.ID;
        }
        return code;
    }

    @Override
    public String toString() {
        return String.format("PagingContext[%s cr0=%x cr3=%x cr4=%x efer=%x pdptes=%s M=%d]",
                mode, cr0, cr3, cr4, efer, Arrays.toString(pdptes), maxPhyAddr);
    }
}
