package org.vtsim.ept.mmu;

import java.util.List;

import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.tlb.TlbArraySpec;

/**
 * Geometry of the modelled TLBs and paging-structure caches, and the processor's MAXPHYADDR and
 * 1-GByte-page support.
 *
 * <p>{@link #skylake()} follows the Skylake TLB parameters in the Intel 64 and IA-32 Architectures
 * Optimization Reference Manual (Skylake microarchitecture, TLB table; the same figures in Agner
 * Fog's microarchitecture guide): ITLB 4K 128 entries 8-way, ITLB 2M/4M 8 entries fully
 * associative, DTLB 4K 64 entries 4-way, DTLB 2M/4M 32 entries 4-way, DTLB 1G 4 entries, STLB
 * 4K+2M 1536 entries 12-way, STLB 1G 16 entries 4-way. 1 GiB pages fetched through the ITLB (no 1G
 * array) are cached as 2 MiB pieces. Paging-structure-cache sizes are not published by Intel: the
 * defaults (PDE 32, PDPTE 4, PML4E 2, PML5E 2) are assumptions to calibrate later.
 */
public record MmuConfig(List<TlbArraySpec> itlb, List<TlbArraySpec> dtlb, List<TlbArraySpec> stlb, int pdeCache,
        int pdpteCache, int pml4eCache, int pml5eCache, int maxPhyAddr, boolean gbPages) {
    public MmuConfig {
        itlb = List.copyOf(itlb);
        dtlb = List.copyOf(dtlb);
        stlb = List.copyOf(stlb);
    }

    public static MmuConfig skylake() {
        return new MmuConfig(
                List.of(new TlbArraySpec("ITLB-4K", 128, 8, 12), new TlbArraySpec("ITLB-2M/4M", 8, 8, 21, 22)),
                List.of(new TlbArraySpec("DTLB-4K", 64, 4, 12), new TlbArraySpec("DTLB-2M/4M", 32, 4, 21, 22),
                        new TlbArraySpec("DTLB-1G", 4, 4, 30)),
                List.of(new TlbArraySpec("STLB-4K/2M", 1536, 12, 12, 21), new TlbArraySpec("STLB-1G", 16, 4, 30)),
                32, 4, 2, 2, PagingContext.DEFAULT_MAXPHYADDR, true);
    }

    public MmuConfig withMaxPhyAddr(int m) {
        return new MmuConfig(itlb, dtlb, stlb, pdeCache, pdpteCache, pml4eCache, pml5eCache, m, gbPages);
    }

    public MmuConfig withGbPages(boolean g) {
        return new MmuConfig(itlb, dtlb, stlb, pdeCache, pdpteCache, pml4eCache, pml5eCache, maxPhyAddr, g);
    }

    public MmuConfig withPagingStructureCaches(int pde, int pdpte, int pml4e, int pml5e) {
        return new MmuConfig(itlb, dtlb, stlb, pde, pdpte, pml4e, pml5e, maxPhyAddr, gbPages);
    }
}
