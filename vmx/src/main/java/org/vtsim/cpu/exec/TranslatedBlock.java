package org.vtsim.cpu.exec;

import org.vtsim.cpu.decode.Insn;

/**
 * A run of consecutive plain instructions of one decoded page ({@link BlockTranslator#translatable}),
 * from a hot instruction up to and including the first near branch (or up to the first instruction that
 * is not plain, which the block leaves to the interpreter), with its generated code. {@link #NONE} marks
 * a hot instruction that starts no block worth translating.
 */
public final class TranslatedBlock {
    /** No block here: the instruction is run by the interpreter for good. */
    public static final TranslatedBlock NONE = new TranslatedBlock(null, new Insn[0]);

    public final TranslatedCode code;
    public final Insn[] insns;
    /** Number of instructions. */
    public final int length;
    /** Number of bytes the instructions take. */
    public final int bytes;

    TranslatedBlock(TranslatedCode code, Insn[] insns) {
        this.code = code;
        this.insns = insns;
        this.length = insns.length;
        int n = 0;
        for (Insn i : insns) {
            n += i.len;
        }
        this.bytes = n;
    }
}
