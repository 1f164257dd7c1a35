package org.vtsim.cpu;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of one CPU for the run summary. Plain fields: the hot path increments them.
 * {@link #unimplemented()} lists each encoding the model lacks that the guest executed.
 */
public final class Counters {
    public long instructions;
    public long cycles;
    public long memoryAccesses;
    public long mmioAccesses;
    public long portAccesses;
    public long events;
    /** #PF exceptions the CPU delivered through the IDT (not those a VMM injects at VM entry). */
    public long pageFaults;
    public long decodedInstructions;
    public long codePagesDropped;
    /** Set when a device was touched (I/O, MMIO, device MSR): the core re-reads the next event time. */
    public boolean platformTouched;
    private final Map<String, Long> unimplemented = new TreeMap<>();

    /** Counts one execution of an unimplemented encoding, keyed "opcode bytes + name". */
    public void countUnimplemented(String what) {
        unimplemented.merge(what, 1L, Long::sum);
    }

    /** Unimplemented encodings met, by "opcode bytes + mnemonic", with execution counts. */
    public Map<String, Long> unimplemented() {
        return new TreeMap<>(unimplemented);
    }
}
