package org.vtsim.vmx.exit;

import org.vtsim.vmx.ExitReason;

/**
 * Explains an exit qualification by its exit reason, SDM Vol. 3C 27.2.1: picks the table the reason's
 * qualification follows. For tools (allocates); the CPU uses the per-table encoders directly.
 */
public final class ExitQualification {
    private ExitQualification() {
    }

    /**
     * @param reason the basic exit reason
     * @param q the exit qualification
     * @param exitInterruptionInformation the VM-exit interruption information, consulted only for reason 0
     *     (the qualification of a #DB exit is Table 27-1's, of a #PF exit the faulting linear address)
     */
    public static String describe(ExitReason reason, long q, long exitInterruptionInformation) {
        return switch (reason) {
            case EXCEPTION_OR_NMI -> {
                int vector = InterruptionInformation.vector(exitInterruptionInformation);
                boolean exception = InterruptionInformation.valid(exitInterruptionInformation)
                        && InterruptionInformation.type(exitInterruptionInformation)
                        != InterruptionInformation.TYPE_NMI;
                if (exception && vector == 1) {
                    yield "debug exception: " + DebugExceptionQualification.describe(q);
                } else if (exception && vector == 14) {
                    yield "page-fault linear address " + X86Names.hex(q);
                }
                yield q == 0 ? "none" : "undefined for this event (" + X86Names.hex(q) + ")";
            }
            case MONITOR_TRAP_FLAG, IO_SMI, OTHER_SMI -> "pending debug exceptions: "
                    + DebugExceptionQualification.describe(q);
            case START_UP_IPI -> "SIPI vector " + X86Names.hex(q & 0xff);
            case TASK_SWITCH -> TaskSwitchQualification.describe(q);
            case INVLPG, INVEPT, INVPCID, INVVPID, ACCESS_TO_GDTR_OR_IDTR, ACCESS_TO_LDTR_OR_TR, VMCLEAR, VMPTRLD,
                    VMPTRST, VMREAD, VMWRITE, VMXON, XRSTORS, XSAVES -> OperandQualification.describe(reason, q);
            case CONTROL_REGISTER_ACCESSES -> ControlRegisterAccessQualification.describe(q);
            case MOV_DR -> MovDrQualification.describe(q);
            case IO_INSTRUCTION -> IoQualification.describe(q);
            case EPT_VIOLATION -> EptViolationQualification.describe(q);
            case APIC_ACCESS -> ApicAccessQualification.describe(q);
            case VIRTUALIZED_EOI -> "vector " + X86Names.hex(q & 0xff);
            case APIC_WRITE -> "APIC-page offset " + X86Names.hex(q & 0xfff);
            case PAGE_MODIFICATION_LOG_FULL, SPP_RELATED_EVENT -> (q & (1L << 12)) != 0
                    ? "NMI unblocking due to IRET" : "none";
            default -> q == 0 ? "none" : "not defined for this exit reason (" + X86Names.hex(q) + ")";
        };
    }
}
