package org.vtsim.vmx.exit;

import org.vtsim.vmx.ExitReason;

/**
 * The 32-bit exit-reason field, SDM Vol. 3C 24.9.1 (Table 24-15 "Format of Exit Reason"): basic exit
 * reason in bits 15:0 (bit 16 always 0), bit 27 "VM exit incident to enclave mode", bit 28 "pending MTF
 * VM exit", bit 29 "VM exit from VMX root operation" (SMM dual-monitor treatment, 34.15.2), bit 31
 * "VM-entry failure". The other bits are not currently defined and are saved as 0.
 */
public final class ExitReasonField {
    public static final int BASIC_MASK = 0xffff;
    public static final int ENCLAVE_MODE = 1 << 27;
    public static final int PENDING_MTF_EXIT = 1 << 28;
    public static final int FROM_VMX_ROOT = 1 << 29;
    public static final int ENTRY_FAILURE = 1 << 31;
    /** Bits a processor saves as 0 (16–26 and 30). */
    public static final int UNDEFINED_BITS = ~(BASIC_MASK | ENCLAVE_MODE | PENDING_MTF_EXIT | FROM_VMX_ROOT
            | ENTRY_FAILURE);

    private ExitReasonField() {
    }

    /** The field for an ordinary exit: the basic reason and no flag. */
    public static int encode(ExitReason reason) {
        return reason.number;
    }

    /** The field for a VM-entry failure exit (basic reason 33, 34 or 41 with bit 31 set, SDM 26.8). */
    public static int entryFailure(ExitReason reason) {
        return reason.number | ENTRY_FAILURE;
    }

    public static int encode(int basicReason, boolean enclaveMode, boolean pendingMtfExit, boolean fromVmxRoot,
            boolean entryFailure) {
        if ((basicReason & ~BASIC_MASK) != 0) {
            throw new IllegalArgumentException("basic exit reason out of bits 15:0: " + basicReason);
        }
        return basicReason | (enclaveMode ? ENCLAVE_MODE : 0) | (pendingMtfExit ? PENDING_MTF_EXIT : 0)
                | (fromVmxRoot ? FROM_VMX_ROOT : 0) | (entryFailure ? ENTRY_FAILURE : 0);
    }

    public static int basic(long field) {
        return (int) field & BASIC_MASK;
    }

    /** The basic reason as an {@link ExitReason}, or {@code null} for a number Appendix C does not list. */
    public static ExitReason reason(long field) {
        return ExitReason.byNumber(basic(field));
    }

    public static boolean enclaveMode(long field) {
        return (field & ENCLAVE_MODE) != 0;
    }

    public static boolean pendingMtfExit(long field) {
        return (field & PENDING_MTF_EXIT) != 0;
    }

    public static boolean fromVmxRoot(long field) {
        return (field & FROM_VMX_ROOT) != 0;
    }

    public static boolean entryFailure(long field) {
        return (field & ENTRY_FAILURE) != 0;
    }

    /** E.g. "30 I/O instruction" or "33 VM-entry failure due to invalid guest state, VM-entry failure". */
    public static String describe(long field) {
        int basic = basic(field);
        ExitReason r = ExitReason.byNumber(basic);
        StringBuilder s = new StringBuilder().append(basic).append(' ')
                .append(r == null ? "(no basic exit reason " + basic + " in SDM Appendix C)" : r.sdmName);
        if (enclaveMode(field)) {
            s.append(", incident to enclave mode");
        }
        if (pendingMtfExit(field)) {
            s.append(", pending MTF VM exit");
        }
        if (fromVmxRoot(field)) {
            s.append(", from VMX root operation");
        }
        if (entryFailure(field)) {
            s.append(", VM-entry failure");
        }
        long undefined = field & UNDEFINED_BITS & 0xffffffffL;
        if (undefined != 0) {
            s.append(", undefined bits set ").append(X86Names.hex(undefined));
        }
        return s.toString();
    }
}
