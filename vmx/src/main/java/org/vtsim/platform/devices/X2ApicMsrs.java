package org.vtsim.platform.devices;

import static org.vtsim.platform.devices.ApicRegisters.*;

import org.vtsim.cpu.CpuFault;

/**
 * The x2APIC MSR interface (SDM Vol. 3A 10.12.1.2, Table 10-6): MSR 0x800 + (offset >> 4)
 * reaches the register at xAPIC offset {@code offset}, with the x2APIC access rules — #GP outside
 * x2APIC mode, for registers the table does not list (DFR, APR, ICR high, ...), for reads of
 * write-only and writes of read-only registers, and for non-zero reserved bits.
 */
final class X2ApicMsrs {
    private final LocalApic apic;

    X2ApicMsrs(LocalApic apic) {
        this.apic = apic;
    }

    private static boolean readable(int offset) {
        return switch (offset) {
            case ID, VERSION, TPR, PPR, LDR, SVR, ESR, LVT_CMCI, ICR_LOW, LVT_TIMER, LVT_THERMAL, LVT_PERF,
                LVT_LINT0, LVT_LINT1, LVT_ERROR, TIMER_INITIAL_COUNT, TIMER_CURRENT_COUNT, TIMER_DIVIDE_CONFIG -> true;
            default -> offset >= ISR && offset < IRR + 0x80;
        };
    }

    private static boolean writable(int offset) {
        return switch (offset) {
            case TPR, EOI, SVR, ESR, LVT_CMCI, ICR_LOW, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1,
                LVT_ERROR, TIMER_INITIAL_COUNT, TIMER_DIVIDE_CONFIG, SELF_IPI -> true;
            default -> false;
        };
    }

    private int offsetOf(int msr) {
        if (!apic.x2apicMode()) {
            throw CpuFault.gp(0); // x2APIC MSRs are only accessible in x2APIC mode
        }
        return (msr - MSR_X2APIC_FIRST) << 4;
    }

    long read(int msr) {
        int offset = offsetOf(msr);
        if (!readable(offset)) {
            throw CpuFault.gp(0);
        }
        if (offset == ICR_LOW) {
            return apic.readIcr64();
        }
        if (offset == LDR) {
            return apic.x2apicLogicalId();
        }
        return apic.readRegister(offset) & 0xffffffffL;
    }

    void write(int msr, long value) {
        int offset = offsetOf(msr);
        if (!writable(offset)) {
            throw CpuFault.gp(0);
        }
        if (offset == ICR_LOW) {
            apic.writeIcr64(value);
            return;
        }
        if ((value >>> 32) != 0) {
            throw CpuFault.gp(0);
        }
        int v = (int) value;
        boolean reservedSet = switch (offset) {
            case EOI, ESR -> v != 0; // EOI and ESR must be written with 0 in x2APIC mode
            case SELF_IPI -> (v & ~0xff) != 0;
            case TPR -> (v & ~0xff) != 0;
            default -> false;
        };
        if (reservedSet) {
            throw CpuFault.gp(0);
        }
        apic.writeRegister(offset, v);
    }
}
