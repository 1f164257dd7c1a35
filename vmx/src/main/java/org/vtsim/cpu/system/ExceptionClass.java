package org.vtsim.cpu.system;

import org.vtsim.cpu.Vectors;

/**
 * The exception classes of the double-fault rules (SDM Vol. 3A 6.15, Table 6-4) and the
 * combination rule (Table 6-5).
 */
public enum ExceptionClass {
    BENIGN, CONTRIBUTORY, PAGE_FAULT, DOUBLE_FAULT;

    /** The class of an event: interrupts, NMI and software interrupts are benign. */
    public static ExceptionClass of(Event e) {
        if (e.type() != EventType.HARDWARE_EXCEPTION) {
            return BENIGN;
        }
        return ofVector(e.vector());
    }

    public static ExceptionClass ofVector(int vector) {
        return switch (vector) {
            case Vectors.DE, Vectors.TS, Vectors.NP, Vectors.SS, Vectors.GP -> CONTRIBUTORY;
            case Vectors.PF -> PAGE_FAULT;
            case Vectors.DF -> DOUBLE_FAULT;
            default -> BENIGN;
        };
    }

    /** The outcome of a {@code second} exception raised while delivering a {@code first}. */
    public enum Outcome { SERIAL, DOUBLE_FAULT, SHUTDOWN }

    /**
     * Table 6-5, plus the Interrupt 8 rule that any exception while delivering #DF shuts the
     * processor down (SDM Vol. 3A 6.15, "Interrupt 8—Double Fault Exception").
     */
    public static Outcome combine(ExceptionClass first, ExceptionClass second) {
        if (first == DOUBLE_FAULT) {
            return Outcome.SHUTDOWN;
        }
        boolean df = (first == CONTRIBUTORY && second == CONTRIBUTORY)
                || (first == PAGE_FAULT && (second == CONTRIBUTORY || second == PAGE_FAULT));
        return df ? Outcome.DOUBLE_FAULT : Outcome.SERIAL;
    }
}
