package org.vtsim.tools;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names of single-bit {@code long} constants of a class (e.g. CpuState's CR0_/CR4_ bits, the
 * IA32_VMX_EPT_VPID_CAP bits of VmxCapabilities), so the tools name bits without listing them again.
 */
final class BitNames {
    private final Map<Integer, String> names = new TreeMap<>();

    BitNames(Class<?> constants, String prefix) {
        for (Field f : constants.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != long.class || !f.getName().startsWith(prefix)) {
                continue;
            }
            long v;
            try {
                v = f.getLong(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (Long.bitCount(v) == 1) {
                names.putIfAbsent(Long.numberOfTrailingZeros(v), f.getName().substring(prefix.length()));
            }
        }
    }

    /** The set bits of {@code value}, lowest first: a constant's name or "bit N". */
    List<String> decode(long value) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((value >>> bit & 1) != 0) {
                out.add(names.getOrDefault(bit, "bit " + bit));
            }
        }
        return out;
    }
}
