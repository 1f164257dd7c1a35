package org.vtsim.vmx.vmcs;

import java.util.Arrays;
import org.vtsim.ept.PhysicalMemory;

/**
 * The contents of one VMCS as the processor caches it while the VMCS is active (SDM Vol. 3C 24.1,
 * 24.11.1): every field's value and the launch state.
 *
 * <p>The processor's own data format in the VMCS region is implementation-specific (SDM 24.2); vtsim
 * chooses this one, documented for readers of memory dumps:
 *
 * <pre>
 *   offset 0   VMCS revision identifier (bits 30:0), shadow-VMCS indicator (bit 31)  -- SDM 24.2
 *   offset 4   VMX-abort indicator                                                     -- SDM 24.2
 *   offset 8   launch state: 0 clear, 1 launched                                       -- vtsim
 *   offset 16  field values, 8 bytes each, in {@link VmcsField} declaration order      -- vtsim
 * </pre>
 *
 * Software that reads or writes the region directly while the VMCS is active sees stale data, as the
 * SDM warns (24.11.1): the region is written only by {@link #writeBack} (VMCLEAR, and VMPTRLD of
 * another VMCS) and read only by {@link #load} (VMPTRLD).
 */
public final class Vmcs {
    public static final int REVISION_OFFSET = 0;
    public static final int ABORT_INDICATOR_OFFSET = 4;
    public static final int LAUNCH_STATE_OFFSET = 8;
    public static final int DATA_OFFSET = 16;
    /** Bytes of the region this format uses; IA32_VMX_BASIC must report at least this region size. */
    public static final int DATA_BYTES = DATA_OFFSET + 8 * VmcsField.values().length;

    private static final VmcsField[] FIELDS = VmcsField.values();

    /** Guest-physical (in root mode: physical) address of the VMCS region. */
    public final long address;
    private final long[] values = new long[FIELDS.length];
    private boolean launched;
    /**
     * Fields whose value changed since {@link #observeChangesFrom} was last called, by the observer
     * named there. The VM-entry checks use it to re-run only the checks that read a changed field
     * (results of the others cannot have changed); a new VMCS starts with every field changed.
     */
    private final FieldSet changed = new FieldSet();
    private Object changesObserver;
    /** Where {@link #get} and {@link #get32} note the fields they read, or null (the usual case). */
    private FieldSet readLog;

    public Vmcs(long address) {
        this.address = address;
        changed.addAll();
    }

    /** The field's value, zero-extended from its width. */
    public long get(VmcsField f) {
        int i = f.ordinal();
        FieldSet log = readLog;
        if (log != null) {
            log.add(i);
        }
        return values[i];
    }

    /**
     * Sets the field, truncated to its width (SDM 24.11.2: VMWRITE stores only the field's bits). A
     * write of the value the field already holds is no change.
     */
    public void set(VmcsField f, long value) {
        int i = f.ordinal();
        long v = value & f.mask();
        if (values[i] != v) {
            values[i] = v;
            changed.add(i);
        }
    }

    /** Convenience for 32-bit fields. */
    public int get32(VmcsField f) {
        return (int) get(f);
    }

    /**
     * Starts a new change set for {@code observer}: from now on {@link #changedSince} tells it which
     * fields changed. Another observer calling this takes the change set over (the first then sees
     * every field as changed), so two observers can never miss a change.
     */
    public void observeChangesFrom(Object observer) {
        changed.clear();
        changesObserver = observer;
    }

    /**
     * Whether a field of {@code fields} changed value since {@code observer} last called
     * {@link #observeChangesFrom}; true for every set when someone else observes this VMCS now.
     */
    public boolean changedSince(Object observer, FieldSet fields) {
        return observer != changesObserver || changed.intersects(fields);
    }

    /** Notes every field read from now on in {@code into}; null stops noting. */
    public void logReads(FieldSet into) {
        readLog = into;
    }

    public boolean launched() {
        return launched;
    }

    public void setLaunched(boolean launched) {
        this.launched = launched;
    }

    /** All fields to zero and the launch state to clear. */
    public void clear() {
        Arrays.fill(values, 0);
        launched = false;
        changed.addAll();
        changesObserver = null;
    }

    /** Writes the launch state and every field value into the region (VMCLEAR, SDM 31 "VMCLEAR"). */
    public void writeBack(PhysicalMemory memory) {
        memory.write32(address + LAUNCH_STATE_OFFSET, launched ? 1 : 0);
        for (int i = 0; i < values.length; i++) {
            memory.write64(address + DATA_OFFSET + 8L * i, values[i]);
        }
    }

    /** Reads a VMCS from its region in vtsim's format (VMPTRLD). */
    public static Vmcs load(PhysicalMemory memory, long address) {
        Vmcs v = new Vmcs(address);
        v.launched = memory.read32(address + LAUNCH_STATE_OFFSET) == 1;
        for (int i = 0; i < FIELDS.length; i++) {
            v.values[i] = memory.read64(address + DATA_OFFSET + 8L * i) & FIELDS[i].width().mask();
        }
        return v;
    }

    /** A copy (for tools and tests that explore variations of one VMCS). */
    public Vmcs copy() {
        Vmcs v = new Vmcs(address);
        System.arraycopy(values, 0, v.values, 0, values.length);
        v.launched = launched;
        return v;
    }
}
