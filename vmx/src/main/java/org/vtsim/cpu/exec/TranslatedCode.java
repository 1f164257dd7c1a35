package org.vtsim.cpu.exec;

import org.vtsim.cpu.decode.Insn;

/**
 * The generated code of one translated block (see {@link BlockTranslator}): runs the block's
 * instructions in order and returns how many it ran, all of them unless {@link BlockContext#after}
 * asked it to stop early. The code holds no state: it depends only on the instructions' forms and
 * operands, so one instance serves every block with the same ones, in every machine of the JVM.
 */
public interface TranslatedCode {
    /**
     * @param ip the interpreter whose registers and memory the instructions act on
     * @param insns the block's instructions (memory forms read their addressing from them)
     * @param ctx the core's bookkeeping between instructions
     * @return the number of instructions run
     */
    int run(Interpreter ip, Insn[] insns, BlockContext ctx);
}
