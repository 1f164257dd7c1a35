package org.vtsim.platform;

/**
 * An interrupt request wire from a device to an interrupt controller input: vm-superio's
 * one-method trigger. The device drives the level; an edge-triggered input (8259A in edge mode,
 * SDM Vol. 3A 10.5.1 LVT edge delivery) reacts to the low-to-high transition.
 */
@FunctionalInterface
public interface IrqLine {
    void setLevel(boolean high);

    /** A rising then falling edge: the way a timer tick reaches an edge-triggered input. */
    default void pulse() {
        setLevel(true);
        setLevel(false);
    }

    IrqLine NONE = high -> { };
}
