package org.vtsim.vmx.vmcs;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.exit.ExitQualification;
import org.vtsim.vmx.exit.ExitReasonField;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.InterruptionInformation;

/**
 * A text dump of a VMCS grouped as the SDM presents it (Vol. 3C 24.4–24.9: guest-state area,
 * host-state area, VM-execution, VM-exit and VM-entry control fields, VM-exit information fields).
 * One line per field: name, encoding, value (as many hex digits as the field is wide). Fields that do
 * not exist on the model CPU ({@link VmxCapabilities#fieldExists}) are left out, and a non-zero value
 * in one of them is reported at the end instead of being dropped silently. The five control words are
 * also decoded into their named bits; the exit-information fields and the VM-entry interruption
 * information are explained by the codecs of {@code org.vtsim.vmx.exit}.
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
                line(sb, vmcs, f, nameWidth);
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

    private static void line(StringBuilder sb, Vmcs vmcs, VmcsField f, int nameWidth) {
        long value = vmcs.get(f);
        int digits = f.width().bits / 4;
        sb.append("  ").append(pad(f.name(), nameWidth)).append("  ")
                .append(String.format("0x%04x", f.encoding)).append("  ")
                .append(String.format("0x%0" + digits + "x", value));
        String meaning = meaning(vmcs, f, value);
        if (meaning != null) {
            sb.append("  ").append(meaning);
        }
        sb.append('\n');
        ControlBits bits = ControlBits.of(f);
        if (bits != null && value != 0) {
            sb.append("  ").append(" ".repeat(nameWidth)).append("    = ")
                    .append(String.join(" | ", bits.decode(value))).append('\n');
        }
    }

    /** What an exit-information or event-injection field says, or {@code null} when there is nothing to add. */
    static String meaning(Vmcs vmcs, VmcsField f, long value) {
        long exitReason = vmcs.get(VmcsField.EXIT_REASON);
        ExitReason reason = ExitReasonField.reason(exitReason);
        switch (f) {
            case EXIT_REASON:
                return value == 0 && vmcs.get(VmcsField.EXIT_QUALIFICATION) == 0 ? null
                        : ExitReasonField.describe(value);
            case EXIT_QUALIFICATION:
                if (reason == null || (value == 0 && exitReason == 0)) {
                    return null;
                }
                return ExitQualification.describe(reason, value, vmcs.get(VmcsField.VM_EXIT_INTERRUPTION_INFORMATION));
            case VM_EXIT_INSTRUCTION_INFORMATION:
                if (reason == null || value == 0 || InstructionInformation.Layout.of(reason) == null) {
                    return null;
                }
                return InstructionInformation.describe(reason, value);
            case VM_ENTRY_INTERRUPTION_INFORMATION:
                return value == 0 ? null : InterruptionInformation.describe(
                        InterruptionInformation.Field.VM_ENTRY_INTERRUPTION_INFORMATION, value);
            case VM_EXIT_INTERRUPTION_INFORMATION:
                return value == 0 ? null : InterruptionInformation.describe(
                        InterruptionInformation.Field.VM_EXIT_INTERRUPTION_INFORMATION, value);
            case IDT_VECTORING_INFORMATION:
                return value == 0 ? null : InterruptionInformation.describe(
                        InterruptionInformation.Field.IDT_VECTORING_INFORMATION, value);
            default:
                return null;
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
