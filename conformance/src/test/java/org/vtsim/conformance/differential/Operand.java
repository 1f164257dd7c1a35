package org.vtsim.conformance.differential;

/** An r/m operand: a register or a memory reference. */
sealed interface Operand permits Reg, Mem {
    /** Operand size in bytes. */
    int size();
}
