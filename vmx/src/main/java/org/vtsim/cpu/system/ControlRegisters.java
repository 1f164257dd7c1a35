package org.vtsim.cpu.system;

import static org.vtsim.cpu.CpuState.CR0_CD;
import static org.vtsim.cpu.CpuState.CR0_ET;
import static org.vtsim.cpu.CpuState.CR0_NW;
import static org.vtsim.cpu.CpuState.CR0_PE;
import static org.vtsim.cpu.CpuState.CR0_PG;
import static org.vtsim.cpu.CpuState.CR0_TS;
import static org.vtsim.cpu.CpuState.CR0_WP;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;

/**
 * MOV to/from CR0, CR2, CR3, CR4, CR8, LMSW, SMSW and CLTS with their reserved-bit and
 * mode-transition checks (SDM Vol. 2B "MOV—Move to/from Control Registers", LMSW, SMSW, CLTS;
 * Vol. 3A 2.5, 9.8.5 "Initializing IA-32e Mode", 4.10.1 PCIDs) and the TLB consequences of SDM
 * Vol. 3A 4.10.4.1, reported through {@link PagingEvents}.
 *
 * <p>The core decodes the register number (MOV CR with other numbers is #UD before reaching here)
 * and passes the source operand zero-extended: 32 bits outside 64-bit mode, 64 bits in it.
 */
public final class ControlRegisters {
    /** CR0 bits that exist; writes to other bits of CR0[31:0] are ignored (ET reads as 1). */
    static final long CR0_DEFINED = CR0_PE | CpuState.CR0_MP | CpuState.CR0_EM | CR0_TS | CR0_ET
            | CpuState.CR0_NE | CR0_WP | CpuState.CR0_AM | CR0_NW | CR0_CD | CR0_PG;
    /** CR4 bits whose change makes PAE paging reload its PDPTEs (SDM Vol. 3A 4.4.1). */
    private static final long CR4_PDPTE_BITS = CpuState.CR4_PGE | CpuState.CR4_PSE | CpuState.CR4_PAE
            | CpuState.CR4_SMEP;
    private static final long CR4_PAGING_BITS = CpuState.CR4_PSE | CpuState.CR4_PAE | CpuState.CR4_PGE
            | CpuState.CR4_PCIDE | CpuState.CR4_SMEP | CpuState.CR4_SMAP | CpuState.CR4_LA57;

    private final CpuidModel model;
    private final PagingEvents paging;
    private final TaskPriority tpr;
    private final long cr4Allowed;

    /** {@code tpr} may be null: CR8 is then kept in {@link CpuState#cr8} only. */
    public ControlRegisters(CpuidModel model, PagingEvents paging, TaskPriority tpr) {
        this.model = model;
        this.paging = paging;
        this.tpr = tpr;
        this.cr4Allowed = cr4Allowed(model);
    }

    /**
     * CR4 bits the model supports; all others are reserved and #GP(0) when set (SDM Vol. 3A 2.5:
     * a bit for a feature CPUID does not report is reserved).
     */
    public static long cr4Allowed(CpuidModel m) {
        long a = CpuState.CR4_TSD | CpuState.CR4_PCE;
        a |= m.has(CpuFeature.VME) ? CpuState.CR4_VME | CpuState.CR4_PVI : 0;
        a |= m.has(CpuFeature.DE) ? CpuState.CR4_DE : 0;
        a |= m.has(CpuFeature.PSE) ? CpuState.CR4_PSE : 0;
        a |= m.has(CpuFeature.PAE) ? CpuState.CR4_PAE : 0;
        a |= m.has(CpuFeature.MCE) ? CpuState.CR4_MCE : 0;
        a |= m.has(CpuFeature.PGE) ? CpuState.CR4_PGE : 0;
        a |= m.has(CpuFeature.FXSR) ? CpuState.CR4_OSFXSR : 0;
        a |= m.has(CpuFeature.SSE) ? CpuState.CR4_OSXMMEXCPT : 0;
        a |= m.has(CpuFeature.UMIP) ? CpuState.CR4_UMIP : 0;
        a |= m.has(CpuFeature.LA57) ? CpuState.CR4_LA57 : 0;
        a |= m.has(CpuFeature.VMX) ? CpuState.CR4_VMXE : 0;
        a |= m.has(CpuFeature.FSGSBASE) ? CpuState.CR4_FSGSBASE : 0;
        a |= m.has(CpuFeature.PCID) ? CpuState.CR4_PCIDE : 0;
        a |= m.has(CpuFeature.XSAVE) ? CpuState.CR4_OSXSAVE : 0;
        a |= m.has(CpuFeature.SMEP) ? CpuState.CR4_SMEP : 0;
        a |= m.has(CpuFeature.SMAP) ? CpuState.CR4_SMAP : 0;
        return a;
    }

