package org.vtsim.vmx.entry;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.vmcs.FieldSet;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * The first failed VM-entry check (SDM Vol. 3C 26.2, 26.3.1) computed incrementally. The SDM has VM
 * entry make every check at every VMLAUNCH/VMRESUME; a monitor changes few fields between entries
 * (RIP, the exit information, an injected event), and an area's answer is a function of the VMCS
 * fields it reads, the processor facts, the processor's IA-32e mode and memory. So after a VMCS passed,
 * an area is run again only when one of the fields it read changed value since ({@link
 * Vmcs#changedSince}), when it read memory, or when the VMCS, the memory or the mode is not the one
 * that passed; the other areas still pass. The reported failure is therefore exactly the one a full
 * run reports: the areas before the first that fails pass either way, and that area is run in full.
 * {@code IncrementalEntryChecksTest} compares the two over random VMCS and memory mutations.
 *
 * <p>An area's read set is what it read when it last ran: its control flow depends only on what it
 * read, so as long as none of that changed it takes the same path and reads the same fields.
 */
final class EntryCheckMemo {
    private static final CheckArea[] AREAS = CheckArea.IN_ORDER;

    private final ProcessorFacts facts;
    /** Per area: the VMCS fields it read when it last ran. */
    private final FieldSet[] reads = new FieldSet[AREAS.length];
    /** Per area: whether it read memory when it last ran. */
    private final boolean[] readMemory = new boolean[AREAS.length];
    private final ReadWatchingMemory watched = new ReadWatchingMemory();
    /** The VMCS that passed every check last, with the memory and mode it passed with; null if none. */
    private Vmcs passed;
    private PhysicalMemory passedMemory;
    private boolean passedIa32e;
    /** Areas run so far (for tests: the memo must actually skip work). */
    long areasRun;

    EntryCheckMemo(ProcessorFacts facts) {
        this.facts = facts;
        for (int k = 0; k < AREAS.length; k++) {
            reads[k] = new FieldSet();
        }
    }

    EntryCheckFailure firstFailure(Vmcs v, PhysicalMemory memory, boolean ia32e) {
        boolean reuse = v == passed && memory == passedMemory && ia32e == passedIa32e;
        passed = null; // until this run passes too
        watched.watch(memory);
        for (int k = 0; k < AREAS.length; k++) {
            if (reuse && !readMemory[k] && !v.changedSince(this, reads[k])) {
                continue;
            }
            FieldSet r = reads[k];
            r.clear();
            watched.forget();
            areasRun++;
            EntryCheckFailure f;
            v.logReads(r);
            try {
                f = AREAS[k].check(v, watched, facts, ia32e, FailureSink.FIRST);
            } finally {
                v.logReads(null);
            }
            readMemory[k] = watched.wasRead();
            if (f != null) {
                return f;
            }
        }
        passed = v;
        passedMemory = memory;
        passedIa32e = ia32e;
        v.observeChangesFrom(this);
        return null;
    }
}
