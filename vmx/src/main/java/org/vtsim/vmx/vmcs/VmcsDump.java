package org.vtsim.vmx.vmcs;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.VmxCapabilities;

/**
 * A text dump of a VMCS grouped as the SDM presents it (Vol. 3C 24.4–24.9: guest-state area,
 * host-state area, VM-execution, VM-exit and VM-entry control fields, VM-exit information fields).
 * One line per field: name, encoding, value (as many hex digits as the field is wide). Fields that do
 * not exist on the model CPU ({@link VmxCapabilities#fieldExists}) are left out, and a non-zero value
 * in one of them is reported at the end instead of being dropped silently. The five control words are
 * also decoded into their named bits, and the exit-reason field into its reason.
 */
public final class VmcsDump {
    private VmcsDump() {
    }

    /** Every field that exists on the model CPU. */
    public static String dump(Vmcs vmcs, VmxCapabilities caps) {
        return dump(vmcs, caps, false);
    }

    /** As {@link #dump(Vmcs, VmxCapabilities)}; with {@code nonZeroOnly}, fields holding 0 are left out too. */
    public static String dump(Vmcs vmcs, VmxCapabilities caps, boolean nonZeroOnly) {
        int nameWidth = 0;
        for (VmcsField f : VmcsField.values()) {
            if (caps.fieldExists(f)) {
                nameWidth = Math.max(nameWidth, f.name().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("VMCS at ").append(VmcsJson.hex(vmcs.address)).append(", launch state ")
                .append(vmcs.launched() ? "launched" : "clear").append('\n');
        for (VmcsArea area : VmcsArea.values()) {
            sb.append('\n').append(area.title).append(" (SDM ").append(area.sdmSection).append(")\n");
            int shown = 0;
            for (VmcsField f : VmcsField.values()) {
                if (VmcsArea.of(f) != area || !caps.fieldExists(f) || (nonZeroOnly && vmcs.get(f) == 0)) {
                    continue;
                }
                shown++;
                line(sb, f, vmcs.get(f), nameWidth);
            }
            if (shown == 0) {
                sb.append("  (all zero)\n");
            }
        }
        List<String> lost = new ArrayList<>();
        for (VmcsField f : VmcsField.values()) {
            if (!caps.fieldExists(f) && vmcs.get(f) != 0) {
                lost.add(f.name() + "=" + VmcsJson.hex(vmcs.get(f)));
            }
        }
        if (!lost.isEmpty()) {
            sb.append("\nNon-zero fields the model CPU does not have (not shown above): ")
                    .append(String.join(", ", lost)).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, VmcsField f, long value, int nameWidth) {
        int digits = f.width().bits / 4;
        sb.append("  ").append(pad(f.name(), nameWidth)).append("  ")
                .append(String.format("0x%04x", f.encoding)).append("  ")
                .append(String.format("0x%0" + digits + "x", value));
        if (f == VmcsField.EXIT_REASON && value != 0) {
            sb.append("  ").append(exitReason((int) value));
        }
        sb.append('\n');
        ControlBits bits = ControlBits.of(f);
        if (bits != null && value != 0) {
            sb.append("  ").append(" ".repeat(nameWidth)).append("    = ")
                    .append(String.join(" | ", bits.decode(value))).append('\n');
        }
    }

    /** The exit-reason field (SDM 24.9.1): basic reason in bits 15:0, VM-entry failure in bit 31. */
    static String exitReason(int value) {
        ExitReason r = ExitReason.byNumber(value & 0xffff);
        String s = "basic reason " + (value & 0xffff) + (r == null ? " (not defined in SDM Appendix C)" : " " + r.name());
        if ((value & ExitReason.ENTRY_FAILURE_BIT) != 0) {
            s += ", VM-entry failure";
        }
        return s;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