    private static void requireCpl0(CpuState s) {
        if (s.cpl != 0) {
            throw CpuFault.gp(0);
        }
    }

    /** MOV r, CRn. */
    public long read(CpuState s, int cr) {
        requireCpl0(s);
        return switch (cr) {
            case 0 -> s.cr0;
            case 2 -> s.cr2;
            case 3 -> s.cr3;
            case 4 -> s.cr4;
            case 8 -> readCr8(s);
            default -> throw CpuFault.ud();
        };
    }

    /** MOV CRn, r. */
    public void write(CpuState s, int cr, long value) {
        requireCpl0(s);
        switch (cr) {
            case 0 -> writeCr0(s, value);
            case 2 -> s.cr2 = value;
            case 3 -> writeCr3(s, value);
            case 4 -> writeCr4(s, value);
            case 8 -> writeCr8(s, value);
            default -> throw CpuFault.ud();
        }
    }

    private long readCr8(CpuState s) {
        if (tpr != null) {
            s.cr8 = tpr.priorityClass() & 0xf;
        }
        return s.cr8;
    }

    private void writeCr8(CpuState s, long value) {
        if ((value & ~0xfL) != 0) {
            throw CpuFault.gp(0); // CR8[63:4] reserved (SDM Vol. 3A 2.5)
        }
        s.cr8 = value;
        if (tpr != null) {
            tpr.setPriorityClass((int) value);
        }
    }

    private boolean paePaging(long cr0, long cr4, long efer) {
        return (cr0 & CR0_PG) != 0 && (cr4 & CpuState.CR4_PAE) != 0 && (efer & CpuState.EFER_LMA) == 0;
    }

    void writeCr0(CpuState s, long value) {
        if ((value >>> 32) != 0) {
            throw CpuFault.gp(0);
        }
        long old = s.cr0;
        long cr0 = (value & CR0_DEFINED) | CR0_ET;
        if ((cr0 & CR0_PG) != 0 && (cr0 & CR0_PE) == 0) {
            throw CpuFault.gp(0);
        }
        if ((cr0 & CR0_NW) != 0 && (cr0 & CR0_CD) == 0) {
            throw CpuFault.gp(0);
        }
        long efer = s.efer;
        boolean enablingPaging = (old & CR0_PG) == 0 && (cr0 & CR0_PG) != 0;
        boolean disablingPaging = (old & CR0_PG) != 0 && (cr0 & CR0_PG) == 0;
        if (enablingPaging && (efer & CpuState.EFER_LME) != 0) {
            // Activating IA-32e mode needs PAE and must not happen from a 64-bit code segment (SDM 9.8.5).
            if ((s.cr4 & CpuState.CR4_PAE) == 0 || s.seg[CpuState.CS].is64BitCode()) {
                throw CpuFault.gp(0);
            }
            efer |= CpuState.EFER_LMA;
        }
        if (disablingPaging) {
            // Leaving IA-32e mode is only allowed from compatibility mode, and never with PCIDE set
            // (SDM 9.8.5.4; 4.10.1: CR4.PCIDE can be 1 only in IA-32e mode).
            if ((s.cr4 & CpuState.CR4_PCIDE) != 0 || s.mode64()) {
                throw CpuFault.gp(0);
            }
            efer &= ~CpuState.EFER_LMA;
        }
        if (paePaging(cr0, s.cr4, efer) && ((old ^ cr0) & (CR0_PG | CR0_CD | CR0_NW)) != 0) {
            paging.loadPdptes(s.cr3);
        }
        s.cr0 = cr0;
        s.efer = efer;
        if (disablingPaging) {
            paging.flushAll(true);
        }
        if (((old ^ cr0) & (CR0_PG | CR0_WP | CR0_PE)) != 0) {
            paging.pagingModeChanged();
        }
    }

