package org.vtsim.machine;

/** How a run ended. */
public enum Outcome {
    /** The guest wrote to the exit device; {@link RunResult#exitStatus()} holds (v << 1) | 1. */
    GUEST_EXIT,
    /** Triple fault or another shutdown condition. */
    SHUTDOWN,
    /** The instruction limit was reached. */
    LIMIT_REACHED,
    /** HLT with nothing that could ever wake the CPU. */
    HUNG,
    /** The guest needed a feature the model does not implement (named in the detail). */
    UNSUPPORTED,
    /** A bug in vtsim; the detail names it. */
    INTERNAL_ERROR
}
