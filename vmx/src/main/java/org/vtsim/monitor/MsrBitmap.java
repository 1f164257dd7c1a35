package org.vtsim.monitor;

import org.vtsim.ept.PhysicalMemory;

/**
 * The 4 KiB MSR bitmap (SDM Vol. 3C 24.6.9): read-low, read-high, write-low, write-high, a bit set
 * means the access exits. Everything exits except the MSRs whose guest values the processor itself
 * switches on entry and exit or keeps per logical processor with no host meaning — the "fast" ones
 * KVM passes through too (segment bases, SYSCALL/SYSENTER, TSC_AUX, EFER and PAT, which the VMCS
 * saves and loads).
 */
final class MsrBitmap {
    static final int[] PASS_THROUGH = {
        0x174, 0x175, 0x176, // IA32_SYSENTER_CS/ESP/EIP (guest-state area)
        0x277, // IA32_PAT (saved and loaded by the VMCS)
        0xc0000080, // IA32_EFER (saved and loaded by the VMCS)
        0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, // STAR, LSTAR, CSTAR, FMASK
        0xc0000100, 0xc0000101, 0xc0000102, // FS_BASE, GS_BASE, KERNEL_GS_BASE
        0xc0000103, // TSC_AUX
    };
    /** Read without an exit; writes exit (IA32_TIME_STAMP_COUNTER: a read returns TSC + offset). */
    static final int[] READ_ONLY_PASS_THROUGH = {0x10};

    private MsrBitmap() {
    }

    /**
     * @param interceptEfer shadow paging: IA32_EFER reads and writes exit (EFER.NXE changes what guest
     *     entries mean; the processor's EFER differs from the guest's while its paging is off)
     */
    static void write(PhysicalMemory m, long base, boolean interceptEfer) {
        for (int i = 0; i < 4096; i += 8) {
            m.write64(base + i, -1L);
        }
        for (int msr : PASS_THROUGH) {
            clear(m, base, msr, false);
            clear(m, base, msr, true);
        }
        for (int msr : READ_ONLY_PASS_THROUGH) {
            clear(m, base, msr, false);
        }
        if (interceptEfer) {
            set(m, base, EFER, false);
            set(m, base, EFER, true);
        }
    }

    static final int EFER = 0xc0000080;

    private static long offset(int msr, boolean write) {
        return (write ? 2048 : 0) + ((msr & 0xc0000000) != 0 ? 1024 : 0) + ((msr & 0x1fff) >>> 3);
    }

    private static void clear(PhysicalMemory m, long base, int msr, boolean write) {
        long off = offset(msr, write);
        m.write8(base + off, m.read8(base + off) & ~(1 << (msr & 7)));
    }

    private static void set(PhysicalMemory m, long base, int msr, boolean write) {
        long off = offset(msr, write);
        m.write8(base + off, m.read8(base + off) | 1 << (msr & 7));
    }
}
