package org.vtsim.cpu.system;

/**
 * What {@link EventDelivery#deliver} did: the event that finally reached its handler (the
 * original one, a second exception, or #DF); a shutdown after a triple fault (SDM Vol. 3A 6.15,
 * Interrupt 8) with the event whose delivery failed; or, in VMX non-root operation, a VM exit
 * taken during delivery ({@code failed} is the event being delivered, null when a #DF exited
 * directly).
 */
public record DeliveryResult(Event delivered, boolean shutdown, boolean exited, Event failed) {
    static DeliveryResult delivered(Event e) {
        return new DeliveryResult(e, false, false, null);
    }

    static DeliveryResult shutdown(Event failedDoubleFault) {
        return new DeliveryResult(null, true, false, failedDoubleFault);
    }

    static DeliveryResult exited(Event during) {
        return new DeliveryResult(null, false, true, during);
    }
}
