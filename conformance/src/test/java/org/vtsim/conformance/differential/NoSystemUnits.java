package org.vtsim.conformance.differential;

import org.vtsim.cpu.SystemPort;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * The differential sequences are user-mode integer code and never reach a system unit; if the
 * model routes an instruction here anyway, the run stops as UNSUPPORTED naming it, and the
 * comparison reports it.
 */
final class NoSystemUnits implements SystemPort {
    private static UnsupportedFeature none(String what) {
        return new UnsupportedFeature(what + " (not part of the differential test)");
    }

    @Override
    public void loadSegment(int sreg, int selector) {
        throw none("segment load");
    }

    @Override
    public void farJump(int selector, long offset, int operandSize) {
        throw none("far jmp");
    }

    @Override
    public void farCall(int selector, long offset, int operandSize) {
        throw none("far call");
    }

    @Override
    public void farReturn(int operandSize, int popBytes) {
        throw none("far ret");
    }

    @Override
    public void iret(int operandSize) {
        throw none("iret");
    }

    @Override
    public void lldt(int selector) {
        throw none("lldt");
    }

    @Override
    public void ltr(int selector) {
        throw none("ltr");
    }

    @Override
    public void writeCr(int cr, long value) {
        throw none("mov to cr" + cr);
    }

    @Override
    public void cpuid() {
        throw none("cpuid");
    }

    @Override
    public long readMsr(int msr) {
        throw none("rdmsr");
    }

    @Override
    public void writeMsr(int msr, long value) {
        throw none("wrmsr");
    }

    @Override
    public void syscall() {
        throw none("syscall");
    }

    @Override
    public void sysret(int operandSize) {
        throw none("sysret");
    }

    @Override
    public void swapgs() {
        throw none("swapgs");
    }

    @Override
    public long readTsc() {
        throw none("rdtsc");
    }

    @Override
    public long tscAux() {
        throw none("rdtscp");
    }
}
