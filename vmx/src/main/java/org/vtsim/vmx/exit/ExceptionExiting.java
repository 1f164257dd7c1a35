package org.vtsim.vmx.exit;

import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * Whether an exception exits in VMX non-root operation, SDM Vol. 3C 25.2 (exception bitmap, 24.6.3).
 * An exception (fault, trap or abort, including those of INT1, INT3, INTO, BOUND, UD0/1/2) exits iff the
 * bit of its vector in the exception bitmap is 1; software interrupts (INT n) and external interrupts do
 * not use the bitmap.
 *
 * <p>A page fault (vector 14) is special: if (PFEC &amp; PFEC_MASK) = PFEC_MATCH the fault exits iff bit 14
 * is 1; otherwise it exits iff bit 14 is 0.
 */
public final class ExceptionExiting {
    public static final int PAGE_FAULT = 14;

    private ExceptionExiting() {
    }

    /**
     * @param vector the exception vector (0–31)
     * @param errorCode the error code (used only for #PF)
     */
    public static boolean exits(int vector, int errorCode, int exceptionBitmap, int pfecMask, int pfecMatch) {
        if (vector < 0 || vector > 31) {
            throw new IllegalArgumentException("exception vector " + vector);
        }
        boolean bit = (exceptionBitmap >>> vector & 1) != 0;
        if (vector == PAGE_FAULT) {
            boolean match = (errorCode & pfecMask) == pfecMatch;
            return match == bit;
        }
        return bit;
    }

    public static boolean exits(Vmcs vmcs, int vector, int errorCode) {
        return exits(vector, errorCode, vmcs.get32(VmcsField.EXCEPTION_BITMAP),
                vmcs.get32(VmcsField.PAGE_FAULT_ERROR_CODE_MASK), vmcs.get32(VmcsField.PAGE_FAULT_ERROR_CODE_MATCH));
    }
}
