package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Rules.beyondWidth;
import static org.vtsim.vmx.entry.Rules.bit;
import static org.vtsim.vmx.entry.Rules.canonical;
import static org.vtsim.vmx.entry.Rules.host;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.system.MemoryType;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * SDM Vol. 3C 26.2.2 (host control registers and MSRs), 26.2.3 (host segment and descriptor-table
 * registers) and 26.2.4 (address-space size). A failure is VMfailValid with VM-instruction error 8.
 */
final class HostStateChecks {
    private static final String CR_MSR = "26.2.2";
    private static final String SEG = "26.2.3";
    private static final String SIZE = "26.2.4";

    // ---- 26.2.2 ----
    static final EntryCheckFailure CR0 = host(CR_MSR,
            "host CR0 must not set any bit to a value not supported in VMX operation (IA32_VMX_CR0_FIXED0/1)");
    static final EntryCheckFailure CR4 = host(CR_MSR,
            "host CR4 must not set any bit to a value not supported in VMX operation (IA32_VMX_CR4_FIXED0/1)");
    static final EntryCheckFailure CR3 = host(CR_MSR, "host CR3 must not set bits beyond the physical-address width");
    static final EntryCheckFailure SYSENTER_ESP = host(CR_MSR, "host IA32_SYSENTER_ESP must be canonical");
    static final EntryCheckFailure SYSENTER_EIP = host(CR_MSR, "host IA32_SYSENTER_EIP must be canonical");
    static final EntryCheckFailure PERF_GLOBAL_CTRL = host(CR_MSR, "with \"load IA32_PERF_GLOBAL_CTRL\" (exit), "
            + "bits reserved in IA32_PERF_GLOBAL_CTRL must be 0 in the host field");
    static final EntryCheckFailure PAT = host(CR_MSR, "with \"load IA32_PAT\" (exit), every byte of the host IA32_PAT "
            + "field must be 0, 1, 4, 5, 6 or 7");
    static final EntryCheckFailure EFER_RESERVED = host(CR_MSR,
            "with \"load IA32_EFER\" (exit), bits reserved in IA32_EFER must be 0 in the host field");
    static final EntryCheckFailure EFER_LMA_LME = host(CR_MSR, "with \"load IA32_EFER\" (exit), host EFER.LMA and "
            + "EFER.LME must each equal \"host address-space size\"");

    // ---- 26.2.3 ----
    static final VmcsField[] SELECTOR_FIELDS = {HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR,
        HOST_DS_SELECTOR, HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR};
    private static final String[] SELECTOR_NAMES = {"ES", "CS", "SS", "DS", "FS", "GS", "TR"};
    static final EntryCheckFailure[] SELECTOR_RPL_TI = new EntryCheckFailure[SELECTOR_FIELDS.length];
    static final EntryCheckFailure CS_NULL = host(SEG, "the host CS selector cannot be 0000H");
    static final EntryCheckFailure TR_NULL = host(SEG, "the host TR selector cannot be 0000H");
    static final EntryCheckFailure SS_NULL = host(SEG,
            "the host SS selector cannot be 0000H when \"host address-space size\" is 0");
    static final VmcsField[] BASE_FIELDS = {HOST_FS_BASE, HOST_GS_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE,
        HOST_TR_BASE};
    private static final String[] BASE_NAMES = {"FS", "GS", "GDTR", "IDTR", "TR"};
    static final EntryCheckFailure[] BASE_CANONICAL = new EntryCheckFailure[BASE_FIELDS.length];

    static {
        for (int i = 0; i < SELECTOR_FIELDS.length; i++) {
            SELECTOR_RPL_TI[i] = host(SEG, "the host " + SELECTOR_NAMES[i] + " selector must have RPL (bits 1:0) "
                    + "and TI (bit 2) clear");
        }
        for (int i = 0; i < BASE_FIELDS.length; i++) {
            BASE_CANONICAL[i] = host(SEG, "the host " + BASE_NAMES[i] + " base address must be canonical");
        }
    }

    // ---- 26.2.4 ----
    static final EntryCheckFailure IA32E_GUEST_OUTSIDE_IA32E = host(SIZE,
            "outside IA-32e mode (IA32_EFER.LMA = 0), \"IA-32e mode guest\" must be 0");
    static final EntryCheckFailure HOST_64_OUTSIDE_IA32E = host(SIZE,
            "outside IA-32e mode (IA32_EFER.LMA = 0), \"host address-space size\" must be 0");
    static final EntryCheckFailure HOST_32_IN_IA32E = host(SIZE,
            "in IA-32e mode (IA32_EFER.LMA = 1), \"host address-space size\" must be 1");
    static final EntryCheckFailure HOST_32_IA32E_GUEST = host(SIZE,
            "with \"host address-space size\" 0, \"IA-32e mode guest\" must be 0");
    static final EntryCheckFailure HOST_32_PCIDE = host(SIZE,
            "with \"host address-space size\" 0, host CR4.PCIDE (bit 17) must be 0");
    static final EntryCheckFailure HOST_32_RIP = host(SIZE,
            "with \"host address-space size\" 0, bits 63:32 of host RIP must be 0");
    static final EntryCheckFailure HOST_64_PAE = host(SIZE,
            "with \"host address-space size\" 1, host CR4.PAE (bit 5) must be 1");
    static final EntryCheckFailure HOST_64_RIP = host(SIZE,
            "with \"host address-space size\" 1, host RIP must be canonical");

    private HostStateChecks() {
    }

