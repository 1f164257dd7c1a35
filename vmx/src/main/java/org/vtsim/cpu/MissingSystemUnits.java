package org.vtsim.cpu;

/**
 * Stands in for the system units before they are wired: every call fails loudly. Also provides
 * the time-stamp counter from the cycle count.
 */
final class MissingSystemUnits implements SystemPort, EventPort {
    private final Counters counters;

    MissingSystemUnits(Counters counters) {
        this.counters = counters;
    }

    private static UnsupportedFeature missing(String what) {
        return new UnsupportedFeature(what + " (system unit not wired)");
    }

    @Override
    public void loadSegment(int sreg, int selector) {
        throw missing("segment register load");
    }

    @Override
    public void farJump(int selector, long offset, int operandSize) {
        throw missing("far JMP");
    }

    @Override
    public void farCall(int selector, long offset, int operandSize) {
        throw missing("far CALL");
    }

    @Override
    public void farReturn(int operandSize, int popBytes) {
        throw missing("far RET");
    }

    @Override
    public void iret(int operandSize) {
        throw missing("IRET");
    }

    @Override
    public void lldt(int selector) {
        throw missing("LLDT");
    }

    @Override
    public void ltr(int selector) {
        throw missing("LTR");
    }

    @Override
    public void writeCr(int cr, long value) {
        throw missing("MOV to CR" + cr);
    }

    @Override
    public void cpuid() {
        throw missing("CPUID");
    }

    @Override
    public long readMsr(int msr) {
        throw missing("RDMSR");
    }

    @Override
    public void writeMsr(int msr, long value) {
        throw missing("WRMSR");
    }

    @Override
    public void syscall() {
        throw missing("SYSCALL");
    }

    @Override
    public void sysret(int operandSize) {
        throw missing("SYSRET");
    }

    @Override
    public void swapgs() {
        throw missing("SWAPGS");
    }

    @Override
    public void checkIo(int port, int size) {
        throw missing("I/O permission bitmap (I/O with CPL > IOPL)");
    }

    @Override
    public long readTsc() {
        return counters.cycles;
    }

    @Override
    public long tscAux() {
        return 0;
    }

    @Override
    public boolean exception(CpuFault fault, long rip) {
        throw missing("event delivery of " + fault.getMessage());
    }

    @Override
    public boolean externalInterrupt(int vector, long rip) {
        throw missing("event delivery of interrupt " + vector);
    }

    @Override
    public boolean software(int vector, int kind, long rip, int length) {
        throw missing("event delivery of INT " + vector);
    }
}
