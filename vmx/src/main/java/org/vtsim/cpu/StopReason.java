package org.vtsim.cpu;

/** Why {@link Cpu#run(long)} returned. */
public enum StopReason {
    /** The instruction budget given to {@code run} was used up. */
    INSTRUCTION_LIMIT,
    /** HLT with no event that could ever wake the CPU (IF = 0, or no timer armed and none pending). */
    HALTED,
    /** Triple fault or another shutdown condition (SDM Vol. 3A 6.15, interrupt 8). */
    SHUTDOWN,
    /** A device asked for the run to end ({@link Platform#stopRequested()}). */
    PLATFORM_STOP,
    /** The guest needed something the model does not implement and cannot express as #UD. */
    UNSUPPORTED,
    /**
     * A VM exit happened and the CPU is in VMX root operation with the host state loaded; only when
     * {@link Cpu#setStopAtVmExit} asked for it (a Java monitor handles the exit).
     */
    VM_EXIT,
    /** A bug in the model (a Java exception); the detail names it. Never thrown out of a run. */
    INTERNAL_ERROR
}
