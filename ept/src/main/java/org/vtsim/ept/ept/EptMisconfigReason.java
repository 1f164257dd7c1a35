package org.vtsim.ept.ept;

/** Which rule of SDM Vol. 3C 28.3.3.1 made an EPT paging-structure entry a misconfiguration. */
public enum EptMisconfigReason {
    /** Bit 0 (read) clear and bit 1 (write) set: write-only and write/execute are not supported. */
    WRITE_WITHOUT_READ,
    /**
     * Bit 0 clear and bit 2 set (or, under mode-based execute control, bit 10 set) on a processor that
     * does not support execute-only translations (IA32_VMX_EPT_VPID_CAP bit 0).
     */
    EXECUTE_ONLY_UNSUPPORTED,
    /** A reserved bit is set (bits 51:MAXPHYADDR, and the per-level reserved bits of Tables 28-1 to 28-6). */
    RESERVED_BIT,
    /** Bit 7 set in a PDPTE (PDE) on a processor without 1-GByte (2-MByte) EPT pages: reserved there. */
    LARGE_PAGE_UNSUPPORTED,
    /** The last entry used (a leaf) has memory type 2, 3 or 7 in bits 5:3. */
    INVALID_MEMORY_TYPE
}
