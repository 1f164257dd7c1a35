package org.vtsim.cpu.system;

/** Architectural MSR numbers, named as in SDM Vol. 4, Table 2-2. */
public final class Msr {
    public static final int IA32_TIME_STAMP_COUNTER = 0x10;
    public static final int IA32_APIC_BASE = 0x1b;
    public static final int IA32_FEATURE_CONTROL = 0x3a;
    public static final int IA32_MTRRCAP = 0xfe;
    public static final int IA32_SYSENTER_CS = 0x174;
    public static final int IA32_SYSENTER_ESP = 0x175;
    public static final int IA32_SYSENTER_EIP = 0x176;
    public static final int IA32_MISC_ENABLE = 0x1a0;
    public static final int IA32_PAT = 0x277;
    public static final int IA32_MTRR_DEF_TYPE = 0x2ff;
    public static final int X2APIC_FIRST = 0x800;
    public static final int X2APIC_LAST = 0x8ff;
    public static final int IA32_EFER = 0xc0000080;
    public static final int IA32_STAR = 0xc0000081;
    public static final int IA32_LSTAR = 0xc0000082;
    public static final int IA32_CSTAR = 0xc0000083;
    public static final int IA32_FMASK = 0xc0000084;
    public static final int IA32_FS_BASE = 0xc0000100;
    public static final int IA32_GS_BASE = 0xc0000101;
    public static final int IA32_KERNEL_GS_BASE = 0xc0000102;
    public static final int IA32_TSC_AUX = 0xc0000103;

    private Msr() {
    }
}
