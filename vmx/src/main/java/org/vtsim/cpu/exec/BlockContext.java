package org.vtsim.cpu.exec;

/**
 * What a translated block asks of the core between its instructions. A block calls
 * {@link #before} ahead of every instruction that can fault, read RIP or charge cycles of its own
 * (so the counters, RIP and the instruction's start are exactly what the interpreter would show at
 * that point), {@link #after} after every instruction that can charge cycles or touch a device (so
 * the block stops at the instruction boundary where the interpreter would have looked at time and
 * interrupts), and {@link #fallThrough} when it ends without a branch.
 */
public abstract class BlockContext {
    /**
     * Instruction {@code k} of the block, {@code start} bytes from the block's first byte and
     * {@code length} long, is about to run: bring the counters up to date with instructions
     * 0 … k-1 and point RIP at its successor.
     */
    public abstract void before(int k, int start, int length);

    /**
     * The instruction last announced by {@link #before} has run, and {@code remaining} instructions
     * of the block follow it: true when the block must stop here because the core has to look at one
     * of the boundaries ahead itself (an event may fall due before the last of them, now that this
     * instruction added cycles of its own; a device was touched; the code page was written).
     */
    public abstract boolean after(int remaining);

    /** The block ran to its end without a branch: RIP is {@code length} bytes past its first byte. */
    public abstract void fallThrough(int length);
}
