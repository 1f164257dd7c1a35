package org.vtsim.vmx.entry;

import java.util.List;

/**
 * Where a check area reports a failed rule, and whether checking goes on. {@link #FIRST} (used by
 * VMLAUNCH/VMRESUME) holds no state and stops at the first failed rule, so a VMCS that passes is
 * checked without allocating anything; {@link #collectInto} keeps going to explain every failure.
 */
@FunctionalInterface
interface FailureSink {
    /** Records {@code f}; true when checking should stop here. */
    boolean stop(EntryCheckFailure f);

    FailureSink FIRST = f -> true;

    static FailureSink collectInto(List<EntryCheckFailure> out) {
        return f -> {
            out.add(f);
            return false;
        };
    }
}
