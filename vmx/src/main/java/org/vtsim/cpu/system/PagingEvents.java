package org.vtsim.cpu.system;

/**
 * What control-register and EFER writes tell the translation layer (implemented by the core on
 * top of the ept Translator). The calls follow SDM Vol. 3A 4.10.4.1 ("Operations that Invalidate
 * TLBs and Paging-Structure Caches") and 4.4.1 (PDPTE loading).
 */
public interface PagingEvents {
    /**
     * PAE paging (CR0.PG = 1, CR4.PAE = 1, EFER.LMA = 0) is about to be in force with this CR3:
     * load the four PDPTEs (SDM Vol. 3A 4.4.1) and throw {@code CpuFault.gp(0)} if one has reserved
     * bits set. Called before any register is changed, so a fault leaves the state intact.
     */
    void loadPdptes(long cr3);

    /**
     * MOV to CR3 completed. {@code invalidate}: drop the TLB entries and paging-structure caches
     * of {@code pcid} except global ones (false for PCIDE = 1 with CR3 bit 63 set).
     */
    void cr3Loaded(long cr3, int pcid, boolean invalidate);

    /** Drop all TLB entries and paging-structure caches for all PCIDs (global ones too if asked). */
    void flushAll(boolean includingGlobal);

    /**
     * The translation regime changed (CR0.PG/WP/PE, CR4.PAE/PSE/PGE/PCIDE/SMEP/SMAP/LA57,
     * EFER.NXE/LMA): derived walk parameters must be recomputed.
     */
    void pagingModeChanged();

    /** For tests and for running without a translator. */
    PagingEvents NONE = new PagingEvents() {
        @Override
        public void loadPdptes(long cr3) {
        }

        @Override
        public void cr3Loaded(long cr3, int pcid, boolean invalidate) {
        }

        @Override
        public void flushAll(boolean includingGlobal) {
        }

        @Override
        public void pagingModeChanged() {
        }
    };
}
