package org.vtsim.vmx;

/**
 * The rules for one entry of a VM-entry or VM-exit MSR-load area (SDM Vol. 3C 26.4, 27.6): 16 bytes,
 * bits 31:0 the MSR index, bits 63:32 reserved (0), bits 127:64 the data. Entries that name the
 * FS/GS bases (loaded from the VMCS instead), the x2APIC MSRs (0x800–0x8ff), IA32_SMM_MONITOR_CTL or
 * IA32_SMBASE fail; so does any WRMSR that would raise #GP (checked by the caller).
 */
final class MsrLoadArea {
    static final int ENTRY_BYTES = 16;

    private MsrLoadArea() {
    }

    static boolean loadable(int msr, int reserved) {
        return reserved == 0 && (msr >>> 8) != 0x8 && msr != 0xc0000100 && msr != 0xc0000101 && msr != 0x9b
                && msr != 0x9e;
    }
}
