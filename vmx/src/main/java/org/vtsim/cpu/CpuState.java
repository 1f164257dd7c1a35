package org.vtsim.cpu;

/**
 * The architectural register state of one logical processor: what SDM Vol. 1 ch. 3 and Vol. 3A
 * ch. 2-3 name, and what the VMCS guest- and host-state areas later save and load.
 *
 * <p>Plain public fields: the interpreter reads and writes them on every instruction. The
 * arithmetic flags may be kept lazily by the execution core; everything outside it reads and
 * writes RFLAGS only through {@link #getRflags()} / {@link #setRflags(long)}.
 */
public final class CpuState {
    // General-purpose register numbers, in encoding order (SDM Vol. 2A 2.1.5, Table 2-2).
    public static final int RAX = 0;
    public static final int RCX = 1;
    public static final int RDX = 2;
    public static final int RBX = 3;
    public static final int RSP = 4;
    public static final int RBP = 5;
    public static final int RSI = 6;
    public static final int RDI = 7;

    // Segment register numbers, in encoding order (sreg field of ModRM).
    public static final int ES = 0;
    public static final int CS = 1;
    public static final int SS = 2;
    public static final int DS = 3;
    public static final int FS = 4;
    public static final int GS = 5;

    // RFLAGS bits (SDM Vol. 1 3.4.3).
    public static final long CF = 1L;
    public static final long FIXED1 = 1L << 1;
    public static final long PF = 1L << 2;
    public static final long AF = 1L << 4;
    public static final long ZF = 1L << 6;
    public static final long SF = 1L << 7;
    public static final long TF = 1L << 8;
    public static final long IF = 1L << 9;
    public static final long DF = 1L << 10;
    public static final long OF = 1L << 11;
    public static final long IOPL = 3L << 12;
    public static final long NT = 1L << 14;
    public static final long RF = 1L << 16;
    public static final long VM = 1L << 17;
    public static final long AC = 1L << 18;
    public static final long VIF = 1L << 19;
    public static final long VIP = 1L << 20;
    public static final long ID = 1L << 21;
    public static final long ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;

    // CR0 bits (SDM Vol. 3A 2.5).
    public static final long CR0_PE = 1L;
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_EM = 1L << 2;
    public static final long CR0_TS = 1L << 3;
    public static final long CR0_ET = 1L << 4;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_AM = 1L << 18;
    public static final long CR0_NW = 1L << 29;
    public static final long CR0_CD = 1L << 30;
    public static final long CR0_PG = 1L << 31;

    // CR4 bits.
    public static final long CR4_VME = 1L;
    public static final long CR4_PVI = 1L << 1;
    public static final long CR4_TSD = 1L << 2;
    public static final long CR4_DE = 1L << 3;
    public static final long CR4_PSE = 1L << 4;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_MCE = 1L << 6;
    public static final long CR4_PGE = 1L << 7;
    public static final long CR4_PCE = 1L << 8;
    public static final long CR4_OSFXSR = 1L << 9;
    public static final long CR4_OSXMMEXCPT = 1L << 10;
    public static final long CR4_UMIP = 1L << 11;
    public static final long CR4_LA57 = 1L << 12;
    public static final long CR4_VMXE = 1L << 13;
    public static final long CR4_SMXE = 1L << 14;
    public static final long CR4_FSGSBASE = 1L << 16;
    public static final long CR4_PCIDE = 1L << 17;
    public static final long CR4_OSXSAVE = 1L << 18;
    public static final long CR4_SMEP = 1L << 20;
    public static final long CR4_SMAP = 1L << 21;

    // IA32_EFER bits (SDM Vol. 3A 2.2.1).
    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    public final long[] gpr = new long[16];
    public long rip;

    /** RFLAGS except the six arithmetic flags, which live in {@link #flags}; see {@link #getRflags()}. */
    private long rflags = FIXED1;

    /** The arithmetic flags, computed lazily by the execution core. */
    public final LazyFlags flags = new LazyFlags();

    public final Segment[] seg = {new Segment(), new Segment(), new Segment(), new Segment(), new Segment(),
        new Segment()};
    public final Segment ldtr = new Segment();
    public final Segment tr = new Segment();
    public long gdtrBase;
    public int gdtrLimit;
    public long idtrBase;
    public int idtrLimit;

    public long cr0 = CR0_ET | CR0_CD | CR0_NW;
    public long cr2;
    public long cr3;
    public long cr4;
    /** CR8 is the task-priority class, bits 3:0 (SDM Vol. 3A 10.8.6). */
    public long cr8;
    public long efer;
    public final long[] dr = new long[8];

    /** Current privilege level (CS.DPL in protected mode; SDM Vol. 3A 5.5). */
    public int cpl;

    public long getRflags() {
        return (rflags & ~ARITH_FLAGS) | flags.materialize();
    }

    public void setRflags(long value) {
        rflags = (value & 0x3f7fd5L) | FIXED1;
        flags.setBits(value);
    }

    /** RFLAGS without the arithmetic flags: cheap, for IF/DF/AC/IOPL tests on the hot path. */
    public long systemFlags() {
        return rflags;
    }

    /** Sets the non-arithmetic part of RFLAGS, leaving the arithmetic flags as they are. */
    public void setSystemFlags(long value) {
        rflags = (value & 0x3f7fd5L & ~ARITH_FLAGS) | FIXED1;
    }

    public boolean longModeActive() {
        return (efer & EFER_LMA) != 0;
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    public boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    /** 64-bit mode: IA-32e mode active and CS.L = 1 (SDM Vol. 3A 2.2, 5.2.1). */
    public boolean mode64() {
        return longModeActive() && seg[CS].is64BitCode();
    }
}
