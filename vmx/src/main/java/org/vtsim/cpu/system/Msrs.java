package org.vtsim.cpu.system;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;

/**
 * The model-specific registers of the CPU and the RDMSR/WRMSR rules (SDM Vol. 2B RDMSR, WRMSR;
 * Vol. 4 Table 2-2). MSRs a device owns (IA32_APIC_BASE, the x2APIC range) go to the
 * {@link Platform}; FS/GS bases and EFER live in {@link CpuState}; the rest are kept here. An MSR
 * the model does not have raises #GP(0) and is counted by number for the run summary.
 *
 * <p>Which MSRs exist follows the {@link CpuidModel} (no SYSCALL feature, no STAR...).
 */
public final class Msrs {
    /** IA32_MISC_ENABLE: fast strings (0), BTS unavailable (11), PEBS unavailable (12). */
    static final long MISC_ENABLE_RESET = 1L | 1L << 11 | 1L << 12;
    static final long MISC_ENABLE_WRITABLE = 1L;
    static final long FEATURE_CONTROL_LOCK = 1L;
    static final long FEATURE_CONTROL_VMX_OUTSIDE_SMX = 1L << 2;
    static final long PAT_RESET = 0x0007040600070406L;
    static final long MTRR_DEF_TYPE_E = 1L << 11;

    private final CpuidModel model;
    private final Platform platform;
    private final LongSupplier cycles;
    private final PagingEvents paging;
    private final Map<Integer, Long> unknown = new TreeMap<>();

    private long tscOffset;
    private long tscAux;
    private long star;
    private long lstar;
    private long cstar;
    private long fmask;
    private long kernelGsBase;
    private long pat = PAT_RESET;
    private long miscEnable = MISC_ENABLE_RESET;
    private long featureControl;
    private long sysenterCs;
    private long sysenterEsp;
    private long sysenterEip;
    private long mtrrDefType;

    /**
     * @param cycles the CPU's cycle counter: the TSC reads as {@code cycles + offset} (SDM Vol. 3B
     *     17.17, invariant TSC)
     */
    public Msrs(CpuidModel model, Platform platform, LongSupplier cycles, PagingEvents paging) {
        this.model = model;
        this.platform = platform;
        this.cycles = cycles;
        this.paging = paging;
    }

    /** RDMSR: ECX selects, EDX:EAX receive (SDM Vol. 2B RDMSR). */
    public void rdmsr(CpuState s) {
        requireCpl0(s);
        long value = read(s, (int) s.gpr[CpuState.RCX]);
        s.gpr[CpuState.RAX] = value & 0xffffffffL;
        s.gpr[CpuState.RDX] = value >>> 32;
    }

    /** WRMSR: ECX selects, EDX:EAX is the value (SDM Vol. 2B WRMSR). */
    public void wrmsr(CpuState s) {
        requireCpl0(s);
        long value = (s.gpr[CpuState.RDX] << 32) | (s.gpr[CpuState.RAX] & 0xffffffffL);
        write(s, (int) s.gpr[CpuState.RCX], value);
    }

    private static void requireCpl0(CpuState s) {
        if (s.cpl != 0) {
            throw CpuFault.gp(0);
        }
    }

    private CpuFault unknownMsr(int msr) {
        unknown.merge(msr, 1L, Long::sum);
        return CpuFault.gp(0);
    }

    private boolean exists(CpuFeature f) {
        return model.has(f);
    }

    /** The value of an MSR, without the CPL check (also for the VMCS and the monitor later). */
    public long read(CpuState s, int msr) {
        if (platform.ownsMsr(msr)) {
            return platform.readMsr(msr);
        }
        switch (msr) {
            case Msr.IA32_TIME_STAMP_COUNTER:
                if (exists(CpuFeature.TSC)) {
                    return readTsc();
                }
                break;
            case Msr.IA32_FEATURE_CONTROL:
                return featureControl;
            case Msr.IA32_MTRRCAP:
                // No variable ranges, no fixed ranges, no WC, no SMRR (SDM Vol. 3A 11.11.1).
                if (exists(CpuFeature.MTRR)) {
                    return 0;
                }
                break;
            case Msr.IA32_MTRR_DEF_TYPE:
                if (exists(CpuFeature.MTRR)) {
                    return mtrrDefType;
                }
                break;
            case Msr.IA32_SYSENTER_CS:
                return sysenterCs;
            case Msr.IA32_SYSENTER_ESP:
                return sysenterEsp;
            case Msr.IA32_SYSENTER_EIP:
                return sysenterEip;
            case Msr.IA32_MISC_ENABLE:
                return miscEnable;
            case Msr.IA32_PAT:
                if (exists(CpuFeature.PAT)) {
                    return pat;
                }
                break;
            case Msr.IA32_EFER:
                return s.efer;
            case Msr.IA32_STAR:
                if (exists(CpuFeature.SYSCALL)) {
                    return star;
                }
                break;
            case Msr.IA32_LSTAR:
                if (exists(CpuFeature.LM)) {
                    return lstar;
                }
                break;
            case Msr.IA32_CSTAR:
                if (exists(CpuFeature.LM)) {
                    return cstar;
                }
                break;
            case Msr.IA32_FMASK:
                if (exists(CpuFeature.SYSCALL)) {
                    return fmask;
                }
                break;
            case Msr.IA32_FS_BASE:
                if (exists(CpuFeature.LM)) {
                    return s.seg[CpuState.FS].base;
                }
                break;
            case Msr.IA32_GS_BASE:
                if (exists(CpuFeature.LM)) {
                    return s.seg[CpuState.GS].base;
                }
                break;
            case Msr.IA32_KERNEL_GS_BASE:
                if (exists(CpuFeature.LM)) {
                    return kernelGsBase;
                }
                break;
            case Msr.IA32_TSC_AUX:
                if (exists(CpuFeature.RDTSCP)) {
                    return tscAux;
                }
                break;
            default:
                break;
        }
        throw unknownMsr(msr);
    }

