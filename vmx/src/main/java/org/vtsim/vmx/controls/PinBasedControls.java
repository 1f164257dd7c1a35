package org.vtsim.vmx.controls;

/** Pin-based VM-execution controls, SDM Vol. 3C 24.6.1 (Table 24-5). */
public final class PinBasedControls {
    public static final int EXTERNAL_INTERRUPT_EXITING = 1 << 0;
    public static final int NMI_EXITING = 1 << 3;
    public static final int VIRTUAL_NMIS = 1 << 5;
    public static final int ACTIVATE_VMX_PREEMPTION_TIMER = 1 << 6;
    public static final int PROCESS_POSTED_INTERRUPTS = 1 << 7;
    /** Bits 1, 2 and 4: reserved, default 1 (SDM A.3.1). */
    public static final int DEFAULT1 = 0x16;

    private PinBasedControls() {
    }
}
