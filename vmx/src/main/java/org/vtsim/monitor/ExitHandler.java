package org.vtsim.monitor;

import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Handles one basic exit reason (or a group of them). Called in VMX root operation with the exit
 * information in {@code vmcs}; returns normally to resume the guest, after {@link Vcpu#stop} to end
 * the run, or throws {@link GuestFault} (or the CPU's {@code CpuFault}) to deliver an exception to
 * the guest at the exiting instruction instead of completing it.
 */
@FunctionalInterface
public interface ExitHandler {
    void handle(Vcpu vcpu, Vmcs vmcs, long qualification);
}
