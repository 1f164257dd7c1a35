package org.vtsim.vmx.controls;

/** Primary VM-exit controls, SDM Vol. 3C 24.7.1 (Table 24-13). */
public final class VmExitControls {
    public static final int SAVE_DEBUG_CONTROLS = 1 << 2;
    public static final int HOST_ADDRESS_SPACE_SIZE = 1 << 9;
    public static final int LOAD_IA32_PERF_GLOBAL_CTRL = 1 << 12;
    public static final int ACKNOWLEDGE_INTERRUPT_ON_EXIT = 1 << 15;
    public static final int SAVE_IA32_PAT = 1 << 18;
    public static final int LOAD_IA32_PAT = 1 << 19;
    public static final int SAVE_IA32_EFER = 1 << 20;
    public static final int LOAD_IA32_EFER = 1 << 21;
    public static final int SAVE_VMX_PREEMPTION_TIMER_VALUE = 1 << 22;
    public static final int CLEAR_IA32_BNDCFGS = 1 << 23;
    public static final int CONCEAL_VMX_FROM_PT = 1 << 24;
    public static final int CLEAR_IA32_RTIT_CTL = 1 << 25;
    public static final int CLEAR_IA32_LBR_CTL = 1 << 26;
    public static final int CLEAR_UINV = 1 << 27;
    public static final int LOAD_CET_STATE = 1 << 28;
    public static final int LOAD_PKRS = 1 << 29;
    public static final int SAVE_IA32_PERF_GLOBAL_CTL = 1 << 30;
    public static final int ACTIVATE_SECONDARY_CONTROLS = 1 << 31;
    /** Bits 0–8, 10, 11, 13, 14, 16 and 17: default 1 (SDM A.4). */
    public static final int DEFAULT1 = 0x00036dff;

    private VmExitControls() {
    }
}
