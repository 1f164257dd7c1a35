package org.vtsim.cpu;

/**
 * A machine with nothing around the CPU: no ports (reads are all ones, writes dropped), an empty
 * MMIO window at the local-APIC page, no device MSRs (#GP(0)), no interrupts, no timers; an NMI only when someone calls {@link #raiseNmi}. For
 * running the CPU on its own — instruction-level tests, the differential test — and as the base
 * for small test platforms that add one thing.
 */
public class NoDevices implements Platform {
    private boolean nmi;

    /** Signals an NMI (an edge on the NMI pin): the CPU takes it at its next instruction boundary. */
    public void raiseNmi() {
        nmi = true;
    }

    @Override
    public boolean takeNmi() {
        boolean n = nmi;
        nmi = false;
        return n;
    }

    @Override
    public int ioRead(int port, int size) {
        return -1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
    }

    @Override
    public long mmioStart() {
        return 0xfee0_0000L;
    }

    @Override
    public long mmioEnd() {
        return 0x1_0000_0000L;
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
        throw new IllegalStateException("INTA with no interrupt pending");
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
