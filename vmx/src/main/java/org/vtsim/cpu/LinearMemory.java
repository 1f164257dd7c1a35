package org.vtsim.cpu;

/**
 * The CPU's linear-address view of memory: translation through paging (with TLBs), then a
 * physical access to RAM or device MMIO. Faults surface as {@link CpuFault} (#PF with CR2 set,
 * #GP for non-canonical addresses). Segmentation is applied before this layer.
 *
 * <p>Implemented by the execution core; used by the system units (descriptor-table reads, event
 * delivery stack pushes, TSS reads) so that every access takes the same path.
 */
public interface LinearMemory {
    /**
     * Reads {@code size} (1, 2, 4 or 8) bytes at a linear address.
     *
     * @param implicitSupervisor true for the implicit supervisor-mode accesses of SDM Vol. 3A
     *     4.6 (GDT/LDT/IDT/TSS reads, stack pushes of a privilege change): checked as CPL 0
     *     regardless of the current CPL
     */
    long readLinear(long linear, int size, boolean implicitSupervisor);

    /** Writes {@code size} (1, 2, 4 or 8) bytes at a linear address; see {@link #readLinear}. */
    void writeLinear(long linear, int size, long value, boolean implicitSupervisor);
}
