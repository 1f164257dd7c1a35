package org.vtsim.vmx.exit;

import org.vtsim.cpu.system.Event;

/**
 * Between the interruption-information format (SDM Vol. 3C Table 24-17 for VM entry, Table 24-19
 * for IDT vectoring) and the CPU's {@link Event}: what VM entry injects (26.6), what an exit during
 * event delivery records (27.2.4), and what a monitor re-injects after such an exit — the same
 * vector, type, error code and, for software interrupts and exceptions, instruction length (SDM
 * 31.7.1.1; KVM's vmx_complete_interrupts does this).
 */
public final class VectoredEvent {
    private VectoredEvent() {
    }

    /**
     * The event a valid interruption-information value describes, at guest RIP {@code rip}; null for
     * type 7 (other event: the pending MTF VM exit of VM entry, 26.6.2).
     *
     * @param errorCode used when bit 11 is set
     * @param instructionLength used for types 4, 5 and 6 (VM-entry / VM-exit instruction length)
     */
    public static Event event(int information, int errorCode, int instructionLength, long rip) {
        int vector = InterruptionInformation.vector(information);
        return switch (InterruptionInformation.type(information)) {
            case InterruptionInformation.TYPE_EXTERNAL_INTERRUPT -> Event.externalInterrupt(vector, rip);
            case InterruptionInformation.TYPE_NMI -> Event.nmi(rip);
            case InterruptionInformation.TYPE_HARDWARE_EXCEPTION -> InterruptionInformation.errorCodeValid(information)
                    ? Event.exception(vector, errorCode, rip)
                    : Event.exception(vector, rip);
            case InterruptionInformation.TYPE_SOFTWARE_INTERRUPT -> Event.softwareInterrupt(vector, rip, instructionLength);
            case InterruptionInformation.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION -> Event.int1(rip, instructionLength);
            case InterruptionInformation.TYPE_SOFTWARE_EXCEPTION -> Event.softwareException(vector, rip,
                    instructionLength);
            case InterruptionInformation.TYPE_OTHER_EVENT -> null;
            default -> throw new IllegalArgumentException("interruption type 1 is not used: "
                    + Integer.toHexString(information));
        };
    }

    /** The valid interruption information of {@code e}: vector, type, error-code bit (no NMI/IRET bit). */
    public static int information(Event e) {
        return InterruptionInformation.encode(e.vector(), e.type().vmxType, e.pushesErrorCode(), false);
    }
}
