package org.vtsim.conformance.differential;

import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.ept.PhysicalMemory;

/**
 * The supervisor side of the model run, built in guest memory the way a 64-bit kernel builds it:
 * 4-level page tables that map exactly the harness's code and scratch pages for user mode (as the
 * native process has them; every other user access is a real #PF from the page walker), a GDT
 * with kernel and user segments and a 64-bit TSS, and an IDT whose 32 exception gates lead to
 * one-byte HLT stubs. An exception in the sequence is thus delivered through the IDT onto the
 * TSS.RSP0 stack (SDM Vol. 3A 6.14) and the CPU halts in the stub of its vector (IF is cleared by
 * the interrupt gate, so HLT ends the run); {@link #vectorAt} and the stack frame tell what
 * happened.
 *
 * <p>Supervisor structures sit in the first 2 MiB, identity-mapped by one supervisor-only 2-MiB
 * page; they are out of reach of user-mode code, like a kernel's.
 */
final class SystemArea {
    static final long PML4 = 0x100000;
    static final long PDPT = 0x101000;
    static final long PD_USER = 0x102000;
    static final long PT_USER = 0x103000;
    static final long PD_SYSTEM = 0x104000;
    static final long GDT = 0x105000;
    static final long IDT = 0x106000;
    static final long TSS = 0x107000;
    static final long STUBS = 0x108000;
    /** TSS.RSP0: the kernel stack exception frames are pushed on (16-byte aligned). */
    static final long KERNEL_STACK_TOP = 0x10a000;

    static final int KERNEL_CS = 0x08;
    static final int KERNEL_DS = 0x10;
    static final int USER_DS = 0x18 | 3;
    static final int USER_CS = 0x20 | 3;
    static final int TSS_SELECTOR = 0x28;

    private static final long P = 1;
    private static final long RW = 2;
    private static final long US = 4;
    private static final long PS = 0x80;

    private SystemArea() {
    }

    /** Writes page tables, GDT, TSS, IDT and stubs (each run: the walker sets A/D bits). */
    static void build(PhysicalMemory m) {
        for (long page = PML4; page < KERNEL_STACK_TOP; page += 0x1000) {
            m.write(page, new byte[0x1000], 0, 0x1000);
        }
        m.write64(PML4, PDPT | P | RW | US);
        m.write64(PDPT, PD_SYSTEM | P | RW | US); // 0-1 GiB: the system area
        m.write64(PDPT + 8 * (Layout.CODE >>> 30), PD_USER | P | RW | US);
        m.write64(PD_SYSTEM, P | RW | PS); // supervisor-only 2 MiB page at 0
        m.write64(PD_USER + 8 * ((Layout.CODE >>> 21) & 511), PT_USER | P | RW | US);
        m.write64(PT_USER + 8 * ((Layout.CODE >>> 12) & 511), Layout.CODE | P | RW | US);
        m.write64(PT_USER + 8 * ((Layout.DATA >>> 12) & 511), Layout.DATA | P | RW | US);
        // GDT: null, kernel code64, kernel data, user data, user code64, 64-bit TSS (16 bytes).
        m.write64(GDT + 0x08, 0x00af9b000000ffffL);
        m.write64(GDT + 0x10, 0x00cf93000000ffffL);
        m.write64(GDT + 0x18, 0x00cff3000000ffffL);
        m.write64(GDT + 0x20, 0x00affb000000ffffL);
        m.write64(GDT + 0x28, 0x67 | (TSS & 0xffffff) << 16 | 0x89L << 40 | (TSS >>> 24 & 0xff) << 56);
        m.write64(GDT + 0x30, TSS >>> 32);
        m.write64(TSS + 4, KERNEL_STACK_TOP); // RSP0
        for (int v = 0; v < 32; v++) {
            long handler = STUBS + v;
            m.write8(handler, 0xf4); // hlt
            long gate = IDT + 16L * v;
            // 64-bit interrupt gate, DPL 0, present (SDM Vol. 3A 6.14.1, Figure 6-8).
            m.write64(gate, (handler & 0xffff) | (long) KERNEL_CS << 16 | 0x8eL << 40 | (handler >>> 16 & 0xffff) << 48);
            m.write64(gate + 8, handler >>> 32);
        }
    }

    /** 64-bit mode at CPL 3 with paging on the tables above and the system registers loaded. */
    static void enterUserMode(CpuState s) {
        s.cr0 = CpuState.CR0_PE | CpuState.CR0_PG | CpuState.CR0_ET | CpuState.CR0_NE | CpuState.CR0_WP;
        s.cr3 = PML4;
        s.cr4 = CpuState.CR4_PAE;
        s.efer = CpuState.EFER_LME | CpuState.EFER_LMA;
        s.gdtrBase = GDT;
        s.gdtrLimit = 0x37;
        s.idtrBase = IDT;
        s.idtrLimit = 32 * 16 - 1;
        s.tr.set(TSS_SELECTOR, TSS, 0x67, 0xb | Segment.ATTR_P); // busy 64-bit TSS
        s.ldtr.set(0, 0, 0, Segment.ATTR_UNUSABLE);
        int user = Segment.ATTR_S | (3 << Segment.ATTR_DPL_SHIFT) | Segment.ATTR_P | Segment.ATTR_G;
        s.seg[CpuState.CS].set(USER_CS, 0, 0xffff_ffffL, 0xb | user | Segment.ATTR_L);
        for (int r : new int[] {CpuState.ES, CpuState.SS, CpuState.DS, CpuState.FS, CpuState.GS}) {
            s.seg[r].set(USER_DS, 0, 0xffff_ffffL, 0x3 | user | Segment.ATTR_DB);
        }
        s.cpl = 3;
    }

    /** The vector whose stub the CPU halted in (RIP is just past the HLT), or -1. */
    static int vectorAt(long rip) {
        long v = rip - 1 - STUBS;
        return v >= 0 && v < 32 ? (int) v : -1;
    }

    /** Exceptions that push an error code (SDM Vol. 3A 6.13, Table 6-1). */
    static boolean hasErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
    }
}
