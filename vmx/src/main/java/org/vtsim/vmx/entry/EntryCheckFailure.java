package org.vtsim.vmx.entry;

/**
 * One failed VM-entry check: how the processor reports it, the exit qualification where there is
 * one, the SDM section that states the rule, and the rule in words.
 *
 * @param kind how the failure is reported (SDM 26.1–26.4)
 * @param qualification the exit qualification of a VM-entry failure exit (SDM 27.2.1, Table 27-1
 *     for reason 33: 0 default, 2 PDPTE loading, 3 NMI injection blocked, 4 invalid VMCS link
 *     pointer; for reason 34 the 1-based index of the failing MSR entry); 0 for VMfailValid
 * @param sdmSection e.g. "26.2.1.1"
 * @param rule the rule as the SDM words it, naming the fields involved
 */
public record EntryCheckFailure(Kind kind, long qualification, String sdmSection, String rule) {

    /** How a failed check is reported. */
    public enum Kind {
        /** VMfailValid, VM-instruction error 7 (SDM 26.2.1). */
        INVALID_CONTROL_FIELDS(7, "VMfailValid(7)"),
        /** VMfailValid, VM-instruction error 8 (SDM 26.2.2–26.2.4). */
        INVALID_HOST_STATE(8, "VMfailValid(8)"),
        /** VM-entry failure exit, basic reason 33 with bit 31 set (SDM 26.3, 26.8). */
        INVALID_GUEST_STATE(33, "VM-entry failure, exit reason 33"),
        /** VM-entry failure exit, basic reason 34 with bit 31 set (SDM 26.4, 26.8). */
        MSR_LOADING(34, "VM-entry failure, exit reason 34");

        /** The VM-instruction error number (7, 8) or the basic exit reason (33, 34). */
        public final int number;
        public final String report;

        Kind(int number, String report) {
            this.number = number;
            this.report = report;
        }

        public boolean isVmFail() {
            return this == INVALID_CONTROL_FIELDS || this == INVALID_HOST_STATE;
        }
    }

    @Override
    public String toString() {
        return kind.report + (kind.isVmFail() ? "" : " (qualification " + qualification + ")") + ": SDM "
                + sdmSection + ": " + rule;
    }
}