    static EntryCheckFailure check(Vmcs v, ProcessorFacts p, boolean processorInIa32eMode, FailureSink out) {
        int exit = v.get32(PRIMARY_VM_EXIT_CONTROLS);
        boolean host64 = bit(exit, VmExitControls.HOST_ADDRESS_SPACE_SIZE);
        EntryCheckFailure f = controlRegistersAndMsrs(v, p, exit, host64, out);
        if (f == null) {
            f = segments(v, p, host64, out);
        }
        return f != null ? f : addressSpaceSize(v, p, processorInIa32eMode, host64, out);
    }

    private static EntryCheckFailure controlRegistersAndMsrs(Vmcs v, ProcessorFacts p, int exit, boolean host64,
            FailureSink out) {
        if (!p.caps.cr0Valid(v.get(HOST_CR0)) && out.stop(CR0)) {
            return CR0;
        }
        if (!p.caps.cr4Valid(v.get(HOST_CR4)) && out.stop(CR4)) {
            return CR4;
        }
        if (beyondWidth(v.get(HOST_CR3), p.maxPhysAddr) && out.stop(CR3)) {
            return CR3;
        }
        if (!canonical(v.get(HOST_IA32_SYSENTER_ESP), p.linearBits) && out.stop(SYSENTER_ESP)) {
            return SYSENTER_ESP;
        }
        if (!canonical(v.get(HOST_IA32_SYSENTER_EIP), p.linearBits) && out.stop(SYSENTER_EIP)) {
            return SYSENTER_EIP;
        }
        if (bit(exit, VmExitControls.LOAD_IA32_PERF_GLOBAL_CTRL)
                && (v.get(HOST_IA32_PERF_GLOBAL_CTRL) & ~ProcessorFacts.PERF_GLOBAL_CTRL_VALID) != 0
                && out.stop(PERF_GLOBAL_CTRL)) {
            return PERF_GLOBAL_CTRL;
        }
        if (bit(exit, VmExitControls.LOAD_IA32_PAT) && !MemoryType.validPat(v.get(HOST_IA32_PAT)) && out.stop(PAT)) {
            return PAT;
        }
        if (bit(exit, VmExitControls.LOAD_IA32_EFER)) {
            long efer = v.get(HOST_IA32_EFER);
            if ((efer & ~p.eferValid) != 0 && out.stop(EFER_RESERVED)) {
                return EFER_RESERVED;
            }
            if ((bit(efer, CpuState.EFER_LMA) != host64 || bit(efer, CpuState.EFER_LME) != host64)
                    && out.stop(EFER_LMA_LME)) {
                return EFER_LMA_LME;
            }
        }
        // "load CET state" and "load PKRS" (exit) are not advertised: their host checks cannot apply.
        return null;
    }

    private static EntryCheckFailure segments(Vmcs v, ProcessorFacts p, boolean host64, FailureSink out) {
        for (int i = 0; i < SELECTOR_FIELDS.length; i++) {
            if ((v.get(SELECTOR_FIELDS[i]) & 7) != 0 && out.stop(SELECTOR_RPL_TI[i])) {
                return SELECTOR_RPL_TI[i];
            }
        }
        if (v.get(HOST_CS_SELECTOR) == 0 && out.stop(CS_NULL)) {
            return CS_NULL;
        }
        if (v.get(HOST_TR_SELECTOR) == 0 && out.stop(TR_NULL)) {
            return TR_NULL;
        }
        if (!host64 && v.get(HOST_SS_SELECTOR) == 0 && out.stop(SS_NULL)) {
            return SS_NULL;
        }
        for (int i = 0; i < BASE_FIELDS.length; i++) {
            if (!canonical(v.get(BASE_FIELDS[i]), p.linearBits) && out.stop(BASE_CANONICAL[i])) {
                return BASE_CANONICAL[i];
            }
        }
        return null;
    }

    private static EntryCheckFailure addressSpaceSize(Vmcs v, ProcessorFacts p, boolean processorInIa32eMode,
            boolean host64, FailureSink out) {
        boolean ia32eGuest = bit(v.get32(VM_ENTRY_CONTROLS), VmEntryControls.IA32E_MODE_GUEST);
        if (!processorInIa32eMode) {
            if (ia32eGuest && out.stop(IA32E_GUEST_OUTSIDE_IA32E)) {
                return IA32E_GUEST_OUTSIDE_IA32E;
            }
            if (host64 && out.stop(HOST_64_OUTSIDE_IA32E)) {
                return HOST_64_OUTSIDE_IA32E;
            }
        } else if (!host64 && out.stop(HOST_32_IN_IA32E)) {
            return HOST_32_IN_IA32E;
        }
        long rip = v.get(HOST_RIP);
        if (!host64) {
            if (ia32eGuest && out.stop(HOST_32_IA32E_GUEST)) {
                return HOST_32_IA32E_GUEST;
            }
            if (bit(v.get(HOST_CR4), CpuState.CR4_PCIDE) && out.stop(HOST_32_PCIDE)) {
                return HOST_32_PCIDE;
            }
            if ((rip >>> 32) != 0 && out.stop(HOST_32_RIP)) {
                return HOST_32_RIP;
            }
        } else {
            if (!bit(v.get(HOST_CR4), CpuState.CR4_PAE) && out.stop(HOST_64_PAE)) {
                return HOST_64_PAE;
            }
            if (!canonical(rip, p.linearBits) && out.stop(HOST_64_RIP)) {
                return HOST_64_RIP;
            }
        }
        return null;
    }
}
