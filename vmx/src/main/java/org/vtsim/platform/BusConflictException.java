package org.vtsim.platform;

/** A device range that overlaps one already on the bus, or is empty or wraps around. */
public final class BusConflictException extends IllegalArgumentException {
    public BusConflictException(String message) {
        super(message);
    }
}
