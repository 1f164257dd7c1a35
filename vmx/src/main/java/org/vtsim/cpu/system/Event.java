package org.vtsim.cpu.system;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Vectors;

/**
 * An event to deliver through the IDT.
 *
 * @param rip for faults, the faulting instruction; for traps (e.g. a single-step #DB) and external
 *     events, the next instruction to run; for INT n/INT3/INTO/INT1, the instruction itself
 * @param instructionLength for software interrupts/exceptions, the length of the INT instruction:
 *     the pushed return address is {@code rip + instructionLength} (the same split as the VMX
 *     VM-entry instruction length, SDM Vol. 3C 24.8.3); 0 otherwise
 */
public record Event(EventType type, int vector, boolean hasErrorCode, int errorCode, long rip,
        int instructionLength) {

    public static Event exception(CpuFault fault, long rip) {
        return new Event(EventType.HARDWARE_EXCEPTION, fault.vector, fault.hasErrorCode, fault.errorCode, rip, 0);
    }

    public static Event exception(int vector, long rip) {
        return new Event(EventType.HARDWARE_EXCEPTION, vector, false, 0, rip, 0);
    }

    public static Event exception(int vector, int errorCode, long rip) {
        return new Event(EventType.HARDWARE_EXCEPTION, vector, true, errorCode, rip, 0);
    }

    public static Event externalInterrupt(int vector, long rip) {
        return new Event(EventType.EXTERNAL_INTERRUPT, vector, false, 0, rip, 0);
    }

    public static Event nmi(long rip) {
        return new Event(EventType.NMI, Vectors.NMI, false, 0, rip, 0);
    }

    /** INT n at {@code rip}. */
    public static Event softwareInterrupt(int vector, long rip, int instructionLength) {
        return new Event(EventType.SOFTWARE_INTERRUPT, vector & 0xff, false, 0, rip, instructionLength);
    }

    /** INT3 (vector 3) or INTO (vector 4) at {@code rip}. */
    public static Event softwareException(int vector, long rip, int instructionLength) {
        return new Event(EventType.SOFTWARE_EXCEPTION, vector, false, 0, rip, instructionLength);
    }

    /** INT1/ICEBP at {@code rip}. */
    public static Event int1(long rip, int instructionLength) {
        return new Event(EventType.PRIVILEGED_SOFTWARE_EXCEPTION, Vectors.DB, false, 0, rip, instructionLength);
    }

    /** The RIP saved on the handler's stack. */
    public long returnRip() {
        return type.returnsAfterInstruction() ? rip + instructionLength : rip;
    }

    /** Whether an error code is pushed: hardware exceptions that have one (SDM Vol. 3A 6.13). */
    public boolean pushesErrorCode() {
        return type == EventType.HARDWARE_EXCEPTION && hasErrorCode;
    }

    @Override
    public String toString() {
        return type + " " + Vectors.name(vector) + (pushesErrorCode() ? "(0x" + Integer.toHexString(errorCode) + ")" : "");
    }
}
