package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cost.Cost;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * An exception in the exception bitmap (exit reason 0, SDM 25.2): under shadow paging a #PF goes to
 * {@link ShadowPaging#pageFault}; anything else is counted by the statistics, then reflected into the
 * guest unchanged (a hardware exception with its error code; #PF with CR2 from
 * the qualification, SDM 27.2.1). Software exceptions (INT3, INTO) are re-injected with their
 * instruction length. NMIs have no source in the model.
 */
final class ExceptionExit {
    private ExceptionExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        int info = v.get32(VM_EXIT_INTERRUPTION_INFORMATION);
        int vector = InterruptionInformation.vector(info);
        int type = InterruptionInformation.type(info);
        ShadowPaging shadow = vcpu.vm().shadowPaging();
        if (shadow != null && vector == 14 && type == InterruptionInformation.TYPE_HARDWARE_EXCEPTION) {
            shadow.pageFault(vcpu, v, q, v.get32(VM_EXIT_INTERRUPTION_ERROR_CODE));
            return;
        }
        vcpu.charge(Cost.MONITOR_HANDLER);
        if (type == InterruptionInformation.TYPE_HARDWARE_EXCEPTION) {
            int error = InterruptionInformation.errorCodeValid(info) ? v.get32(VM_EXIT_INTERRUPTION_ERROR_CODE) : -1;
            throw new GuestFault(vector, error, vector == 14 ? q : 0);
        }
        if (type == InterruptionInformation.TYPE_SOFTWARE_EXCEPTION
                || type == InterruptionInformation.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION) {
            vcpu.write(VM_ENTRY_INTERRUPTION_INFORMATION, InterruptionInformation.encode(vector, type, false, false));
            vcpu.write(VM_ENTRY_INSTRUCTION_LENGTH, v.get32(VM_EXIT_INSTRUCTION_LENGTH));
            return;
        }
        throw new org.vtsim.cpu.UnsupportedFeature("exception exit of type "
                + InterruptionInformation.typeName(type));
    }
}
