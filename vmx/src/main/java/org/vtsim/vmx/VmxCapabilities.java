package org.vtsim.vmx;

import static org.vtsim.vmx.controls.PinBasedControls.*;
import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.*;
import static org.vtsim.vmx.controls.SecondaryProcessorBasedControls.*;

import org.vtsim.cpu.system.ControlRegisters;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.vmcs.FieldFeature;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * The VMX capability MSRs of the model CPU (SDM Vol. 3C Appendix A), one consistent description:
 * every control, field, activity state and EPT/VPID feature vtsim advertises here is one it models,
 * and nothing it models less than the SDM is advertised. The VMX instructions, the VM-entry checks
 * and RDMSR all read this one object.
 *
 * <p>A control value is allowed when every allowed-0 bit (bits 31:0 of the MSR: "must be 1") is set
 * and no bit outside allowed-1 (bits 63:32: "may be 1") is set (SDM A.3.1). Controls with TRUE_
 * MSRs are checked against the TRUE_ MSR since IA32_VMX_BASIC bit 55 is set (SDM A.2).
 */
public final class VmxCapabilities {
    // MSR numbers, SDM Vol. 4 Table 2-2.
    public static final int IA32_FEATURE_CONTROL = 0x3a;
    public static final int IA32_VMX_BASIC = 0x480;
    public static final int IA32_VMX_PINBASED_CTLS = 0x481;
    public static final int IA32_VMX_PROCBASED_CTLS = 0x482;
    public static final int IA32_VMX_EXIT_CTLS = 0x483;
    public static final int IA32_VMX_ENTRY_CTLS = 0x484;
    public static final int IA32_VMX_MISC = 0x485;
    public static final int IA32_VMX_CR0_FIXED0 = 0x486;
    public static final int IA32_VMX_CR0_FIXED1 = 0x487;
    public static final int IA32_VMX_CR4_FIXED0 = 0x488;
    public static final int IA32_VMX_CR4_FIXED1 = 0x489;
    public static final int IA32_VMX_VMCS_ENUM = 0x48a;
    public static final int IA32_VMX_PROCBASED_CTLS2 = 0x48b;
    public static final int IA32_VMX_EPT_VPID_CAP = 0x48c;
    public static final int IA32_VMX_TRUE_PINBASED_CTLS = 0x48d;
    public static final int IA32_VMX_TRUE_PROCBASED_CTLS = 0x48e;
    public static final int IA32_VMX_TRUE_EXIT_CTLS = 0x48f;
    public static final int IA32_VMX_TRUE_ENTRY_CTLS = 0x490;
    public static final int IA32_VMX_VMFUNC = 0x491;

    /** vtsim's VMCS revision identifier (its own VMCS data format, see {@link Vmcs}). */
    public static final int VMCS_REVISION = 0x7654;

    // IA32_VMX_EPT_VPID_CAP bits (SDM A.10).
    public static final long EPT_EXECUTE_ONLY = 1L;
    public static final long EPT_PAGE_WALK_4 = 1L << 6;
    public static final long EPT_PAGE_WALK_5 = 1L << 7;
    public static final long EPT_MEMORY_TYPE_UC = 1L << 8;
    public static final long EPT_MEMORY_TYPE_WB = 1L << 14;
    public static final long EPT_2MB_PAGES = 1L << 16;
    public static final long EPT_1GB_PAGES = 1L << 17;
    public static final long INVEPT = 1L << 20;
    public static final long EPT_ACCESSED_DIRTY = 1L << 21;
    public static final long EPT_ADVANCED_EXIT_INFORMATION = 1L << 22;
    public static final long INVEPT_SINGLE_CONTEXT = 1L << 25;
    public static final long INVEPT_ALL_CONTEXT = 1L << 26;
    public static final long INVVPID = 1L << 32;
    public static final long INVVPID_INDIVIDUAL_ADDRESS = 1L << 40;
    public static final long INVVPID_SINGLE_CONTEXT = 1L << 41;
    public static final long INVVPID_ALL_CONTEXT = 1L << 42;
    public static final long INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS = 1L << 43;

