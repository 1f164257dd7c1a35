package org.vtsim.ept.ept;

/**
 * What EPT translation depends on (SDM Vol. 3C 28.3): the EPTP, the "mode-based execute control
 * for EPT" VM-execution control (secondary processor-based control bit 22) and the processor's EPT
 * capabilities and MAXPHYADDR. Immutable; everything the walker needs is derived once here.
 *
 * <p>Only a valid EPTP makes a context: VM entry checks it first ({@link Eptp#check}); building a
 * context from an invalid one is a caller error.
 */
public final class EptContext {
    public final long eptp;
    public final int levels;
    public final long root;
    /** EPTP bit 6: EPT accessed and dirty flags (SDM 28.3.5). */
    public final boolean accessedDirty;
    /** Mode-based execute control for EPT (SDM 28.3.3.2): bit 2 executes supervisor, bit 10 user addresses. */
    public final boolean modeBasedExecute;
    public final EptCapabilities caps;
    /** Bits MAXPHYADDR-1:12. */
    public final long addressMask;
    /** Bits 51:MAXPHYADDR, reserved in every present EPT entry. */
    public final long reservedHigh;

    private EptContext(long eptp, boolean modeBasedExecute, EptCapabilities caps) {
        var problems = Eptp.check(eptp, caps);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid EPTP 0x" + Long.toHexString(eptp) + ": " + problems);
        }
        this.eptp = eptp;
        this.levels = Eptp.levels(eptp);
        this.root = Eptp.root(eptp);
        this.accessedDirty = Eptp.accessedDirty(eptp);
        this.modeBasedExecute = modeBasedExecute;
        this.caps = caps;
        long below = (1L << caps.maxPhyAddr()) - 1;
        this.addressMask = below & ~0xfffL;
        this.reservedHigh = EptEntryBits.bits(51, caps.maxPhyAddr());
    }

    public static EptContext of(long eptp, boolean modeBasedExecute, EptCapabilities caps) {
        return new EptContext(eptp, modeBasedExecute, caps);
    }

    /** Without mode-based execute control. */
    public static EptContext of(long eptp, EptCapabilities caps) {
        return new EptContext(eptp, false, caps);
    }

    @Override
    public String toString() {
        return "EptContext[" + Eptp.describe(eptp) + (modeBasedExecute ? " MBEC" : "") + " caps=" + caps + "]";
    }
}
