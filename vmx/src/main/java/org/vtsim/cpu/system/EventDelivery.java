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
 *
 * <p>In VMX non-root operation the caller passes {@link Exits}: a nested exception is offered to
 * the exception bitmap before the double-fault rules apply, and a #DF they produce is offered too.
 * The order is SDM Vol. 3C 26.6.1.2 ("VM Exits During Event Injection", which 25.2 applies to all
 * event delivery in non-root operation): "if event delivery encounters a nested exception, a VM
 * exit may occur depending on the contents of the exception bitmap"; only an exception that does
 * not exit takes part in Table 6-5, and "if event delivery generates a double-fault exception (due
 * to a nested exception), the logical processor uses the exception bitmap to determine whether a
 * VM exit occurs due to the double fault"; an exception while delivering #DF that does not exit
 * is a triple fault (25.2, "Triple fault"), which the caller turns into exit reason 2.
 * {@link #delivering()} names the event under way so that an EPT violation or misconfiguration
 * met during delivery can record it as IDT-vectoring information (SDM Vol. 3C 27.2.4).
 */
public final class EventDelivery {
    /** What VMX non-root operation adds to delivery; each method takes the VM exit it reports. */
    public interface Exits {
        /**
         * {@code nested} (its error code already with EXT as delivery would push it) was raised
         * while delivering {@code during}: true when the exception bitmap made it a VM exit, taken
         * with IDT-vectoring information describing {@code during} (SDM Vol. 3C 27.2.4).
         */
        boolean nestedException(CpuFault nested, Event during);

        /**
         * The #DF that Table 6-5 produced: true when the exception bitmap (bit 8) made it a VM exit,
         * taken without IDT-vectoring information (the original event "results in a double-fault
         * exception that causes the VM exit directly", 27.2.4).
         */
        boolean doubleFault(Event doubleFault);
    }

    private final GateDelivery gates;
    private Event delivering;

    public EventDelivery(LinearMemory mem) {
        this.gates = new GateDelivery(mem);
    }

    public DeliveryResult deliver(CpuState s, Event event) {
        return deliver(s, event, null);
    }

    /** As {@link #deliver(CpuState, Event)}, with the VM exits of non-root operation ({@code exits} non-null). */
    public DeliveryResult deliver(CpuState s, Event event, Exits exits) {
        Event current = event;
        try {
            // Table 6-5 guarantees termination (benign -> contributory/#PF -> #DF -> shutdown); the
            // bound only guards against a modelling error turning into a hang.
            for (int attempt = 0; attempt < 8; attempt++) {
                delivering = current;
                try {
                    gates.deliver(s, current);
                    return DeliveryResult.delivered(current);
                } catch (CpuFault f) {
                    if (exits != null && exits.nestedException(withExt(current, f), current)) {
                        return DeliveryResult.exited(current);
                    }
                    Event next = afterFault(current, f);
                    if (next == null) {
                        return DeliveryResult.shutdown(current);
                    }
                    if (exits != null && next.vector() == Vectors.DF && exits.doubleFault(next)) {
                        return DeliveryResult.exited(null);
                    }
                    current = next;
                }
            }
        } finally {
            delivering = null;
        }
        throw new IllegalStateException("event delivery did not converge: " + event);
    }

    /** The event whose delivery is under way (its IDT, GDT, TSS and stack accesses), or null. */
    public Event delivering() {
        return delivering;
    }

    /**
     * The event to deliver after {@code f} interrupted the delivery of {@code current}, or null for
     * shutdown (SDM Vol. 3A 6.15, Table 6-5): #DF with error code 0 for contributory/#PF pairs, the
     * new exception for serial handling (its error code with EXT when {@code current} is external to
     * the program, 6.13). A monitor combining a vectored event with an exception it raises (KVM's
     * kvm_multiple_exception) applies the same rule.
     */
    public static Event afterFault(Event current, CpuFault f) {
        ExceptionClass first = ExceptionClass.of(current);
        switch (ExceptionClass.combine(first, ExceptionClass.ofVector(f.vector))) {
            case SHUTDOWN:
                return null;
            case DOUBLE_FAULT:
                // #DF is an abort with error code 0 (SDM Vol. 3A 6.15, Interrupt 8).
                return Event.exception(Vectors.DF, 0, current.rip());
            default:
                CpuFault n = withExt(current, f);
                return new Event(EventType.HARDWARE_EXCEPTION, n.vector, n.hasErrorCode, n.errorCode, current.rip(), 0);
        }
    }

    /**
     * EXT (bit 0) marks an exception raised while delivering an event external to the program (SDM
     * Vol. 3A 6.13; Vol. 3C 26.6.1.1 for injected events); #PF error-code bit 0 means something else.
     */
    private static CpuFault withExt(Event current, CpuFault f) {
        if (f.hasErrorCode && f.vector != Vectors.PF && current.type().external() && (f.errorCode & 1) == 0) {
            return CpuFault.withError(f.vector, f.errorCode | 1);
        }
        return f;
    }
}
