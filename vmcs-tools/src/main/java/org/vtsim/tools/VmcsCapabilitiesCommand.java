package org.vtsim.tools;

import static org.vtsim.vmx.VmxCapabilities.*;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.vmcs.ControlBits;
import org.vtsim.vmx.vmcs.VmcsField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vtsim vmcs capabilities}: the VMX capability MSRs of the model CPU, decoded (SDM Vol. 3C Appendix A). */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
        description = "Print the VMX capability MSRs of the model CPU with their meaning (SDM Appendix A).")
final class VmcsCapabilitiesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelCpuOptions cpu;

    private static final BitNames CR0 = new BitNames(CpuState.class, "CR0_");
    private static final BitNames CR4 = new BitNames(CpuState.class, "CR4_");
    private static final BitNames EPT_VPID = new BitNames(VmxCapabilities.class, "");
    private static final String[] MEMORY_TYPES = {"uncacheable (UC)", "1", "2", "3", "4", "5", "write-back (WB)", "7",
        "8", "9", "10", "11", "12", "13", "14", "15"};

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(report(cpu.capabilities(), cpu.describe()));
        out.flush();
        return ExitStatus.OK;
    }

    static String report(VmxCapabilities c, String cpuName) {
        StringBuilder sb = new StringBuilder("VMX capability MSRs of the " + cpuName + " (SDM Vol. 3C Appendix A)\n");
        msr(sb, c, IA32_VMX_BASIC, "IA32_VMX_BASIC", "A.1",
                "VMCS revision identifier " + hex(c.revision()) + ", VMCS region " + c.regionSize() + " bytes",
                "VMCS memory type " + MEMORY_TYPES[(int) (c.basic >>> 50) & 15],
                bit(c.basic, 48) ? "addresses limited to 32 bits" : "addresses up to MAXPHYADDR (" + c.maxPhysAddr
                        + " bits)",
                "dual-monitor treatment of SMIs and SMM: " + yes(bit(c.basic, 49)),
                "INS/OUTS instruction information: " + yes(bit(c.basic, 54)),
                "TRUE_ control MSRs (default-1 controls may be 0): " + yes(bit(c.basic, 55)));
        controls(sb, c, IA32_VMX_PINBASED_CTLS, "IA32_VMX_PINBASED_CTLS", "A.3.1", ControlBits.PIN_BASED);
        controls(sb, c, IA32_VMX_TRUE_PINBASED_CTLS, "IA32_VMX_TRUE_PINBASED_CTLS", "A.3.1", ControlBits.PIN_BASED);
        controls(sb, c, IA32_VMX_PROCBASED_CTLS, "IA32_VMX_PROCBASED_CTLS", "A.3.2",
                ControlBits.PRIMARY_PROCESSOR_BASED);
        controls(sb, c, IA32_VMX_TRUE_PROCBASED_CTLS, "IA32_VMX_TRUE_PROCBASED_CTLS", "A.3.2",
                ControlBits.PRIMARY_PROCESSOR_BASED);
        controls(sb, c, IA32_VMX_PROCBASED_CTLS2, "IA32_VMX_PROCBASED_CTLS2", "A.3.3",
                ControlBits.SECONDARY_PROCESSOR_BASED);
        controls(sb, c, IA32_VMX_EXIT_CTLS, "IA32_VMX_EXIT_CTLS", "A.4", ControlBits.VM_EXIT);
        controls(sb, c, IA32_VMX_TRUE_EXIT_CTLS, "IA32_VMX_TRUE_EXIT_CTLS", "A.4", ControlBits.VM_EXIT);
        controls(sb, c, IA32_VMX_ENTRY_CTLS, "IA32_VMX_ENTRY_CTLS", "A.5", ControlBits.VM_ENTRY);
        controls(sb, c, IA32_VMX_TRUE_ENTRY_CTLS, "IA32_VMX_TRUE_ENTRY_CTLS", "A.5", ControlBits.VM_ENTRY);
        List<String> activity = new ArrayList<>(List.of("active"));
        String[] states = {"HLT", "shutdown", "wait-for-SIPI"};
        for (int s = 1; s <= 3; s++) {
            if (c.activityStateSupported(s)) {
                activity.add(states[s - 1]);
            }
        }
        msr(sb, c, IA32_VMX_MISC, "IA32_VMX_MISC", "A.6",
                "VMX-preemption timer counts down every 2^" + (c.misc & 31) + " TSC ticks",
                "VM exits store EFER.LMA into the \"IA-32e mode guest\" control: " + yes(bit(c.misc, 5)),
                "activity states: " + String.join(", ", activity),
                "CR3-target values: " + c.cr3TargetCount(),
                "recommended maximum MSR-list entries: " + c.maxMsrListSize(),
                "VMWRITE to any supported field (including exit information): " + yes(c.vmwriteAnyField()));
        msr(sb, c, IA32_VMX_CR0_FIXED0, "IA32_VMX_CR0_FIXED0", "A.7", "CR0 bits fixed to 1: " + names(CR0, c.cr0Fixed0));
        msr(sb, c, IA32_VMX_CR0_FIXED1, "IA32_VMX_CR0_FIXED1", "A.7",
                "CR0 bits fixed to 0: " + names(CR0, ~c.cr0Fixed1 & 0xffffffffL) + " (and bits 63:32)");
        msr(sb, c, IA32_VMX_CR4_FIXED0, "IA32_VMX_CR4_FIXED0", "A.8", "CR4 bits fixed to 1: " + names(CR4, c.cr4Fixed0));
        msr(sb, c, IA32_VMX_CR4_FIXED1, "IA32_VMX_CR4_FIXED1", "A.8",
                "CR4 bits that may be 1: " + names(CR4, c.cr4Fixed1));
        VmcsField highest = null;
        for (VmcsField f : VmcsField.values()) {
            if (c.fieldExists(f) && (highest == null || f.index() > highest.index())) {
                highest = f;
            }
        }
        msr(sb, c, IA32_VMX_VMCS_ENUM, "IA32_VMX_VMCS_ENUM", "A.9",
                "highest field index " + ((c.vmcsEnum >>> 1) & 0x1ff) + " (e.g. " + highest + ")");
        msr(sb, c, IA32_VMX_EPT_VPID_CAP, "IA32_VMX_EPT_VPID_CAP", "A.10",
                c.eptVpidCap == 0 ? "no EPT, no VPID" : names(EPT_VPID, c.eptVpidCap));
        msr(sb, c, IA32_VMX_VMFUNC, "IA32_VMX_VMFUNC", "A.11",
                c.vmfunc == 0 ? "no VM functions" : "VM functions supported (bit n = function n): " + hex(c.vmfunc));
        return sb.toString();
    }

    private static void controls(StringBuilder sb, VmxCapabilities c, int msr, String name, String section,
            ControlBits bits) {
        long v = c.msr(msr);
        msr(sb, c, msr, name, section, "must be 1 (allowed-0 settings, bits 31:0): " + join(bits.decode(v & 0xffffffffL)),
                "may be 1 (allowed-1 settings, bits 63:32): " + join(bits.decode(v >>> 32)));
    }

    private static void msr(StringBuilder sb, VmxCapabilities c, int msr, String name, String section, String... lines) {
        sb.append('\n').append(name).append(" (").append(hex(msr)).append(", SDM ").append(section).append(") = ")
                .append(String.format("0x%016x", c.msr(msr))).append('\n');
        for (String l : lines) {
            sb.append("    ").append(l).append('\n');
        }
    }

    private static String names(BitNames names, long value) {
        return value == 0 ? "none" : String.join(" ", names.decode(value));
    }

    private static String join(List<String> names) {
        return names.isEmpty() ? "none" : String.join(" | ", names);
    }

    private static boolean bit(long v, int bit) {
        return (v >>> bit & 1) != 0;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
