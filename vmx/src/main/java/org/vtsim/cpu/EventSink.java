package org.vtsim.cpu;

/** Raises software-initiated events (INT n, INT3, INTO, INT1) from the interpreter. */
public interface EventSink {
    /** INT n: the gate's DPL is checked against CPL (SDM Vol. 3A 6.12.1.1). */
    int SOFTWARE_INTERRUPT = 0;
    /** INT3, INTO: like INT n, a trap delivered with RIP after the instruction. */
    int SOFTWARE_EXCEPTION = 1;
    /** INT1 (ICEBP): no DPL check. */
    int PRIVILEGED_SOFTWARE_EXCEPTION = 2;

    /** Delivers the event now; RIP already points after the instruction. */
    void softwareEvent(int vector, int kind);
}
