package org.vtsim.conformance.differential;

/**
 * The fixed linear (and, in the model, identity-mapped physical) addresses shared by the native
 * harness ({@code src/test/c/diff_harness.c}) and the model: one code page followed by one page
 * of scratch memory whose upper half is the sequence's own stack. Fixed addresses let absolute
 * and RIP-relative operands mean the same on both sides.
 */
final class Layout {
    static final long CODE = 0x4000_0000L;
    static final int CODE_SIZE = 0x1000;
    /** Scratch memory: data area, then the stack area; compared byte for byte. */
    static final long DATA = 0x4000_1000L;
    static final int DATA_SIZE = 0x1000;
    /** Memory operands of ordinary instructions fall in [DATA, DATA_END). */
    static final long DATA_END = DATA + 0x800;
    static final long STACK_LOW = DATA + 0x800;
    static final long STACK_HIGH = DATA + DATA_SIZE;
    /** Initial RSP: the middle of the stack area, so both pushes and pops have room. */
    static final long STACK_INIT = DATA + 0xc00;
    /** Room the harness needs after the sequence for its return stub. */
    static final int STUB_SIZE = 16;

    private Layout() {
    }
}
