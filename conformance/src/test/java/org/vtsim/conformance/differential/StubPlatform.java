package org.vtsim.conformance.differential;

import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Platform;

/** A machine with nothing in it: no devices, no interrupts, no timers. User-mode code needs no more. */
final class StubPlatform implements Platform {
    @Override
    public int ioRead(int port, int size) {
        return -1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
    }

    @Override
    public long mmioStart() {
        return 0xfe00_0000L;
    }

    @Override
    public long mmioEnd() {
        return 0xff00_0000L;
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
        return false;
    }

    @Override
    public long readMsr(int msr) {
        throw CpuFault.gp(0);
    }

    @Override
    public void writeMsr(int msr, long value) {
        throw CpuFault.gp(0);
    }

    @Override
    public boolean interruptPending() {
        return false;
    }

    @Override
    public int acknowledgeInterrupt() {
        throw new IllegalStateException("no interrupt controller");
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
