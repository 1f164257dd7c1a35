package org.vtsim.cpu;

/**
 * An architectural exception raised while executing an instruction (SDM Vol. 3A 6.3). Thrown
 * by the execution units and caught at the instruction boundary by the core, which delivers it
 * through the IDT (or, in non-root operation, may turn it into a VM exit). It never escapes a
 * run: it is control flow, so it carries no stack trace.
 */
public final class CpuFault extends RuntimeException {
    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;

    private CpuFault(int vector, int errorCode, boolean hasErrorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    /** A fault without an error code (#DE, #UD, #NM, #BR, #DB, #BP, #OF, #MF, #XM). */
    public static CpuFault of(int vector) {
        return new CpuFault(vector, 0, false);
    }

    /** A fault with an error code (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP). */
    public static CpuFault withError(int vector, int errorCode) {
        return new CpuFault(vector, errorCode, true);
    }

    public static CpuFault gp(int errorCode) {
        return withError(Vectors.GP, errorCode);
    }

    public static CpuFault ud() {
        return of(Vectors.UD);
    }

    @Override
    public String getMessage() {
        return Vectors.name(vector) + (hasErrorCode ? "(0x" + Integer.toHexString(errorCode) + ")" : "");
    }
}
