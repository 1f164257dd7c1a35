package org.vtsim.cpu.system;

/**
 * Kinds of events delivered through the IDT, numbered as the VMX interruption-information type
 * (SDM Vol. 3C 24.8.3, Table 24-15) so that VM-entry injection and IDT-vectoring information can
 * use the same values later.
 */
public enum EventType {
    EXTERNAL_INTERRUPT(0),
    NMI(2),
    HARDWARE_EXCEPTION(3),
    /** INT n. */
    SOFTWARE_INTERRUPT(4),
    /** INT1 (ICEBP, F1). */
    PRIVILEGED_SOFTWARE_EXCEPTION(5),
    /** INT3, INTO. */
    SOFTWARE_EXCEPTION(6);

    public final int vmxType;

    EventType(int vmxType) {
        this.vmxType = vmxType;
    }

    /**
     * Whether an exception raised while delivering this event sets EXT in its error code (SDM
     * Vol. 3A 6.13): set for events external to the program (interrupts, NMI, exceptions, INT1),
     * clear for INT n, INT3 and INTO.
     */
    public boolean external() {
        return this != SOFTWARE_INTERRUPT && this != SOFTWARE_EXCEPTION;
    }

    /** Whether the gate DPL is checked against CPL (SDM Vol. 3A 6.12.1.1: INT n, INT3, INTO). */
    public boolean gateDplChecked() {
        return this == SOFTWARE_INTERRUPT || this == SOFTWARE_EXCEPTION;
    }

    /** Whether the pushed return address is that of the next instruction (trap-like delivery). */
    public boolean returnsAfterInstruction() {
        return this == SOFTWARE_INTERRUPT || this == SOFTWARE_EXCEPTION || this == PRIVILEGED_SOFTWARE_EXCEPTION;
    }
}
