package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.StopReason;
import org.vtsim.ept.ept.EptAccess;
import org.vtsim.ept.ept.EptCapabilities;
import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptEntryBits;
import org.vtsim.ept.ept.EptWalkResult;
import org.vtsim.ept.ept.EptWalker;
import org.vtsim.ept.ept.Eptp;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsDump;

/**
 * EPT misconfiguration (reason 49, SDM Vol. 3C 28.3.3.1): an EPT paging-structure entry the processor
 * cannot use (write without read, an unsupported execute-only entry, a reserved bit, an invalid memory
 * type). The monitor builds every EPT entry itself and never a misconfigured one, and it does not use
 * misconfigured entries to mark MMIO as KVM does, so reaching this exit is a monitor bug: the VM stops
 * with an internal error naming the entry and the rule it breaks, with the whole walk for the
 * guest-physical address (SDM 27.2.1: the exit saves it; the qualification is undefined) and the VMCS.
 */
final class EptMisconfigExit {
    private EptMisconfigExit() {
    }

    static void handle(Vcpu vcpu, Vmcs v, long q) {
        long gpa = v.get(GUEST_PHYSICAL_ADDRESS);
        VmxCapabilities caps = vcpu.vmx().capabilities();
        long eptp = v.get(EPT_POINTER);
        boolean modeBased = (v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                & SecondaryProcessorBasedControls.MODE_BASED_EXECUTE_CONTROL_FOR_EPT) != 0;
        // Walked again read-only (accessed/dirty flags off, so nothing is written) to find the entry.
        EptContext ctx = EptContext.of(eptp & ~Eptp.AD_ENABLE, modeBased,
                EptCapabilities.fromMsr(caps.eptVpidCap, caps.maxPhysAddr));
        EptWalkResult walk = new EptWalkResult();
        new EptWalker(vcpu.cpu().memory()).walk(ctx, gpa, EptAccess.READ, walk);
        String detail = walk.outcome() == EptWalkResult.Outcome.MISCONFIG
                ? String.format("EPT misconfiguration at guest-physical 0x%x: %s in the level-%d entry %016x "
                        + "(monitor bug: the monitor never builds a misconfigured EPT entry; guest rip 0x%x)", gpa,
                        walk.misconfigReason(), walk.faultLevel(), walk.faultEntry(), v.get(GUEST_RIP))
                : String.format("EPT misconfiguration at guest-physical 0x%x, but the walk now ends in %s (monitor "
                        + "bug: the EPT changed under the guest; guest rip 0x%x)", gpa, walk.outcome(), v.get(GUEST_RIP));
        vcpu.stop(StopReason.INTERNAL_ERROR, detail, walk(eptp, gpa, walk) + vcpu.guestStateReport()
                + VmcsDump.dump(v, caps, true));
    }

    /** The EPT entries the walk read, top level first, each decoded (SDM Vol. 3C Tables 28-1 to 28-6). */
    static String walk(long eptp, long gpa, EptWalkResult walk) {
        StringBuilder b = new StringBuilder(String.format("EPT walk of guest-physical 0x%x, %s:%n", gpa,
                Eptp.describe(eptp)));
        for (int i = 0; i < walk.referenceCount(); i++) {
            if (walk.referenceIsWrite(i)) {
                continue;
            }
            long e = walk.referenceValue(i);
            int level = walk.referenceLevel(i);
            b.append(String.format("  level %d entry at host-physical 0x%x: %016x  %s%s%s%s memory type %d%s%s%s%n",
                    level, walk.referenceAddress(i), e,
                    (e & EptEntryBits.R) != 0 ? "R" : "-", (e & EptEntryBits.W) != 0 ? "W" : "-",
                    (e & EptEntryBits.X) != 0 ? "X" : "-", (e & EptEntryBits.UX) != 0 ? "U" : "-",
                    (e >>> EptEntryBits.MEMORY_TYPE_SHIFT) & 7, (e & EptEntryBits.IPAT) != 0 ? " IPAT" : "",
                    (e & EptEntryBits.PS) != 0 ? " PS" : "",
                    walk.outcome() == EptWalkResult.Outcome.MISCONFIG && level == walk.faultLevel()
                            && i == lastRead(walk) ? "   <- " + walk.misconfigReason() : ""));
        }
        return b.toString();
    }

    private static int lastRead(EptWalkResult walk) {
        for (int i = walk.referenceCount() - 1; i >= 0; i--) {
            if (!walk.referenceIsWrite(i)) {
                return i;
            }
        }
        return -1;
    }
}
