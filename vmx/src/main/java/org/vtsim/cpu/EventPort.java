package org.vtsim.cpu;

/**
 * Event delivery as the core needs it (implemented over the system unit EventDelivery, SDM
 * Vol. 3A ch. 6). Each method delivers through the IDT and returns false when delivery ended in
 * shutdown (triple fault). In VMX non-root operation a method may instead throw {@link VmExitSignal}:
 * the delivery caused a VM exit (SDM Vol. 3C 25.2, 27.2.4), which has been taken.
 */
public interface EventPort {
    /** A fault or abort raised by an instruction starting at {@code rip}. */
    boolean exception(CpuFault fault, long rip);

    /** An external interrupt accepted at an instruction boundary; {@code rip} is the next instruction. */
    boolean externalInterrupt(int vector, long rip);

    /**
     * INT n / INT3 / INTO / INT1 (kinds from {@link EventSink}) of the instruction at
     * {@code rip}, {@code length} bytes long.
     */
    boolean software(int vector, int kind, long rip, int length);
}
