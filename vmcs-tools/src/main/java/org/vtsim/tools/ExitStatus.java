package org.vtsim.tools;

/**
 * Process exit statuses of vtsim's own outcomes. They are even, so they never collide with a
 * guest's exit-device status, which is {@code (v << 1) | 1} and therefore odd.
 */
public final class ExitStatus {
    /** The command did what was asked (commands other than {@code run}). */
    public static final int OK = 0;
    /** Bad command line or unreadable / malformed input (picocli's usage status). */
    public static final int USAGE = 2;
    /** The guest shut the CPU down (triple fault) before using the exit device. */
    public static final int GUEST_SHUTDOWN = 4;
    /** The instruction or cycle limit was reached before the guest exited. */
    public static final int LIMIT_REACHED = 6;
    /** The guest halted with no interrupt that could ever wake it. */
    public static final int GUEST_HUNG = 8;
    /** The guest needed a feature the model does not implement (the summary names it). */
    public static final int UNSUPPORTED = 12;
    /** {@code vtsim vmcs check}: the VMCS fails at least one VM-entry check (each is listed). */
    public static final int ENTRY_CHECKS_FAILED = 14;
    /** {@code vtsim compare}: some run did not end with the guest's success status (its cell says why). */
    public static final int STUDY_INCOMPLETE = 16;
    /** A bug in vtsim itself. */
    public static final int INTERNAL_ERROR = 10;

    private ExitStatus() {
    }
}
