package org.vtsim.vmx.exit;

/**
 * Exit qualification for task switches, SDM Vol. 3C 27.2.1 (Table 27-2).
 *
 * <pre>
 *   15:0  selector of the TSS the guest attempted to switch to
 *   29:16 reserved (0)
 *   31:30 source: 0 CALL, 1 IRET, 2 JMP, 3 task gate in the IDT
 *   63:32 reserved (0)
 * </pre>
 */
public final class TaskSwitchQualification {
    public static final int SOURCE_CALL = 0;
    public static final int SOURCE_IRET = 1;
    public static final int SOURCE_JMP = 2;
    public static final int SOURCE_IDT_TASK_GATE = 3;
    public static final long RESERVED = ~0xc000ffffL;
    private static final String[] SOURCES = {"CALL", "IRET", "JMP", "task gate in IDT"};

    private TaskSwitchQualification() {
    }

    public static long encode(int tssSelector, int source) {
        if ((tssSelector & ~0xffff) != 0 || (source & ~3) != 0) {
            throw new IllegalArgumentException("selector " + tssSelector + " source " + source);
        }
        return tssSelector | (long) source << 30;
    }

    public static int tssSelector(long q) {
        return (int) q & 0xffff;
    }

    public static int source(long q) {
        return (int) (q >>> 30) & 3;
    }

    /** E.g. "task switch by JMP to TSS selector 0x28". */
    public static String describe(long q) {
        String s = "task switch by " + SOURCES[source(q)] + " to TSS selector " + X86Names.hex(tssSelector(q));
        if ((q & RESERVED) != 0) {
            s += ", reserved bits set " + X86Names.hex(q & RESERVED);
        }
        return s;
    }
}
