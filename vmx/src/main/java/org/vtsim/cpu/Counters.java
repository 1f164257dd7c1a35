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
    /**
     * Instructions decoded (at a fetch, or ahead of a block translation): a host-side figure, which
     * block translation may change; the model's results never depend on it.
     */
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

    /**
     * Back to the power-on counts (a system reset: the run after it counts from zero, as a fresh boot's does);
     * {@link #platformTouched} is set so that the next boundary asks the devices, which a reset replaced.
     */
    public void reset() {
        instructions = 0;
        cycles = 0;
        memoryAccesses = 0;
        mmioAccesses = 0;
        portAccesses = 0;
        events = 0;
        pageFaults = 0;
        decodedInstructions = 0;
        codePagesDropped = 0;
        unimplemented.clear();
        platformTouched = true;
    }
}
