package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_MSR_BITMAPS;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * Whether RDMSR or WRMSR exits in VMX non-root operation, SDM Vol. 3C 25.1.3, with the MSR-bitmap layout
 * of 24.6.9. The instruction exits if any of these holds:
 *
 * <ul>
 *   <li>"use MSR bitmaps" is 0;</li>
 *   <li>ECX is outside 00000000H–00001FFFH and C0000000H–C0001FFFH;</li>
 *   <li>ECX is in the low range and bit ECX of the read (write) bitmap for low MSRs is 1;</li>
 *   <li>ECX is in the high range and bit (ECX &amp; 1FFFH) of the read (write) bitmap for high MSRs is 1.</li>
 * </ul>
 *
 * The 4-KiB MSR-bitmap page holds four 1-KiB bitmaps: read-low at 000H, read-high at 400H, write-low at
 * 800H, write-high at C00H. Exceptions with priority over the exit (#GP for CPL &gt; 0) are the caller's
 * (SDM 25.1.1). x2APIC-virtualization effects on MSRs 800H–8FFH (SDM 29.5) are not modelled here.
 */
public final class MsrExiting {
    public static final int READ_LOW = 0x000;
    public static final int READ_HIGH = 0x400;
    public static final int WRITE_LOW = 0x800;
    public static final int WRITE_HIGH = 0xc00;

    private MsrExiting() {
    }

    public static boolean rdmsrExits(int primaryControls, PhysicalMemory memory, long msrBitmaps, int ecx) {
        return exits(primaryControls, memory, msrBitmaps, ecx, READ_LOW);
    }

    public static boolean wrmsrExits(int primaryControls, PhysicalMemory memory, long msrBitmaps, int ecx) {
        return exits(primaryControls, memory, msrBitmaps, ecx, WRITE_LOW);
    }

    public static boolean rdmsrExits(Vmcs vmcs, PhysicalMemory memory, int ecx) {
        return rdmsrExits(vmcs.get32(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS), memory,
                vmcs.get(VmcsField.MSR_BITMAPS_ADDRESS), ecx);
    }

    public static boolean wrmsrExits(Vmcs vmcs, PhysicalMemory memory, int ecx) {
        return wrmsrExits(vmcs.get32(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS), memory,
                vmcs.get(VmcsField.MSR_BITMAPS_ADDRESS), ecx);
    }

    private static boolean exits(int primaryControls, PhysicalMemory memory, long msrBitmaps, int ecx,
            int lowBitmap) {
        if ((primaryControls & USE_MSR_BITMAPS) == 0) {
            return true;
        }
        int offset;
        if ((ecx & ~0x1fff) == 0) {
            offset = lowBitmap;
        } else if ((ecx & ~0x1fff) == 0xc0000000) {
            offset = lowBitmap + 0x400; // the high bitmap follows its low one
        } else {
            return true;
        }
        int n = ecx & 0x1fff;
        return (memory.read8(msrBitmaps + offset + (n >>> 3)) >>> (n & 7) & 1) != 0;
    }
}