    void writeCr3(CpuState s, long value) {
        boolean pcide = (s.cr4 & CpuState.CR4_PCIDE) != 0;
        boolean noFlush = false;
        long cr3 = value;
        if (s.longModeActive()) {
            if (pcide) {
                noFlush = value < 0; // bit 63 (SDM Vol. 3A 4.10.4.1)
                cr3 &= Long.MAX_VALUE;
            }
            if ((cr3 & model.physAddrReservedMask()) != 0) {
                throw CpuFault.gp(0);
            }
        } else {
            cr3 &= 0xffffffffL;
        }
        if (paePaging(s.cr0, s.cr4, s.efer)) {
            paging.loadPdptes(cr3);
        }
        s.cr3 = cr3;
        paging.cr3Loaded(cr3, pcide ? (int) (cr3 & 0xfff) : 0, !noFlush);
    }

    void writeCr4(CpuState s, long value) {
        if ((value & ~cr4Allowed) != 0) {
            throw CpuFault.gp(0);
        }
        long old = s.cr4;
        boolean ia32e = s.longModeActive();
        if (ia32e && (value & CpuState.CR4_PAE) == 0) {
            throw CpuFault.gp(0); // clearing PAE in IA-32e mode (SDM Vol. 2B MOV CR)
        }
        if (ia32e && ((old ^ value) & CpuState.CR4_LA57) != 0) {
            throw CpuFault.gp(0);
        }
        if ((old & CpuState.CR4_PCIDE) == 0 && (value & CpuState.CR4_PCIDE) != 0
                && (!ia32e || (s.cr3 & 0xfff) != 0)) {
            throw CpuFault.gp(0); // PCIDE 0 -> 1 needs IA-32e mode and CR3[11:0] = 0 (SDM 4.10.1)
        }
        if (paePaging(s.cr0, value, s.efer) && ((old ^ value) & CR4_PDPTE_BITS) != 0) {
            paging.loadPdptes(s.cr3);
        }
        s.cr4 = value;
        long changed = old ^ value;
        boolean pcideCleared = (old & CpuState.CR4_PCIDE) != 0 && (value & CpuState.CR4_PCIDE) == 0;
        // SDM 4.10.4.1 requires a full flush for a PGE change and PCIDE 1 -> 0; for the other paging
        // bits we also flush everything, which is always allowed (a flush can only drop stale entries).
        if ((changed & CR4_PAGING_BITS) != 0 || pcideCleared) {
            paging.flushAll(true);
        }
        if ((changed & CR4_PAGING_BITS) != 0) {
            paging.pagingModeChanged();
        }
    }

    /** LMSW: loads CR0[3:0] but can never clear PE (SDM Vol. 2A LMSW). */
    public void lmsw(CpuState s, int value) {
        requireCpl0(s);
        long low = value & 0xf;
        if ((s.cr0 & CR0_PE) != 0) {
            low |= CR0_PE;
        }
        writeCr0(s, (s.cr0 & ~0xfL) | low);
    }

    /**
     * SMSW: CR0 for a register destination (the core truncates to the operand size; bits 15:0 for
     * memory). Not privileged; CR4.UMIP is never set in a model without UMIP.
     */
    public long smsw(CpuState s) {
        if ((s.cr4 & CpuState.CR4_UMIP) != 0 && s.cpl > 0) {
            throw CpuFault.gp(0);
        }
        return s.cr0;
    }

    /** CLTS: clears CR0.TS at CPL 0 (SDM Vol. 2A CLTS). */
    public void clts(CpuState s) {
        requireCpl0(s);
        s.cr0 &= ~CR0_TS;
    }
}
