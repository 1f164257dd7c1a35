package org.vtsim.cpu;

/**
 * What the interpreter needs from the system units (org.vtsim.cpu.system: segment loading,
 * control registers, MSRs, CPUID, SYSCALL/SYSRET, IRET). One narrow interface so the
 * interpreter compiles and runs before every unit exists; {@link Cpu} supplies an adapter over
 * the units, and anything not yet wired fails loudly with {@link UnsupportedFeature}.
 *
 * <p>Every method runs with RIP already pointing at the next instruction and may throw
 * {@link CpuFault}.
 */
public interface SystemPort {
    /** MOV/POP to a data or stack segment register (SDM Vol. 3A 5.4.1, 5.10). */
    void loadSegment(int sreg, int selector);

    /** Far JMP to selector:offset (SDM Vol. 2A JMP). */
    void farJump(int selector, long offset, int operandSize);

    /** Far CALL; pushes CS:RIP of the next instruction (SDM Vol. 2A CALL). */
    void farCall(int selector, long offset, int operandSize);

    /** Far RET, releasing {@code popBytes} of parameters (SDM Vol. 2B RET). */
    void farReturn(int operandSize, int popBytes);

    /** IRET/IRETD/IRETQ (SDM Vol. 2A IRET). */
    void iret(int operandSize);

    void lldt(int selector);

    void ltr(int selector);

    /** MOV to CR0, CR3, CR4 or CR8 (CPL 0 already checked); LMSW goes through CR0. */
    void writeCr(int cr, long value);

    /** CPUID: reads EAX/ECX from the state and writes EAX, EBX, ECX, EDX. */
    void cpuid();

    /** RDMSR (CPL 0 already checked). */
    long readMsr(int msr);

    /** WRMSR (CPL 0 already checked). */
    void writeMsr(int msr, long value);

    void syscall();

    void sysret(int operandSize);

    void swapgs();

    /** I/O permission when CPL > IOPL: the TSS I/O bitmap (SDM Vol. 1 19.5); #GP(0) if denied. */
    void checkIo(int port, int size);

    /** The time-stamp counter as RDTSC reads it (SDM Vol. 3B 17.17). */
    long readTsc();

    /** IA32_TSC_AUX for RDTSCP. */
    long tscAux();
}
