package org.vtsim.ept.ept;

/**
 * The EPT-related part of the processor's IA32_VMX_EPT_VPID_CAP MSR (SDM Vol. 3D Appendix A.10), as
 * the EPT walker needs it, plus the physical-address width. The VMX module owns the MSR itself; it
 * builds this with {@link #fromMsr}.
 */
public record EptCapabilities(boolean executeOnly, boolean pageWalk4, boolean pageWalk5, boolean memoryTypeUc,
        boolean memoryTypeWb, boolean pages2M, boolean pages1G, boolean accessedDirty, boolean advancedExitInfo,
        boolean supervisorShadowStack, int maxPhyAddr) {
    // Bit positions of IA32_VMX_EPT_VPID_CAP (SDM A.10).
    static final long CAP_EXECUTE_ONLY = 1L;
    static final long CAP_PAGE_WALK_4 = 1L << 6;
    static final long CAP_PAGE_WALK_5 = 1L << 7;
    static final long CAP_UC = 1L << 8;
    static final long CAP_WB = 1L << 14;
    static final long CAP_2M = 1L << 16;
    static final long CAP_1G = 1L << 17;
    static final long CAP_AD = 1L << 21;
    static final long CAP_ADVANCED_INFO = 1L << 22;
    static final long CAP_SSS = 1L << 23;

    public EptCapabilities {
        if (maxPhyAddr < 36 || maxPhyAddr > 52) {
            throw new IllegalArgumentException("MAXPHYADDR must be in 36..52: " + maxPhyAddr);
        }
        if (supervisorShadowStack) {
            throw new UnsupportedOperationException("unsupported: EPT supervisor shadow-stack control (EPTP bit 7)");
        }
    }

    /** Everything vtsim models: execute-only, 4- and 5-level walks, UC/WB, 2M/1G pages, A/D, advanced info. */
    public static EptCapabilities full(int maxPhyAddr) {
        return new EptCapabilities(true, true, true, true, true, true, true, true, true, false, maxPhyAddr);
    }

    /**
     * From an IA32_VMX_EPT_VPID_CAP value. The supervisor shadow-stack bit is ignored here (vtsim does
     * not model shadow stacks; an EPTP setting bit 7 then fails {@link Eptp#check}).
     */
    public static EptCapabilities fromMsr(long cap, int maxPhyAddr) {
        return new EptCapabilities((cap & CAP_EXECUTE_ONLY) != 0, (cap & CAP_PAGE_WALK_4) != 0,
                (cap & CAP_PAGE_WALK_5) != 0, (cap & CAP_UC) != 0, (cap & CAP_WB) != 0, (cap & CAP_2M) != 0,
                (cap & CAP_1G) != 0, (cap & CAP_AD) != 0, (cap & CAP_ADVANCED_INFO) != 0, false, maxPhyAddr);
    }

    /** The EPT bits of IA32_VMX_EPT_VPID_CAP these capabilities stand for. */
    public long toMsrBits() {
        return (executeOnly ? CAP_EXECUTE_ONLY : 0) | (pageWalk4 ? CAP_PAGE_WALK_4 : 0)
                | (pageWalk5 ? CAP_PAGE_WALK_5 : 0) | (memoryTypeUc ? CAP_UC : 0) | (memoryTypeWb ? CAP_WB : 0)
                | (pages2M ? CAP_2M : 0) | (pages1G ? CAP_1G : 0) | (accessedDirty ? CAP_AD : 0)
                | (advancedExitInfo ? CAP_ADVANCED_INFO : 0);
    }

    public EptCapabilities withExecuteOnly(boolean v) {
        return new EptCapabilities(v, pageWalk4, pageWalk5, memoryTypeUc, memoryTypeWb, pages2M, pages1G,
                accessedDirty, advancedExitInfo, false, maxPhyAddr);
    }

    public EptCapabilities withLargePages(boolean twoMb, boolean oneGb) {
        return new EptCapabilities(executeOnly, pageWalk4, pageWalk5, memoryTypeUc, memoryTypeWb, twoMb, oneGb,
                accessedDirty, advancedExitInfo, false, maxPhyAddr);
    }

    public EptCapabilities withAccessedDirty(boolean v) {
        return new EptCapabilities(executeOnly, pageWalk4, pageWalk5, memoryTypeUc, memoryTypeWb, pages2M, pages1G,
                v, advancedExitInfo, false, maxPhyAddr);
    }

    public EptCapabilities withAdvancedExitInfo(boolean v) {
        return new EptCapabilities(executeOnly, pageWalk4, pageWalk5, memoryTypeUc, memoryTypeWb, pages2M, pages1G,
                accessedDirty, v, false, maxPhyAddr);
    }

    public EptCapabilities withPageWalks(boolean four, boolean five) {
        return new EptCapabilities(executeOnly, four, five, memoryTypeUc, memoryTypeWb, pages2M, pages1G,
                accessedDirty, advancedExitInfo, false, maxPhyAddr);
    }
}
