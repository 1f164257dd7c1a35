package org.vtsim.vmx.exit;

import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * The CR3-target rule, SDM Vol. 3C 24.6.7 and 25.1.3: with "CR3-load exiting" 1, MOV to CR3 does not exit
 * if its source operand equals one of the first n CR3-target values, n being the CR3-target count. A
 * count of 0 means every MOV to CR3 exits. VM entry fails for a count above 4 (SDM 26.2.1.1), so a larger
 * count here is a bug of the caller.
 */
public final class Cr3TargetMatch {
    public static final int MAX_COUNT = 4;

    private Cr3TargetMatch() {
    }

    public static boolean matches(long value, int count, long target0, long target1, long target2, long target3) {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalStateException("CR3-target count " + count + " passed VM entry (SDM 26.2.1.1)");
        }
        return count > 0 && value == target0 || count > 1 && value == target1 || count > 2 && value == target2
                || count > 3 && value == target3;
    }

    public static boolean matches(Vmcs vmcs, long value) {
        return matches(value, vmcs.get32(VmcsField.CR3_TARGET_COUNT), vmcs.get(VmcsField.CR3_TARGET_VALUE_0),
                vmcs.get(VmcsField.CR3_TARGET_VALUE_1), vmcs.get(VmcsField.CR3_TARGET_VALUE_2),
                vmcs.get(VmcsField.CR3_TARGET_VALUE_3));
    }
}
