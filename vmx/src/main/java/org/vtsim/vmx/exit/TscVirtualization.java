package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.RDTSC_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_TSC_OFFSETTING;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_RDTSCP;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.USE_TSC_SCALING;

import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * RDTSC and RDTSCP in VMX non-root operation.
 *
 * <ul>
 *   <li>RDTSC exits iff "RDTSC exiting" is 1; RDTSCP exits iff "RDTSC exiting" and "enable RDTSCP" are
 *       both 1 (SDM Vol. 3C 25.1.3). With "enable RDTSCP" 0, RDTSCP raises #UD, with priority over any
 *       other exception (SDM 25.3).</li>
 *   <li>Otherwise the value read (SDM 25.3, 24.6.5): with "use TSC offsetting" 0, IA32_TSC unchanged;
 *       with offsetting 1 and "use TSC scaling" 0, IA32_TSC + TSC offset; with both 1, the 128-bit product
 *       IA32_TSC × TSC multiplier shifted right 48 bits, plus the TSC offset (all mod 2^64). Scaling is not
 *       applied without offsetting. The same value is what RDMSR of IA32_TSC returns when it does not
 *       exit.</li>
 * </ul>
 * The CR4.TSD check (#GP at CPL &gt; 0) has priority over the exit and is the caller's (SDM 25.1.1).
 */
public final class TscVirtualization {
    /** The TSC multiplier is a fixed-point number with 48 fraction bits (SDM 24.6.5). */
    public static final int MULTIPLIER_FRACTION_BITS = 48;

    private TscVirtualization() {
    }

    public static boolean rdtscExits(int primaryControls) {
        return (primaryControls & RDTSC_EXITING) != 0;
    }

    /** Whether RDTSCP is enabled at all; if not, RDTSCP raises #UD in non-root operation. */
    public static boolean rdtscpEnabled(int primaryControls, int secondaryControls) {
        return (ExecutionControls.secondary(primaryControls, secondaryControls) & ENABLE_RDTSCP) != 0;
    }

    public static boolean rdtscpExits(int primaryControls, int secondaryControls) {
        return rdtscExits(primaryControls) && rdtscpEnabled(primaryControls, secondaryControls);
    }

    /** The TSC value the guest reads, given the host's IA32_TSC. */
    public static long guestTsc(long tsc, int primaryControls, int secondaryControls, long offset,
            long multiplier) {
        if ((primaryControls & USE_TSC_OFFSETTING) == 0) {
            return tsc;
        }
        if ((ExecutionControls.secondary(primaryControls, secondaryControls) & USE_TSC_SCALING) != 0) {
            return scale(tsc, multiplier) + offset;
        }
        return tsc + offset;
    }

    public static long guestTsc(Vmcs vmcs, long tsc) {
        return guestTsc(tsc, vmcs.get32(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS),
                vmcs.get32(VmcsField.SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS), vmcs.get(VmcsField.TSC_OFFSET),
                vmcs.get(VmcsField.TSC_MULTIPLIER));
    }

    /** Bits 111:48 of the unsigned 128-bit product tsc × multiplier. */
    public static long scale(long tsc, long multiplier) {
        long low = tsc * multiplier;
        // Unsigned high half from the signed one: add back b when a < 0 and a when b < 0.
        long high = Math.multiplyHigh(tsc, multiplier) + ((tsc >> 63) & multiplier) + ((multiplier >> 63) & tsc);
        return high << (64 - MULTIPLIER_FRACTION_BITS) | low >>> MULTIPLIER_FRACTION_BITS;
    }
}