    /** Writes an MSR with its checks, without the CPL check. */
    public void write(CpuState s, int msr, long value) {
        if (platform.ownsMsr(msr)) {
            platform.writeMsr(msr, value);
            return;
        }
        switch (msr) {
            case Msr.IA32_TIME_STAMP_COUNTER:
                if (!exists(CpuFeature.TSC)) {
                    break;
                }
                tscOffset = value - cycles.getAsLong();
                return;
            case Msr.IA32_FEATURE_CONTROL:
                writeFeatureControl(value);
                return;
            case Msr.IA32_MTRRCAP:
                if (!exists(CpuFeature.MTRR)) {
                    break;
                }
                throw CpuFault.gp(0); // read-only
            case Msr.IA32_MTRR_DEF_TYPE:
                if (!exists(CpuFeature.MTRR)) {
                    break;
                }
                // Type in 7:0 and E (11); FE (10) is reserved without fixed-range MTRRs (SDM 11.11.2.1).
                if ((value & ~(0xffL | MTRR_DEF_TYPE_E)) != 0 || !MemoryType.validForMtrr(value & 0xff)) {
                    throw CpuFault.gp(0);
                }
                mtrrDefType = value;
                return;
            case Msr.IA32_SYSENTER_CS:
                sysenterCs = value & 0xffffffffL; // a 32-bit MSR: the upper half is ignored
                return;
            case Msr.IA32_SYSENTER_ESP:
                sysenterEsp = canonical(s, value);
                return;
            case Msr.IA32_SYSENTER_EIP:
                sysenterEip = canonical(s, value);
                return;
            case Msr.IA32_MISC_ENABLE:
                // Only fast-strings enable is modelled as writable; changing another bit would
                // need behaviour the model does not have (limit CPUID maxval, XD disable...).
                if (((value ^ miscEnable) & ~MISC_ENABLE_WRITABLE) != 0) {
                    throw CpuFault.gp(0);
                }
                miscEnable = value;
                return;
            case Msr.IA32_PAT:
                if (!exists(CpuFeature.PAT)) {
                    break;
                }
                if (!MemoryType.validPat(value)) {
                    throw CpuFault.gp(0);
                }
                pat = value;
                return;
            case Msr.IA32_EFER:
                writeEfer(s, value);
                return;
            case Msr.IA32_STAR:
                if (!exists(CpuFeature.SYSCALL)) {
                    break;
                }
                star = value;
                return;
            case Msr.IA32_LSTAR:
                if (!exists(CpuFeature.LM)) {
                    break;
                }
                lstar = canonical(s, value);
                return;
            case Msr.IA32_CSTAR:
                if (!exists(CpuFeature.LM)) {
                    break;
                }
                cstar = canonical(s, value);
                return;
            case Msr.IA32_FMASK:
                if (!exists(CpuFeature.SYSCALL)) {
                    break;
                }
                fmask = value & 0xffffffffL; // bits 63:32 reserved and ignored
                return;
            case Msr.IA32_FS_BASE:
                if (!exists(CpuFeature.LM)) {
                    break;
                }
                s.seg[CpuState.FS].base = canonical(s, value);
                return;
            case Msr.IA32_GS_BASE:
                if (!exists(CpuFeature.LM)) {
                    break;
                }
                s.seg[CpuState.GS].base = canonical(s, value);
                return;
            case Msr.IA32_KERNEL_GS_BASE:
                if (!exists(CpuFeature.LM)) {
                    break;
                }
                kernelGsBase = canonical(s, value);
                return;
            case Msr.IA32_TSC_AUX:
                if (!exists(CpuFeature.RDTSCP)) {
                    break;
                }
                if ((value >>> 32) != 0) {
                    throw CpuFault.gp(0);
                }
                tscAux = value;
                return;
            default:
                break;
        }
        throw unknownMsr(msr);
    }

