package org.vtsim.cpu.system;

/**
 * What {@link EventDelivery#deliver} did: the event that finally reached its handler (the
 * original one, a second exception, or #DF), or a shutdown after a triple fault (SDM Vol. 3A
 * 6.15, Interrupt 8) with the event whose delivery failed.
 */
public record DeliveryResult(Event delivered, boolean shutdown, Event failed) {
    static DeliveryResult delivered(Event e) {
        return new DeliveryResult(e, false, null);
    }

    static DeliveryResult shutdown(Event failedDoubleFault) {
        return new DeliveryResult(null, true, failedDoubleFault);
    }
}
