package org.vtsim.conformance.differential;

/**
 * What a run produced. {@code fault} is -1 when the sequence ran to its end, otherwise the
 * exception vector (the native side maps its signal to a vector); then {@code faultRip} is the
 * address of the faulting instruction and the registers are those at the fault.
 */
record MachineState(long[] regs, long rflags, byte[] memory, int fault, long faultRip, String note) {
    static final int NO_FAULT = -1;
}
