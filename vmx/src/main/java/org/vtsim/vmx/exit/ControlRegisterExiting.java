package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.CR3_LOAD_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.CR3_STORE_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.CR8_LOAD_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.CR8_STORE_EXITING;

import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * Control-register accesses in VMX non-root operation: when they exit (SDM Vol. 3C 25.1.3) and what the
 * ones that do not exit read and write (SDM 25.3). A bit set in the CR0 (CR4) guest/host mask is owned by
 * the host: guest reads of it return the read shadow and guest writes of it exit when they would change
 * what the guest sees (SDM 24.6.6).
 */
public final class ControlRegisterExiting {
    private static final long TS = CpuState.CR0_TS;
    private static final long PE = CpuState.CR0_PE;

    private ControlRegisterExiting() {
    }

    // ---- reads: MOV from CR0/CR4, SMSW ----

    /**
     * What MOV from CR0/CR4 and SMSW return in non-root operation (SDM 25.3): the read shadow for the bits
     * set in the mask, the register for the others. SMSW stores the low bits of this value.
     */
    public static long readShadowed(long actual, long mask, long shadow) {
        return actual & ~mask | shadow & mask;
    }

    // ---- MOV to CR0 / CR4 ----

    /**
     * MOV to CR0 or CR4 exits iff, for some bit set in the guest/host mask, the source operand differs from
     * the read shadow (SDM 25.1.3).
     */
    public static boolean movToCr0OrCr4Exits(long source, long mask, long shadow) {
        return ((source ^ shadow) & mask) != 0;
    }

    public static boolean movToCr0Exits(Vmcs vmcs, long source) {
        return movToCr0OrCr4Exits(source, vmcs.get(VmcsField.CR0_GUEST_HOST_MASK),
                vmcs.get(VmcsField.CR0_READ_SHADOW));
    }

    public static boolean movToCr4Exits(Vmcs vmcs, long source) {
        return movToCr0OrCr4Exits(source, vmcs.get(VmcsField.CR4_GUEST_HOST_MASK),
                vmcs.get(VmcsField.CR4_READ_SHADOW));
    }

    /**
     * The value a MOV to CR0/CR4 that does not exit writes: it leaves unmodified every bit set in the
     * guest/host mask (SDM 25.3 "MOV to CR0", "MOV to CR4") and takes the others from the source.
     */
    public static long nonRootWriteValue(long source, long current, long mask) {
        return current & mask | source & ~mask;
    }

    /**
     * Whether a non-exiting MOV to CR0 that would produce {@code newCr0} (see {@link #nonRootWriteValue})
     * raises #GP for a guest-owned bit not supported in VMX operation (IA32_VMX_CR0_FIXED0/1, SDM 23.8).
     * With "unrestricted guest" 1, PE and PG are exempt (SDM 25.3). The architectural #GP cases (PG without
     * PE, PG with LME and no PAE) are the CPU's own rules and not checked here.
     */
    public static boolean cr0WriteViolatesFixedBits(long newCr0, long mask, VmxCapabilities caps,
            boolean unrestrictedGuest) {
        long checked = ~mask;
        if (unrestrictedGuest) {
            checked &= ~(CpuState.CR0_PE | CpuState.CR0_PG);
        }
        return ((caps.cr0Fixed0 & ~newCr0) & checked) != 0 || ((newCr0 & ~caps.cr0Fixed1) & checked) != 0;
    }

    /** As {@link #cr0WriteViolatesFixedBits} for MOV to CR4 (IA32_VMX_CR4_FIXED0/1; SDM 25.3). */
    public static boolean cr4WriteViolatesFixedBits(long newCr4, long mask, VmxCapabilities caps) {
        long checked = ~mask;
        return ((caps.cr4Fixed0 & ~newCr4) & checked) != 0 || ((newCr4 & ~caps.cr4Fixed1) & checked) != 0;
    }

    // ---- CLTS ----

    /** CLTS exits iff bit 3 (TS) is set in both the CR0 guest/host mask and the CR0 read shadow (25.1.3). */
    public static boolean cltsExits(long cr0Mask, long cr0Shadow) {
        return (cr0Mask & cr0Shadow & TS) != 0;
    }

    /**
     * CR0 after a CLTS that does not exit (SDM 25.3): TS cleared if the mask's TS bit is 0; unchanged if it
     * is 1 (then the shadow's TS is 0, else CLTS would have exited).
     */
    public static long cltsResult(long cr0, long cr0Mask) {
        return (cr0Mask & TS) != 0 ? cr0 : cr0 & ~TS;
    }

    // ---- LMSW ----

    /**
     * LMSW exits (SDM 25.1.3) iff bit 0 (PE) is set in the mask and in the source and clear in the shadow,
     * or, for some bit of 3:1, the bit is set in the mask and the source and shadow differ. (LMSW never
     * clears PE, so a source PE of 0 never changes what the guest sees.)
     */
    public static boolean lmswExits(int source, long cr0Mask, long cr0Shadow) {
        long s = source & 0xfL;
        boolean pe = (cr0Mask & s & ~cr0Shadow & PE) != 0;
        boolean bits3to1 = ((s ^ cr0Shadow) & cr0Mask & 0xeL) != 0;
        return pe || bits3to1;
    }

    /**
     * CR0 after an LMSW that does not exit (SDM 25.3): only bits 3:0 are loaded, PE can be set but not
     * cleared, and bits set in the mask keep their current value.
     */
    public static long lmswResult(long cr0, int source, long cr0Mask) {
        long s = source & 0xfL;
        long loaded = cr0 & ~0xfL | s | cr0 & PE; // architectural LMSW: PE sticks at 1
        return nonRootWriteValue(loaded, cr0, cr0Mask);
    }

    // ---- CR3 and CR8 ----

    /**
     * MOV to CR3 exits iff "CR3-load exiting" is 1 and the source is not one of the first CR3-target-count
     * CR3-target values (SDM 25.1.3, {@link Cr3TargetMatch}).
     */
    public static boolean movToCr3Exits(Vmcs vmcs, long source) {
        return (vmcs.get32(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & CR3_LOAD_EXITING) != 0
                && !Cr3TargetMatch.matches(vmcs, source);
    }

    /** Same rule from raw values. */
    public static boolean movToCr3Exits(int primaryControls, long source, int targetCount, long target0,
            long target1, long target2, long target3) {
        return (primaryControls & CR3_LOAD_EXITING) != 0
                && !Cr3TargetMatch.matches(source, targetCount, target0, target1, target2, target3);
    }

    /** MOV from CR3 exits iff "CR3-store exiting" is 1 (SDM 25.1.3). */
    public static boolean movFromCr3Exits(int primaryControls) {
        return (primaryControls & CR3_STORE_EXITING) != 0;
    }

    /**
     * MOV to CR8 exits iff "CR8-load exiting" is 1 (SDM 25.1.3). Without an exit and with "use TPR shadow"
     * the write goes to the virtual TPR (SDM 29.3), which is the CPU's part.
     */
    public static boolean movToCr8Exits(int primaryControls) {
        return (primaryControls & CR8_LOAD_EXITING) != 0;
    }

    /** MOV from CR8 exits iff "CR8-store exiting" is 1 (SDM 25.1.3). */
    public static boolean movFromCr8Exits(int primaryControls) {
        return (primaryControls & CR8_STORE_EXITING) != 0;
    }
}