    public final long basic;
    public final long pinbasedCtls;
    public final long procbasedCtls;
    public final long exitCtls;
    public final long entryCtls;
    public final long misc;
    public final long cr0Fixed0;
    public final long cr0Fixed1;
    public final long cr4Fixed0;
    public final long cr4Fixed1;
    public final long vmcsEnum;
    public final long procbasedCtls2;
    public final long eptVpidCap;
    public final long truePinbasedCtls;
    public final long trueProcbasedCtls;
    public final long trueExitCtls;
    public final long trueEntryCtls;
    public final long vmfunc;
    /** MAXPHYADDR: VMXON/VMCS pointers and control addresses must fit in it (SDM 31, 26.2.1.1). */
    public final int maxPhysAddr;

    private VmxCapabilities(CpuidModel cpu, boolean ept, boolean vpid) {
        this.maxPhysAddr = cpu.maxPhysAddr();
        // Bits 30:0 revision; 44:32 region size (4 KiB); 53:50 memory type WB (6); 54 INS/OUTS
        // instruction information; 55 TRUE_ controls MSRs (SDM A.1). Bit 48 (32-bit addresses) and
        // 49 (dual-monitor SMM) are 0: the model has neither.
        this.basic = VMCS_REVISION | 4096L << 32 | 6L << 50 | 1L << 54 | 1L << 55;
        int pin1 = PinBasedControls.DEFAULT1 | EXTERNAL_INTERRUPT_EXITING | NMI_EXITING | VIRTUAL_NMIS
                | ACTIVATE_VMX_PREEMPTION_TIMER;
        this.pinbasedCtls = ctl(PinBasedControls.DEFAULT1, pin1);
        this.truePinbasedCtls = ctl(PinBasedControls.DEFAULT1, pin1);
        int proc1 = PrimaryProcessorBasedControls.DEFAULT1 | INTERRUPT_WINDOW_EXITING | USE_TSC_OFFSETTING
                | HLT_EXITING | INVLPG_EXITING | MWAIT_EXITING | RDPMC_EXITING | RDTSC_EXITING | CR3_LOAD_EXITING
                | CR3_STORE_EXITING | CR8_LOAD_EXITING | CR8_STORE_EXITING | USE_TPR_SHADOW | NMI_WINDOW_EXITING
                | MOV_DR_EXITING | UNCONDITIONAL_IO_EXITING | USE_IO_BITMAPS | MONITOR_TRAP_FLAG | USE_MSR_BITMAPS
                | MONITOR_EXITING | PAUSE_EXITING | ACTIVATE_SECONDARY_CONTROLS;
        this.procbasedCtls = ctl(PrimaryProcessorBasedControls.DEFAULT1, proc1);
        // TRUE_PROCBASED: CR3-load and CR3-store exiting may be 0 (SDM A.3.2).
        this.trueProcbasedCtls = ctl(PrimaryProcessorBasedControls.DEFAULT1 & ~(CR3_LOAD_EXITING | CR3_STORE_EXITING),
                proc1);
        int sec1 = DESCRIPTOR_TABLE_EXITING | ENABLE_RDTSCP | WBINVD_EXITING | PAUSE_LOOP_EXITING | RDRAND_EXITING
                | ENABLE_INVPCID | RDSEED_EXITING | USE_TSC_SCALING
                | (ept ? ENABLE_EPT | UNRESTRICTED_GUEST | MODE_BASED_EXECUTE_CONTROL_FOR_EPT : 0)
                | (vpid ? ENABLE_VPID : 0);
        this.procbasedCtls2 = ctl(0, sec1);
        // "Load IA32_PERF_GLOBAL_CTRL" is not advertised on exit or entry: the model has no
        // performance counters (CPUID leaf 0AH reports none), so there is no MSR to load.
        int exit1 = VmExitControls.DEFAULT1 | VmExitControls.SAVE_DEBUG_CONTROLS | VmExitControls.HOST_ADDRESS_SPACE_SIZE
                | VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT
                | VmExitControls.SAVE_IA32_PAT | VmExitControls.LOAD_IA32_PAT | VmExitControls.SAVE_IA32_EFER
                | VmExitControls.LOAD_IA32_EFER | VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE;
        this.exitCtls = ctl(VmExitControls.DEFAULT1, exit1);
        // TRUE_EXIT: "save debug controls" may be 0 (SDM A.4).
        this.trueExitCtls = ctl(VmExitControls.DEFAULT1 & ~VmExitControls.SAVE_DEBUG_CONTROLS, exit1);
        int entry1 = VmEntryControls.DEFAULT1 | VmEntryControls.LOAD_DEBUG_CONTROLS | VmEntryControls.IA32E_MODE_GUEST
                | VmEntryControls.LOAD_IA32_PAT | VmEntryControls.LOAD_IA32_EFER;
        this.entryCtls = ctl(VmEntryControls.DEFAULT1, entry1);
        // TRUE_ENTRY: "load debug controls" may be 0 (SDM A.5).
        this.trueEntryCtls = ctl(VmEntryControls.DEFAULT1 & ~VmEntryControls.LOAD_DEBUG_CONTROLS, entry1);
        // Bits 4:0 preemption-timer rate (TSC >> 5); 5 EFER.LMA saved into "IA-32e mode guest";
        // 8:6 activity states: HLT only (bit 6); 24:16 four CR3-target values; 27:25 MSR lists up to
        // 512 entries; 29 VMWRITE to any supported field (SDM A.6).
        this.misc = 5 | 1L << 5 | 1L << 6 | 4L << 16 | 1L << 29;
        // CR0: PE, NE and PG fixed to 1; CR4: VMXE fixed to 1 (SDM A.7, A.8). With "unrestricted guest"
        // (advertised with EPT) PE and PG are exempt in the guest CR0 at VM entry (SDM 26.3.1.1), but
        // FIXED0 still reports them, as the SDM says.
        this.cr0Fixed0 = 0x80000021L;
        this.cr0Fixed1 = 0xffffffffL;
        this.cr4Fixed0 = 1L << 13;
        this.cr4Fixed1 = ControlRegisters.cr4Allowed(cpu) | 1L << 13;
        this.eptVpidCap = (ept ? EPT_EXECUTE_ONLY | EPT_PAGE_WALK_4 | EPT_PAGE_WALK_5 | EPT_MEMORY_TYPE_UC
                | EPT_MEMORY_TYPE_WB | EPT_2MB_PAGES | EPT_1GB_PAGES | INVEPT | EPT_ACCESSED_DIRTY
                | EPT_ADVANCED_EXIT_INFORMATION | INVEPT_SINGLE_CONTEXT | INVEPT_ALL_CONTEXT : 0)
                | (vpid ? INVVPID | INVVPID_INDIVIDUAL_ADDRESS | INVVPID_SINGLE_CONTEXT | INVVPID_ALL_CONTEXT
                        | INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS : 0);
        this.vmfunc = 0;
        int highest = 0;
        for (VmcsField f : VmcsField.values()) {
            if (fieldExists(f)) {
                highest = Math.max(highest, f.index());
            }
        }
        this.vmcsEnum = (long) highest << 1;
        if (Vmcs.DATA_BYTES > regionSize()) {
            throw new IllegalStateException("VMCS data format does not fit the advertised region size");
        }
    }

