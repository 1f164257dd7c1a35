package org.vtsim.cpu;

import org.vtsim.cpu.decode.Insn;

/** The operand access of the interpreter, for units that execute whole instructions (VMX). */
public interface InstructionOperands {
    /** The r/m operand (register or memory through segmentation and paging). */
    long readRm(Insn insn, int size);

    void writeRm(Insn insn, int size, long value);

    long getReg(int reg, int size);

    void setReg(int reg, int size, long value);

    /** The effective address (offset within the segment) of the memory operand. */
    long effectiveAddress(Insn insn);

    /** Reads {@code size} bytes at {@code offset} in segment {@code seg}. */
    long read(int seg, long offset, int size);

    void write(int seg, long offset, int size, long value);
}
