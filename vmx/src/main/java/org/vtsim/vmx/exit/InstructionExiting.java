package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.HLT_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.INVLPG_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.MONITOR_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.MOV_DR_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.MWAIT_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.RDPMC_EXITING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.DESCRIPTOR_TABLE_EXITING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_INVPCID;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_XSAVES_XRSTORS;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.RDRAND_EXITING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.RDSEED_EXITING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.VMCS_SHADOWING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.WBINVD_EXITING;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.ExitReason;

/**
 * The instructions that exit unconditionally in VMX non-root operation (SDM Vol. 3C 25.1.2) and those
 * governed by one control or a control and a bitmap (25.1.3), apart from the ones with a class of their
 * own (I/O, MSRs, control registers, RDTSC/RDTSCP, PAUSE). Secondary controls count only when "activate
 * secondary controls" is 1 (24.6.2). Exceptions with priority over the exit (25.1.1) are the caller's.
 */
public final class InstructionExiting {
    private InstructionExiting() {
    }

    /**
     * SDM 25.1.2: CPUID, GETSEC, INVD, XSETBV, INVEPT, INVVPID, VMCALL, VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST,
     * VMRESUME, VMXOFF and VMXON always exit (VMREAD and VMWRITE do too unless VMCS shadowing lets them
     * through, see {@link #vmreadOrVmwriteExits}).
     */
    public static boolean exitsUnconditionally(ExitReason reason) {
        return switch (reason) {
            case CPUID, GETSEC, INVD, XSETBV, INVEPT, INVVPID, VMCALL, VMCLEAR, VMLAUNCH, VMPTRLD, VMPTRST, VMRESUME,
                    VMXOFF, VMXON -> true;
            default -> false;
        };
    }

    public static boolean hltExits(int primary) {
        return (primary & HLT_EXITING) != 0;
    }

    public static boolean invlpgExits(int primary) {
        return (primary & INVLPG_EXITING) != 0;
    }

    /** With "enable INVPCID" 0, INVPCID raises #UD in non-root operation (SDM 25.3). */
    public static boolean invpcidEnabled(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & ENABLE_INVPCID) != 0;
    }

    /** INVPCID exits iff "INVLPG exiting" and "enable INVPCID" are both 1 (SDM 25.1.3). */
    public static boolean invpcidExits(int primary, int secondary) {
        return invlpgExits(primary) && invpcidEnabled(primary, secondary);
    }

    public static boolean monitorExits(int primary) {
        return (primary & MONITOR_EXITING) != 0;
    }

    public static boolean mwaitExits(int primary) {
        return (primary & MWAIT_EXITING) != 0;
    }

    public static boolean rdpmcExits(int primary) {
        return (primary & RDPMC_EXITING) != 0;
    }

    public static boolean movDrExits(int primary) {
        return (primary & MOV_DR_EXITING) != 0;
    }

    /** LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT, STR: "descriptor-table exiting" (SDM 25.1.3). */
    public static boolean descriptorTableExits(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & DESCRIPTOR_TABLE_EXITING) != 0;
    }

    public static boolean rdrandExits(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & RDRAND_EXITING) != 0;
    }

    public static boolean rdseedExits(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & RDSEED_EXITING) != 0;
    }

    /** WBINVD and WBNOINVD: "WBINVD exiting" (SDM 25.1.3). */
    public static boolean wbinvdExits(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & WBINVD_EXITING) != 0;
    }

    /** With "enable XSAVES/XRSTORS" 0, XSAVES and XRSTORS raise #UD in non-root operation (SDM 25.3). */
    public static boolean xsavesEnabled(int primary, int secondary) {
        return (ExecutionControls.secondary(primary, secondary) & ENABLE_XSAVES_XRSTORS) != 0;
    }

    /**
     * XSAVES and XRSTORS exit iff "enable XSAVES/XRSTORS" is 1 and some bit is set in EDX:EAX, in IA32_XSS
     * and in the XSS-exiting bitmap (SDM 25.1.3).
     */
    public static boolean xsavesOrXrstorsExits(int primary, int secondary, long edxEax, long ia32Xss,
            long xssExitingBitmap) {
        return xsavesEnabled(primary, secondary) && (edxEax & ia32Xss & xssExitingBitmap) != 0;
    }

    /**
     * VMREAD (with the VMREAD bitmap) or VMWRITE (with the VMWRITE bitmap) exits iff "VMCS shadowing" is 0,
     * or bits 63:15 of the field-encoding operand are not all 0, or bit n of the 4-KiB bitmap is 1 for
     * n = bits 14:0 of the operand (SDM 25.1.3, 24.6.15).
     *
     * @param encodingOperand the register operand holding the field encoding (64 bits in 64-bit mode,
     *     zero-extended otherwise)
     */
    public static boolean vmreadOrVmwriteExits(int primary, int secondary, PhysicalMemory memory, long bitmap,
            long encodingOperand) {
        if ((ExecutionControls.secondary(primary, secondary) & VMCS_SHADOWING) == 0
                || (encodingOperand & ~0x7fffL) != 0) {
            return true;
        }
        int n = (int) encodingOperand;
        return (memory.read8(bitmap + (n >>> 3)) >>> (n & 7) & 1) != 0;
    }
}
