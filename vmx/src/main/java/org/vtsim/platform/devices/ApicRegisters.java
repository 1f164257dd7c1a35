package org.vtsim.platform.devices;

/**
 * Local APIC register offsets from the xAPIC base and the bits of each register (SDM Vol. 3A
 * 10.4.1, Table 10-1; LVT layout Figure 10-8; ICR Figure 10-12; ESR Figure 10-9). In x2APIC
 * mode register {@code offset} is MSR {@code 0x800 + (offset >> 4)} (SDM 10.12.1.2).
 */
public final class ApicRegisters {
    public static final int ID = 0x020;
    public static final int VERSION = 0x030;
    public static final int TPR = 0x080;
    public static final int APR = 0x090;
    public static final int PPR = 0x0a0;
    public static final int EOI = 0x0b0;
    public static final int RRD = 0x0c0;
    public static final int LDR = 0x0d0;
    public static final int DFR = 0x0e0;
    public static final int SVR = 0x0f0;
    public static final int ISR = 0x100; // eight registers, 0x100-0x170
    public static final int TMR = 0x180; // 0x180-0x1f0
    public static final int IRR = 0x200; // 0x200-0x270
    public static final int ESR = 0x280;
    public static final int LVT_CMCI = 0x2f0;
    public static final int ICR_LOW = 0x300;
    public static final int ICR_HIGH = 0x310;
    public static final int LVT_TIMER = 0x320;
    public static final int LVT_THERMAL = 0x330;
    public static final int LVT_PERF = 0x340;
    public static final int LVT_LINT0 = 0x350;
    public static final int LVT_LINT1 = 0x360;
    public static final int LVT_ERROR = 0x370;
    public static final int TIMER_INITIAL_COUNT = 0x380;
    public static final int TIMER_CURRENT_COUNT = 0x390;
    public static final int TIMER_DIVIDE_CONFIG = 0x3e0;
    /** x2APIC only (MSR 0x83f): writing a vector sends a self IPI (SDM 10.12.11). */
    public static final int SELF_IPI = 0x3f0;

    // Version register: version 0x14 (integrated APIC) with 6 LVT entries, as QEMU reports.
    public static final int VERSION_VALUE = 0x14;
    public static final int VERSION_MAX_LVT_SHIFT = 16;

    // LVT bits (Figure 10-8).
    public static final int LVT_VECTOR = 0xff;
    public static final int LVT_DELIVERY_MODE_SHIFT = 8;
    public static final int LVT_DELIVERY_MODE = 0x700;
    public static final int LVT_DELIVERY_STATUS = 1 << 12;
    public static final int LVT_POLARITY = 1 << 13;
    public static final int LVT_REMOTE_IRR = 1 << 14;
    public static final int LVT_TRIGGER_LEVEL = 1 << 15;
    public static final int LVT_MASKED = 1 << 16;
    public static final int LVT_TIMER_MODE_SHIFT = 17;
    public static final int LVT_TIMER_MODE = 3 << LVT_TIMER_MODE_SHIFT;
    public static final int TIMER_ONE_SHOT = 0;
    public static final int TIMER_PERIODIC = 1;
    public static final int TIMER_TSC_DEADLINE = 2;

    // Delivery modes (LVT and ICR).
    public static final int DM_FIXED = 0;
    public static final int DM_LOWEST_PRIORITY = 1;
    public static final int DM_SMI = 2;
    public static final int DM_NMI = 4;
    public static final int DM_INIT = 5;
    public static final int DM_STARTUP = 6;
    public static final int DM_EXTINT = 7;

    // SVR bits (Figure 10-23).
    public static final int SVR_VECTOR = 0xff;
    public static final int SVR_APIC_ENABLED = 1 << 8;
    public static final int SVR_FOCUS_DISABLED = 1 << 9;
    public static final int SVR_EOI_BROADCAST_SUPPRESSION = 1 << 12;

    // ICR low dword (Figure 10-12).
    public static final int ICR_VECTOR = 0xff;
    public static final int ICR_DELIVERY_MODE_SHIFT = 8;
    public static final int ICR_DEST_LOGICAL = 1 << 11;
    public static final int ICR_DELIVERY_STATUS = 1 << 12;
    public static final int ICR_LEVEL_ASSERT = 1 << 14;
    public static final int ICR_TRIGGER_LEVEL = 1 << 15;
    public static final int ICR_SHORTHAND_SHIFT = 18;
    public static final int SHORTHAND_NONE = 0;
    public static final int SHORTHAND_SELF = 1;
    public static final int SHORTHAND_ALL_INCLUDING_SELF = 2;
    public static final int SHORTHAND_ALL_EXCLUDING_SELF = 3;

    // ESR bits (Figure 10-9).
    public static final int ESR_SEND_CHECKSUM = 1;
    public static final int ESR_RECEIVE_CHECKSUM = 1 << 1;
    public static final int ESR_SEND_ACCEPT = 1 << 2;
    public static final int ESR_RECEIVE_ACCEPT = 1 << 3;
    public static final int ESR_REDIRECTABLE_IPI = 1 << 4;
    public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5;
    public static final int ESR_RECEIVED_ILLEGAL_VECTOR = 1 << 6;
    public static final int ESR_ILLEGAL_REGISTER = 1 << 7;

    // IA32_APIC_BASE (MSR 0x1b, SDM 10.4.4, Figure 10-5 and 10.12.1).
    public static final int MSR_IA32_APIC_BASE = 0x1b;
    public static final long APIC_BASE_BSP = 1L << 8;
    public static final long APIC_BASE_EXTD = 1L << 10;
    public static final long APIC_BASE_EN = 1L << 11;
    public static final long DEFAULT_BASE = 0xfee00000L;
    public static final int MSR_IA32_TSC_DEADLINE = 0x6e0;
    public static final int MSR_X2APIC_FIRST = 0x800;
    public static final int MSR_X2APIC_LAST = 0x8ff;

    private ApicRegisters() {
    }
}
