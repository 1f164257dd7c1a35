package org.vtsim.conformance.differential;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares the model's final state with the host's: the fault (if any) and where, all 16
 * registers, the status flags and DF except those the SDM leaves undefined after the sequence,
 * and every byte of the scratch memory. {@link #describe} prints what a person needs to replay
 * and fix the case.
 */
final class Comparison {
    private Comparison() {
    }

    /** The differences, empty when the states agree. */
    static List<String> differences(TestCase c, MachineState expected, MachineState actual) {
        List<String> d = new ArrayList<>();
        if (expected.fault() != actual.fault() || (expected.fault() != MachineState.NO_FAULT
                && expected.faultRip() != actual.faultRip())) {
            d.add(String.format("fault: host %s at %x, model %s at %x %s", faultName(expected.fault()), expected.faultRip(),
                    faultName(actual.fault()), actual.faultRip(), actual.note()));
            return d;
        }
        for (int r = 0; r < 16; r++) {
            if (expected.regs()[r] != actual.regs()[r]) {
                d.add(String.format("%-4s host %016x model %016x", Reg.of(r, 8), expected.regs()[r], actual.regs()[r]));
            }
        }
        long mask = Flags.COMPARED & ~c.undefinedAtEnd();
        if (((expected.rflags() ^ actual.rflags()) & mask) != 0) {
            d.add(String.format("rflags host %03x model %03x differ in [%s] (compared: %s)", expected.rflags() & mask,
                    actual.rflags() & mask, Flags.names((expected.rflags() ^ actual.rflags()) & mask), Flags.names(mask)));
        }
        int shown = 0;
        for (int i = 0; i < Layout.DATA_SIZE; i++) {
            if (expected.memory()[i] != actual.memory()[i]) {
                if (shown++ < 8) {
                    d.add(String.format("mem[%x] host %02x model %02x", Layout.DATA + i, expected.memory()[i] & 0xff,
                            actual.memory()[i] & 0xff));
                }
            }
        }
        if (shown > 8) {
            d.add((shown - 8) + " more memory bytes differ");
        }
        return d;
    }

    static String faultName(int vector) {
        return vector == MachineState.NO_FAULT ? "none" : org.vtsim.cpu.Vectors.name(vector);
    }

    static String describe(long runSeed, int index, TestCase c, List<String> diffs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("MISMATCH run seed 0x%x case #%d, replay with -Dvtsim.diff.case=0x%x%n", runSeed, index, c.seed()));
        sb.append("  code:\n").append(c.listing());
        sb.append("  initial:");
        for (int r = 0; r < 16; r++) {
            sb.append(r % 4 == 0 ? "\n    " : "  ").append(String.format("%-4s %016x", Reg.of(r, 8), c.regs()[r]));
        }
        sb.append(String.format("%n    rflags %03x  memory seed %016x%n", c.rflags(), c.memorySeed()));
        sb.append("  undefined flags at end: [").append(Flags.names(c.undefinedAtEnd())).append("]\n");
        for (String d : diffs) {
            sb.append("  ").append(d).append('\n');
        }
        return sb.toString();
    }
}
