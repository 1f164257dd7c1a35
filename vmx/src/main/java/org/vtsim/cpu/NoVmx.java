package org.vtsim.cpu;

import org.vtsim.cpu.decode.Insn;

/** A CPU without VMX: CPUID.1:ECX.VMX = 0, CR4.VMXE reserved, every VMX instruction #UD (SDM 31). */
public final class NoVmx implements VmxPort {
    public static final NoVmx INSTANCE = new NoVmx();

    private NoVmx() {
    }

    @Override
    public boolean present() {
        return false;
    }

    @Override
    public long capabilityMsr(int msr) {
        return -1;
    }

    @Override
    public boolean inVmxOperation() {
        return false;
    }

    @Override
    public boolean cr0Allowed(long value) {
        return true;
    }

    @Override
    public boolean cr4Allowed(long value) {
        return true;
    }

    @Override
    public boolean execute(Insn insn, InstructionOperands operands) {
        throw CpuFault.ud();
    }

    @Override
    public int intercept(Insn insn, InstructionOperands operands) {
        return EXECUTE;
    }

    @Override
    public long readCr(int cr, long actual) {
        return actual;
    }

    @Override
    public long writeCr(int cr, long value) {
        return value;
    }

    @Override
    public long tsc(long hostTsc) {
        return hostTsc;
    }

    @Override
    public boolean exception(CpuFault fault, long rip, int instructionLength) {
        return false;
    }

    @Override
    public boolean exceptionDuringDelivery(CpuFault fault, org.vtsim.cpu.system.Event during) {
        return false;
    }

    @Override
    public boolean softwareException(int vector, boolean privileged, long rip, int instructionLength) {
        return false;
    }

    @Override
    public boolean externalInterrupt() {
        return false;
    }

    @Override
    public boolean boundary() {
        return false;
    }

    @Override
    public boolean interruptsExit() {
        return false;
    }

    @Override
    public long nextExitCycle() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean tripleFault() {
        return false;
    }
}
