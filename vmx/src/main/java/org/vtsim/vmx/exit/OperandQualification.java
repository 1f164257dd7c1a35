package org.vtsim.vmx.exit;

import org.vtsim.vmx.ExitReason;

/**
 * The exit qualification of instructions whose qualification is an address or a displacement, SDM
 * Vol. 3C 27.2.1:
 *
 * <ul>
 *   <li>INVLPG: the linear-address operand; bits 63:32 are cleared outside 64-bit mode.</li>
 *   <li>INVEPT, INVPCID, INVVPID, LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT, STR, VMCLEAR, VMPTRLD, VMPTRST,
 *       VMREAD, VMWRITE, VMXON, XRSTORS, XSAVES: the displacement of the memory operand, sign-extended
 *       to 64 bits; 0 when the instruction has no displacement (e.g. a register operand). With
 *       RIP-relative addressing it is the displacement plus the RIP of the next instruction. Bits beyond
 *       the instruction's address size are undefined (vtsim leaves the full sum).</li>
 * </ul>
 */
public final class OperandQualification {
    private OperandQualification() {
    }

    /** INVLPG: the linear address, with bits 63:32 cleared unless in 64-bit mode. */
    public static long invlpg(long linearAddress, boolean in64BitMode) {
        return in64BitMode ? linearAddress : linearAddress & 0xffffffffL;
    }

    /**
     * The displacement qualification.
     *
     * @param displacement the displacement field, already sign-extended (0 if there is none)
     * @param ripRelative the operand is RIP-relative (64-bit mode only)
     * @param nextRip RIP of the following instruction; used only when {@code ripRelative}
     */
    public static long displacement(long displacement, boolean ripRelative, long nextRip) {
        return ripRelative ? displacement + nextRip : displacement;
    }

    /** Whether the SDM defines the qualification of {@code reason} as a displacement. */
    public static boolean isDisplacement(ExitReason reason) {
        return switch (reason) {
            case INVEPT, INVPCID, INVVPID, ACCESS_TO_GDTR_OR_IDTR, ACCESS_TO_LDTR_OR_TR, VMCLEAR, VMPTRLD, VMPTRST,
                    VMREAD, VMWRITE, VMXON, XRSTORS, XSAVES -> true;
            default -> false;
        };
    }

    /** E.g. "linear address 0xffff800000001000" or "displacement 0x10 (or RIP-relative target)". */
    public static String describe(ExitReason reason, long q) {
        if (reason == ExitReason.INVLPG) {
            return "linear address " + X86Names.hex(q);
        }
        if (isDisplacement(reason)) {
            return "memory-operand displacement " + (q < 0 ? "-" + X86Names.hex(-q) : X86Names.hex(q))
                    + " (for RIP-relative operands: the displacement plus the next RIP; 0 for a register operand)";
        }
        throw new IllegalArgumentException(reason + " has no address or displacement qualification");
    }
}
