package org.vtsim.cpu.system;

import java.util.HashMap;
import java.util.Map;
import org.vtsim.cpu.Platform;

/** A platform whose only device is an x2APIC-style MSR block (IA32_APIC_BASE and 0x800-0x8ff). */
final class ApicOnlyPlatform implements Platform {
    final Map<Integer, Long> msrs = new HashMap<>();

    @Override
    public int ioRead(int port, int size) {
        return -1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
    }

    @Override
    public long mmioStart() {
        return 0xfe000000L;
    }

    @Override
    public long mmioEnd() {
        return 0x100000000L;
    }

    @Override
    public long mmioRead(long pa, int size) {
        return -1;
    }

    @Override
    public void mmioWrite(long pa, int size, long value) {
    }

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

    @Override
    public boolean interruptPending() {
        return false;
    }

    @Override
    public int acknowledgeInterrupt() {
        throw new IllegalStateException("no interrupt pending");
    }

    @Override
    public void advanceTo(long cycle) {
    }

    @Override
    public long nextEventCycle() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean stopRequested() {
        return false;
    }
}
