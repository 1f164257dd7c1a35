package org.vtsim.vmx.vmcs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;

/**
 * Names the set bits of a control word with the constants of {@code org.vtsim.vmx.controls} (read
 * by reflection, so the names are never listed twice). Bits without a constant are named "bit N";
 * among them, bits of the class's DEFAULT1 ("reserved, default 1", SDM A.3–A.5) say so.
 */
public final class ControlBits {
    private final Map<Integer, String> names = new TreeMap<>();
    private final int default1;

    private ControlBits(Class<?> constants) {
        int d1 = 0;
        for (Field f : constants.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
                continue;
            }
            int v;
            try {
                v = f.getInt(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (f.getName().equals("DEFAULT1")) {
                d1 = v;
            } else if (Integer.bitCount(v) == 1) {
                names.put(Integer.numberOfTrailingZeros(v), f.getName());
            }
        }
        this.default1 = d1;
    }

    public static final ControlBits PIN_BASED = new ControlBits(PinBasedControls.class);
    public static final ControlBits PRIMARY_PROCESSOR_BASED = new ControlBits(PrimaryProcessorBasedControls.class);
    public static final ControlBits SECONDARY_PROCESSOR_BASED = new ControlBits(SecondaryProcessorBasedControls.class);
    public static final ControlBits VM_EXIT = new ControlBits(VmExitControls.class);
    public static final ControlBits VM_ENTRY = new ControlBits(VmEntryControls.class);

    /** The control word a field holds, or {@code null} if the field is not one of the five. */
    public static ControlBits of(VmcsField f) {
        return switch (f) {
            case PIN_BASED_VM_EXECUTION_CONTROLS -> PIN_BASED;
            case PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS -> PRIMARY_PROCESSOR_BASED;
            case SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS -> SECONDARY_PROCESSOR_BASED;
            case PRIMARY_VM_EXIT_CONTROLS -> VM_EXIT;
            case VM_ENTRY_CONTROLS -> VM_ENTRY;
            default -> null;
        };
    }

    /** The name of bit {@code bit}: the constant's name, or "bit N" / "bit N (default 1)". */
    public String name(int bit) {
        String n = names.get(bit);
        if (n != null) {
            return n;
        }
        return "bit " + bit + ((default1 >>> bit & 1) != 0 ? " (default 1)" : "");
    }

    /**
     * The names of the set bits of {@code value}, lowest bit first; set reserved default-1 bits are
     * collected into one last entry, e.g. "default-1 bits 1,2,4", so the controls that matter stand out.
     */
    public List<String> decode(long value) {
        List<String> out = new ArrayList<>();
        List<String> defaults = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((value >>> bit & 1) == 0) {
                continue;
            }
            if (!names.containsKey(bit) && (default1 >>> bit & 1) != 0) {
                defaults.add(Integer.toString(bit));
            } else {
                out.add(name(bit));
            }
        }
        if (!defaults.isEmpty()) {
            out.add("default-1 bit" + (defaults.size() == 1 ? " " : "s ") + String.join(",", defaults));
        }
        return out;
    }
}
