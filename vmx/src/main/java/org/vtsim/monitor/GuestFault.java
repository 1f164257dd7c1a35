package org.vtsim.monitor;

/**
 * An exception the monitor raises in the guest while emulating an instruction (a page fault on a
 * string I/O operand, #GP for a refused MSR): delivered by VM-entry event injection (SDM 26.6).
 */
public final class GuestFault extends RuntimeException {
    public final int vector;
    /** The error code, or -1 for none. */
    public final int errorCode;
    /** CR2 for a page fault. */
    public final long cr2;

    public GuestFault(int vector, int errorCode, long cr2) {
        super("guest exception " + vector, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.cr2 = cr2;
    }

    public static GuestFault gp0() {
        return new GuestFault(13, 0, 0);
    }

    public static GuestFault ud() {
        return new GuestFault(6, -1, 0);
    }
}