    private static long ctl(int allowed0, int allowed1) {
        return (allowed0 & 0xffffffffL) | (long) allowed1 << 32;
    }

    /**
     * The Skylake-class profile restricted to what vtsim models, with EPT and VPID: "enable EPT" and
     * "enable VPID" may be 1, IA32_VMX_EPT_VPID_CAP reports execute-only pages, 4- and 5-level walks,
     * UC/WB, 2 MiB and 1 GiB pages, accessed/dirty flags, advanced EPT-violation information, INVEPT
     * (single- and all-context) and INVVPID (all four types) — SDM A.10; the EPT/VPID VMCS fields exist.
     * "Unrestricted guest" may be 1 (only with EPT: a guest in protected mode with paging off, as
     * multiboot enters; real mode stays unsupported in the CPU). PML, VM functions and #VE stay off.
     */
    public static VmxCapabilities skylake(CpuidModel cpu) {
        return new VmxCapabilities(cpu, true, true);
    }

    /** The same profile with EPT and VPID advertised or not (e.g. false, false: a VMX CPU without them). */
    public static VmxCapabilities of(CpuidModel cpu, boolean ept, boolean vpid) {
        return new VmxCapabilities(cpu, ept, vpid);
    }

    // ---- derived facts ----

    public int revision() {
        return (int) (basic & 0x7fffffff);
    }

