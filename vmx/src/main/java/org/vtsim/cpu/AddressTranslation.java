package org.vtsim.cpu;

/**
 * Linear-to-physical translation as the execution core needs it: one call per access (the
 * implementation owns TLBs and the page walker). The core calls it only while CR0.PG = 1.
 *
 * <p>A translation fault is thrown as {@link CpuFault} #PF with the error code of SDM Vol. 3A
 * 4.7; the core sets CR2. Cycles for TLB lookups and walk references are accumulated by the
 * implementation and collected with {@link #takeCycles()} so that the per-access path stays a
 * single call.
 */
public interface AddressTranslation {
    int READ = 0;
    int WRITE = 1;
    int FETCH = 2;

    /**
     * The physical address for {@code linear}.
     *
     * @param access {@link #READ}, {@link #WRITE} or {@link #FETCH}
     * @param user a user-mode access (CPL 3 and not an implicit supervisor access, SDM 4.6)
     */
    long translate(long linear, int access, boolean user);

    /** Cycles charged since the last call (TLB hits/misses, walk references); resets to 0. */
    long takeCycles();

    /** MOV to CR3 (SDM 4.10.4.1): {@code keepGlobal} unless CR4.PGE is being cleared, etc. */
    void flushAll(boolean includeGlobal);

    /** INVLPG (SDM 4.10.4.1). */
    void invalidatePage(long linear);

    /** INVPCID (SDM Vol. 2B INVPCID): type 0 address, 1 single context, 2 all incl. global, 3 all but global. */
    void invalidatePcid(int type, long pcid, long linear);

    /**
     * Whether accesses made while CR0.PG = 0 are translated too. A native MMU answers no (paging
     * off means linear = physical); a two-level translation in VMX non-root operation answers yes,
     * because guest-physical addresses still go through EPT (SDM Vol. 3C 28.3.1: with paging off,
     * the linear address is the guest-physical address, which EPT translates).
     */
    default boolean translatesWithPagingOff() {
        return false;
    }

    /** Counters for the run summary (e.g. "tlb.l1d.miss", "walk.references"); may be empty. */
    java.util.Map<String, Long> counters();
}
