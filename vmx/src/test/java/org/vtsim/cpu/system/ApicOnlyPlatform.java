package org.vtsim.cpu.system;

import java.util.HashMap;
import java.util.Map;
import org.vtsim.cpu.NoDevices;

/** A platform whose only device is an x2APIC-style MSR block (IA32_APIC_BASE and 0x800-0x8ff). */
final class ApicOnlyPlatform extends NoDevices {
    final Map<Integer, Long> msrs = new HashMap<>();

    @Override
    public boolean ownsMsr(int msr) {
        return msr == Msr.IA32_APIC_BASE || (msr >= Msr.X2APIC_FIRST && msr <= Msr.X2APIC_LAST);
    }

    @Override
    public long readMsr(int msr) {
        return msrs.getOrDefault(msr, 0L);
    }

    @Override
    public void writeMsr(int msr, long value) {
        msrs.put(msr, value);
    }
}
