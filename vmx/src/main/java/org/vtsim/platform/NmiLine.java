package org.vtsim.platform;

/**
 * The processor's NMI input as the platform drives it: an edge latched until the CPU takes it
 * ({@link org.vtsim.cpu.Platform#takeNmi}). NMIs are edge events (SDM Vol. 3A 6.7, 10.5.1: "the NMI
 * interrupt is always edge triggered"); several edges before the CPU looks are one NMI, as the
 * processor's own latch is one deep (6.7.1).
 */
public final class NmiLine {
    private boolean raised;

    /** An NMI edge: from a device, an NMI IPI of the local APIC, or a test. */
    public void raise() {
        raised = true;
    }

    /** Whether an edge came since the last call; consumes it. */
    public boolean take() {
        boolean r = raised;
        raised = false;
        return r;
    }
}
