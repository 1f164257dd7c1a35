package org.vtsim.cpu;

/**
 * Unwinds the instruction (or event) during which a VM exit was taken: the VMX unit has already
 * saved the guest state and loaded the host state. Control flow only, like {@link CpuFault}: one
 * shared instance, no stack trace; {@link Cpu#run} catches it and never lets it escape.
 */
public final class VmExitSignal extends RuntimeException {
    public static final VmExitSignal INSTANCE = new VmExitSignal();

    private VmExitSignal() {
        super("VM exit", null, false, false);
    }
}
