package org.vtsim.ept.paging;

/** The paging modes of SDM Vol. 3A 4.1.1 (Table 4-1), plus paging disabled. */
public enum PagingMode {
    /** CR0.PG = 0: linear addresses are physical addresses. */
    NONE,
    /** 32-bit paging: CR0.PG = 1, CR4.PAE = 0 (SDM 4.3). */
    LEGACY_32,
    /** PAE paging: CR0.PG = 1, CR4.PAE = 1, IA32_EFER.LME = 0 (SDM 4.4). */
    PAE,
    /** 4-level paging: CR0.PG = 1, CR4.PAE = 1, IA32_EFER.LME = 1, CR4.LA57 = 0 (SDM 4.5). */
    IA32E_4,
    /** 5-level paging: as 4-level with CR4.LA57 = 1 (SDM 4.5). */
    IA32E_5;

    /** The mode selected by the control registers, as in SDM Vol. 3A Table 4-1. */
    public static PagingMode of(long cr0, long cr4, long efer) {
        if ((cr0 & ControlBits.CR0_PG) == 0) {
            return NONE;
        }
        if ((cr4 & ControlBits.CR4_PAE) == 0) {
            return LEGACY_32;
        }
        if ((efer & ControlBits.EFER_LME) == 0) {
            return PAE;
        }
        return (cr4 & ControlBits.CR4_LA57) != 0 ? IA32E_5 : IA32E_4;
    }

    public boolean isIa32e() {
        return this == IA32E_4 || this == IA32E_5;
    }
}
