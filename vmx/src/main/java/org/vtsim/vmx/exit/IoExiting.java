package org.vtsim.vmx.exit;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.UNCONDITIONAL_IO_EXITING;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.USE_IO_BITMAPS;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * Whether an I/O instruction (IN, INS, OUT, OUTS) exits in VMX non-root operation, SDM Vol. 3C 25.1.3
 * (and the bitmaps of 24.6.4):
 *
 * <ul>
 *   <li>"use I/O bitmaps" 0: the instruction exits iff "unconditional I/O exiting" is 1.</li>
 *   <li>"use I/O bitmaps" 1: "unconditional I/O exiting" is ignored; the instruction exits iff the bit
 *       for any port it accesses is 1 (bitmap A holds ports 0000H–7FFFH, bitmap B 8000H–FFFFH, one bit
 *       per port), or the access wraps around the 16-bit port space (touches FFFFH and 0000H).</li>
 * </ul>
 *
 * For a string instruction the check is made once per iteration with that iteration's port and size.
 * The I/O-permission checks of protected mode (CPL > IOPL, TSS bitmap) come first and are the caller's
 * (SDM 25.1.1). No allocation: this runs for every guest I/O instruction.
 */
public final class IoExiting {
    private IoExiting() {
    }

    /**
     * @param primaryControls the primary processor-based VM-execution controls
     * @param memory physical memory holding the bitmaps
     * @param bitmapA physical address of I/O bitmap A (4 KiB)
     * @param bitmapB physical address of I/O bitmap B (4 KiB)
     * @param port the first port accessed (0–FFFFH)
     * @param size the access size in bytes (1, 2 or 4)
     */
    public static boolean exits(int primaryControls, PhysicalMemory memory, long bitmapA, long bitmapB, int port,
            int size) {
        if ((primaryControls & USE_IO_BITMAPS) == 0) {
            return (primaryControls & UNCONDITIONAL_IO_EXITING) != 0;
        }
        int last = port + size - 1;
        if (last > 0xffff) {
            return true; // wraps around the I/O-port space
        }
        for (int p = port; p <= last; p++) {
            long bitmap = p < 0x8000 ? bitmapA : bitmapB;
            int bit = p & 0x7fff;
            if ((memory.read8(bitmap + (bit >>> 3)) >>> (bit & 7) & 1) != 0) {
                return true;
            }
        }
        return false;
    }

    /** {@link #exits(int, PhysicalMemory, long, long, int, int)} with the controls and bitmaps of a VMCS. */
    public static boolean exits(Vmcs vmcs, PhysicalMemory memory, int port, int size) {
        return exits(vmcs.get32(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS), memory,
                vmcs.get(VmcsField.IO_BITMAP_A_ADDRESS), vmcs.get(VmcsField.IO_BITMAP_B_ADDRESS), port, size);
    }
}
