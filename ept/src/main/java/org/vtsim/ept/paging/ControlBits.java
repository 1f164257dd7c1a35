package org.vtsim.ept.paging;

/** Bits of CR0, CR3, CR4 and IA32_EFER that paging depends on (SDM Vol. 3A 2.5, 4.1.3, 4.5). */
public final class ControlBits {
    public static final long CR0_PE = 1L;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_NW = 1L << 29;
    public static final long CR0_CD = 1L << 30;
    public static final long CR0_PG = 1L << 31;

    public static final long CR4_PSE = 1L << 4;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_LA57 = 1L << 12;
    public static final long CR4_PCIDE = 1L << 17;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;
    public static final long CR4_PKE = 1L << 22;

    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    /** MOV to CR3 with CR4.PCIDE = 1: bit 63 set means "do not invalidate" (SDM Vol. 3A 4.10.4.1). */
    public static final long CR3_NO_FLUSH = 1L << 63;
    /** CR3 bits 11:0 hold the PCID when CR4.PCIDE = 1 (SDM Vol. 3A 4.10.1). */
    public static final long CR3_PCID_MASK = 0xfffL;

    private ControlBits() {
    }
}