    public int regionSize() {
        return (int) ((basic >>> 32) & 0x1fff);
    }

    /** The value of a capability MSR, or -1 if {@code msr} is not one of them. */
    public long msr(int msr) {
        return switch (msr) {
            case IA32_VMX_BASIC -> basic;
            case IA32_VMX_PINBASED_CTLS -> pinbasedCtls;
            case IA32_VMX_PROCBASED_CTLS -> procbasedCtls;
            case IA32_VMX_EXIT_CTLS -> exitCtls;
            case IA32_VMX_ENTRY_CTLS -> entryCtls;
            case IA32_VMX_MISC -> misc;
            case IA32_VMX_CR0_FIXED0 -> cr0Fixed0;
            case IA32_VMX_CR0_FIXED1 -> cr0Fixed1;
            case IA32_VMX_CR4_FIXED0 -> cr4Fixed0;
            case IA32_VMX_CR4_FIXED1 -> cr4Fixed1;
            case IA32_VMX_VMCS_ENUM -> vmcsEnum;
            case IA32_VMX_PROCBASED_CTLS2 -> procbasedCtls2;
            case IA32_VMX_EPT_VPID_CAP -> eptVpidCap;
            case IA32_VMX_TRUE_PINBASED_CTLS -> truePinbasedCtls;
            case IA32_VMX_TRUE_PROCBASED_CTLS -> trueProcbasedCtls;
            case IA32_VMX_TRUE_EXIT_CTLS -> trueExitCtls;
            case IA32_VMX_TRUE_ENTRY_CTLS -> trueEntryCtls;
            case IA32_VMX_VMFUNC -> vmfunc;
            default -> -1;
        };
    }

    public static boolean isCapabilityMsr(int msr) {
        return msr >= IA32_VMX_BASIC && msr <= IA32_VMX_VMFUNC;
    }

    /** The allowed-0 / allowed-1 rule of SDM A.3.1 for a control value against a capability MSR value. */
    public static boolean allowed(long capability, int value) {
        int mustBe1 = (int) capability;
        int mayBe1 = (int) (capability >>> 32);
        return (value & mustBe1) == mustBe1 && (value & ~mayBe1) == 0;
    }

    public boolean pinBasedAllowed(int value) {
        return allowed(truePinbasedCtls, value);
    }

    public boolean primaryProcessorBasedAllowed(int value) {
        return allowed(trueProcbasedCtls, value);
    }

    public boolean secondaryProcessorBasedAllowed(int value) {
        return allowed(procbasedCtls2, value);
    }

    public boolean exitAllowed(int value) {
        return allowed(trueExitCtls, value);
    }

    public boolean entryAllowed(int value) {
        return allowed(trueEntryCtls, value);
    }

    /** Whether {@code control} may be 1 in the secondary controls (SDM A.3.3). */
    public boolean hasSecondary(int control) {
        return ((procbasedCtls2 >>> 32) & (control & 0xffffffffL)) == (control & 0xffffffffL);
    }

    /** CR0 bits fixed to 1 and 0 in VMX operation (SDM A.7), as a check. */
    public boolean cr0Valid(long cr0) {
        return (cr0 & cr0Fixed0) == cr0Fixed0 && (cr0 & ~cr0Fixed1) == 0;
    }

    /** CR4 bits fixed to 1 and 0 in VMX operation (SDM A.8), as a check. */
    public boolean cr4Valid(long cr4) {
        return (cr4 & cr4Fixed0) == cr4Fixed0 && (cr4 & ~cr4Fixed1) == 0;
    }

    /** Number of CR3-target values supported, IA32_VMX_MISC bits 24:16. */
    public int cr3TargetCount() {
        return (int) ((misc >>> 16) & 0x1ff);
    }

