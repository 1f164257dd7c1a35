package org.vtsim.cpu.system;

import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.LinearMemory;
import org.vtsim.cpu.Vectors;

/**
 * Delivers exceptions, interrupts and software interrupts through the IDT, applying the
 * double-fault rules (SDM Vol. 3A 6.15, Tables 6-4 and 6-5) when delivery itself faults, and
 * reporting a triple fault as a shutdown result instead of throwing.
 *
 * <p>The core calls {@link #deliver} at an instruction boundary: with the {@link CpuFault} an
 * instruction threw (as {@link Event#exception(CpuFault, long)} with the faulting RIP), with an
 * acknowledged INTR vector, or for INT n/INT3/INTO/INT1 from the interpreter. On return the state
 * is that of the handler's first instruction (or unchanged on shutdown). {@link UnsupportedFeature}
 * may escape (task gates, virtual-8086 mode): the core ends the run naming it.
 */
public final class EventDelivery {
    private final GateDelivery gates;

    public EventDelivery(LinearMemory mem) {
        this.gates = new GateDelivery(mem);
    }

    public DeliveryResult deliver(CpuState s, Event event) {
        Event current = event;
        // Table 6-5 guarantees termination (benign -> contributory/#PF -> #DF -> shutdown); the
        // bound only guards against a modelling error turning into a hang.
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                gates.deliver(s, current);
                return DeliveryResult.delivered(current);
            } catch (CpuFault f) {
                Event next = afterFault(current, f);
                if (next == null) {
                    return DeliveryResult.shutdown(current);
                }
                current = next;
            }
        }
        throw new IllegalStateException("event delivery did not converge: " + event);
    }

    /** The event to deliver after {@code f} interrupted the delivery of {@code current}, or null for shutdown. */
    static Event afterFault(Event current, CpuFault f) {
        ExceptionClass first = ExceptionClass.of(current);
        switch (ExceptionClass.combine(first, ExceptionClass.ofVector(f.vector))) {
            case SHUTDOWN:
                return null;
            case DOUBLE_FAULT:
                // #DF is an abort with error code 0 (SDM Vol. 3A 6.15, Interrupt 8).
                return Event.exception(Vectors.DF, 0, current.rip());
            default:
                int code = f.errorCode;
                // EXT (bit 0) marks an exception raised while delivering an event external to the
                // program (SDM Vol. 3A 6.13); #PF error-code bit 0 means something else.
                if (f.hasErrorCode && f.vector != Vectors.PF && current.type().external()) {
                    code |= 1;
                }
                return new Event(EventType.HARDWARE_EXCEPTION, f.vector, f.hasErrorCode, code, current.rip(), 0);
        }
    }
}