    private static long canonical(CpuState s, long value) {
        if (!Canonical.isCanonical(s, value)) {
            throw CpuFault.gp(0);
        }
        return value;
    }

    /** The EFER bits the model has (SDM Vol. 3A 2.2.1, Vol. 4 Table 2-2); others are reserved. */
    public static long eferAllowed(CpuidModel m) {
        long a = 0;
        a |= m.has(CpuFeature.SYSCALL) ? CpuState.EFER_SCE : 0;
        a |= m.has(CpuFeature.LM) ? CpuState.EFER_LME | CpuState.EFER_LMA : 0;
        a |= m.has(CpuFeature.NX) ? CpuState.EFER_NXE : 0;
        return a;
    }

    private void writeEfer(CpuState s, long value) {
        if ((value & ~eferAllowed(model)) != 0) {
            throw CpuFault.gp(0);
        }
        long old = s.efer;
        // LME cannot change while paging is enabled (SDM Vol. 3A 9.8.5); LMA is read-only: the
        // written value is ignored and the current one kept.
        if (s.pagingEnabled() && ((old ^ value) & CpuState.EFER_LME) != 0) {
            throw CpuFault.gp(0);
        }
        s.efer = (value & ~CpuState.EFER_LMA) | (old & CpuState.EFER_LMA);
        if (((old ^ s.efer) & CpuState.EFER_NXE) != 0) {
            paging.pagingModeChanged();
        }
    }

    /** IA32_FEATURE_CONTROL: writes #GP once locked (SDM Vol. 3C 23.7); VMX bits need VMX. */
    private void writeFeatureControl(long value) {
        if ((featureControl & FEATURE_CONTROL_LOCK) != 0) {
            throw CpuFault.gp(0);
        }
        long allowed = FEATURE_CONTROL_LOCK | (model.has(CpuFeature.VMX) ? FEATURE_CONTROL_VMX_OUTSIDE_SMX : 0);
        if ((value & ~allowed) != 0) {
            throw CpuFault.gp(0);
        }
        featureControl = value;
    }

    /** Firmware-style initial value (e.g. locked with VMX enabled), bypassing the write rules. */
    public void resetFeatureControl(long value) {
        featureControl = value;
    }

    /** RDTSC / IA32_TIME_STAMP_COUNTER. */
    /**
     * IA32_SYSENTER_CS/ESP/EIP as VM entry and VM exit load them (SDM 26.3.2.1, 27.5.1): the VMCS checks
     * (26.2.2, 26.3.1.1) already required canonical addresses, so WRMSR's checks do not apply.
     */
    public void loadSysenter(long cs, long esp, long eip) {
        sysenterCs = cs & 0xffffffffL;
        sysenterEsp = esp;
        sysenterEip = eip;
    }

    /**
     * IA32_PAT as VM entry and VM exit load it ("load IA32_PAT", SDM 26.3.2.1, 27.5.1): the VMCS checks
     * (26.2.2, 26.3.1.1) already validated the value.
     */
    public void loadPat(long value) {
        if (!exists(CpuFeature.PAT)) {
            throw new IllegalStateException("IA32_PAT loaded on a processor without PAT");
        }
        pat = value;
    }

    public long readTsc() {
        return cycles.getAsLong() + tscOffset;
    }

    /** What a write of IA32_TIME_STAMP_COUNTER set: the TSC minus the cycle counter (SDM Vol. 3B 18.17). */
    public long tscOffset() {
        return tscOffset;
    }

    public long tscAux() {
        return tscAux;
    }

    public long star() {
        return star;
    }

    public long lstar() {
        return lstar;
    }

    public long cstar() {
        return cstar;
    }

    public long fmask() {
        return fmask;
    }

    public long kernelGsBase() {
        return kernelGsBase;
    }

    void setKernelGsBase(long value) {
        kernelGsBase = value;
    }

    public long pat() {
        return pat;
    }

    public long sysenterCs() {
        return sysenterCs;
    }

    public long sysenterEsp() {
        return sysenterEsp;
    }

    public long sysenterEip() {
        return sysenterEip;
    }

    /** MSR number -> number of RDMSR/WRMSR attempts on an MSR the model lacks (each raised #GP(0)). */
    public Map<Integer, Long> unknownMsrAccesses() {
        return Collections.unmodifiableMap(unknown);
    }
}