    /** Recommended maximum number of MSRs in each MSR list: 512 * (N + 1), N = MISC bits 27:25. */
    public int maxMsrListSize() {
        return 512 * (int) (((misc >>> 25) & 7) + 1);
    }

    /** Activity state supported per IA32_VMX_MISC bits 8:6 (0 active is always supported; SDM A.6). */
    public boolean activityStateSupported(int state) {
        return state == 0 || (state >= 1 && state <= 3 && (misc & (1L << (5 + state))) != 0);
    }

    public boolean vmwriteAnyField() {
        return (misc & (1L << 29)) != 0;
    }

    /** Whether a VMCS field exists on the model CPU (VMREAD/VMWRITE error 12 otherwise). */
    public boolean fieldExists(VmcsField f) {
        return supports(f.feature);
    }

    public boolean supports(FieldFeature feature) {
        long pin1 = truePinbasedCtls >>> 32;
        long proc1 = trueProcbasedCtls >>> 32;
        long sec1 = procbasedCtls2 >>> 32;
        long exit1 = trueExitCtls >>> 32;
        long entry1 = trueEntryCtls >>> 32;
        return switch (feature) {
            case ALWAYS -> true;
            case VPID -> (sec1 & ENABLE_VPID) != 0;
            case POSTED_INTERRUPTS -> (pin1 & PROCESS_POSTED_INTERRUPTS) != 0;
            case EPTP_SWITCHING -> (vmfunc & 1) != 0;
            case EPT_VIOLATION_VE -> (sec1 & EPT_VIOLATION_VE) != 0;
            case VIRTUAL_INTERRUPT_DELIVERY -> (sec1 & VIRTUAL_INTERRUPT_DELIVERY) != 0;
            case PAGE_MODIFICATION_LOGGING -> (sec1 & ENABLE_PML) != 0;
            case EPT -> (sec1 & ENABLE_EPT) != 0;
            case TSC_SCALING -> (sec1 & USE_TSC_SCALING) != 0;
            case VM_FUNCTIONS -> (sec1 & ENABLE_VM_FUNCTIONS) != 0;
            case VMCS_SHADOWING -> (sec1 & VMCS_SHADOWING) != 0;
            case XSAVES -> (sec1 & ENABLE_XSAVES_XRSTORS) != 0;
            case SGX -> (sec1 & ENABLE_ENCLS_EXITING) != 0;
            case TPR_SHADOW -> (proc1 & USE_TPR_SHADOW) != 0;
            case VIRTUALIZE_APIC_ACCESSES -> (sec1 & VIRTUALIZE_APIC_ACCESSES) != 0;
            case PAUSE_LOOP_EXITING -> (sec1 & PAUSE_LOOP_EXITING) != 0;
            case PREEMPTION_TIMER -> (pin1 & ACTIVATE_VMX_PREEMPTION_TIMER) != 0;
            case PAT -> ((exit1 & (VmExitControls.SAVE_IA32_PAT | VmExitControls.LOAD_IA32_PAT))
                    | (entry1 & VmEntryControls.LOAD_IA32_PAT)) != 0;
            case EFER -> ((exit1 & (VmExitControls.SAVE_IA32_EFER | VmExitControls.LOAD_IA32_EFER))
                    | (entry1 & VmEntryControls.LOAD_IA32_EFER)) != 0;
            case PERF_GLOBAL_CTRL -> ((exit1 & VmExitControls.LOAD_IA32_PERF_GLOBAL_CTRL)
                    | (entry1 & VmEntryControls.LOAD_IA32_PERF_GLOBAL_CTRL)) != 0;
            case MPX -> ((exit1 & VmExitControls.CLEAR_IA32_BNDCFGS) | (entry1 & VmEntryControls.LOAD_IA32_BNDCFGS))
                    != 0;
            case PROCESSOR_TRACE -> ((exit1 & VmExitControls.CLEAR_IA32_RTIT_CTL)
                    | (entry1 & VmEntryControls.LOAD_IA32_RTIT_CTL)) != 0;
            case DUAL_MONITOR_SMM -> (basic & (1L << 49)) != 0;
            case LATER_GENERATION -> false;
        };
    }
}
