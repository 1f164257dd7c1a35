package org.vtsim.cpu;

import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.system.Event;

/**
 * What the CPU core asks of a VMX unit (SDM Vol. 3C ch. 23–27, 31). The core knows nothing of VMX
 * beyond this interface: a CPU without VMX uses {@link NoVmx} (VMX instructions #UD, CPUID.1:ECX.VMX
 * = 0); the VMX unit of the vmx package (class Vmx) implements it and attaches itself with {@link Cpu#attachVmx}.
 *
 * <p>A VM exit raised while an instruction executes is taken by the unit (guest state saved, host
 * state loaded) and then signalled to the core with {@link VmExitSignal}, which unwinds the
 * instruction; the core then re-reads the mode and carries on in root operation.
 */
public interface VmxPort {
    /** Whether the CPU has VMX at all: CPUID.1:ECX[5], CR4.VMXE and the VMX MSRs follow it. */
    boolean present();

    /** The value of a VMX capability MSR (0x480–0x491), or -1 when {@code msr} is not one. */
    long capabilityMsr(int msr);

    /** In VMX operation (root or non-root): CR0/CR4 writes must respect the fixed bits (SDM 23.8). */
    boolean inVmxOperation();

    /** Whether CR0 = {@code value} respects IA32_VMX_CR0_FIXED0/1 (only asked in VMX operation). */
    boolean cr0Allowed(long value);

    /** Whether CR4 = {@code value} respects IA32_VMX_CR4_FIXED0/1 (only asked in VMX operation). */
    boolean cr4Allowed(long value);

    /** {@link #intercept} result: no exit; the core executes the instruction normally. */
    int EXECUTE = 0;
    /** {@link #intercept} result: the unit completed the instruction as non-root operation changes it. */
    int COMPLETED = 1;
    /**
     * {@link #intercept} result: the VM exit has been taken (guest state saved, host state loaded) and the
     * instruction did not retire; the core ends it as it ends one that unwound with {@link VmExitSignal}.
     */
    int EXITED = 2;

    /**
     * Executes a VMX instruction ({@link org.vtsim.cpu.decode.Op#isVmx()}); operands are read and
     * written through {@code operands}. RIP already points at the next instruction. Returns true when
     * the instruction ended in a world switch the core must treat as a VM exit: a VM exit in non-root
     * operation, or a VM entry (or failed entry) made by VMLAUNCH/VMRESUME in root operation; the
     * instruction then did not retire, as with {@link VmExitSignal}.
     */
    boolean execute(Insn insn, InstructionOperands operands);

    /**
     * VMX non-root operation only: called before a non-VMX instruction that may exit (SDM 25.1.2,
     * 25.1.3) executes, after the exceptions that have priority over the exit (SDM 25.1.1: #UD,
     * CPL-based faults, the TSS I/O bitmap). Returns {@link #EXITED} when it took the VM exit,
     * {@link #COMPLETED} when the unit completed the instruction itself as non-root operation changes
     * it (SDM 25.3, e.g. MOV to CR8 with the TPR shadow), or {@link #EXECUTE} to execute it normally.
     * RIP already points at the next instruction. A result rather than {@link VmExitSignal}: unwinding
     * the interpreter's frames costs more host time than the exit it signals.
     */
    int intercept(Insn insn, InstructionOperands operands);

    /** VMX non-root operation only: the value MOV from CR0/CR4 and SMSW read (read shadows, SDM 25.3). */
    long readCr(int cr, long actual);

    /**
     * VMX non-root operation only: the value a MOV to CR0/CR4 (or CLTS, LMSW) that did not exit
     * writes: bits set in the guest/host mask keep their current value (SDM 25.3).
     */
    long writeCr(int cr, long value);

    /** VMX non-root operation only: what RDTSC/RDTSCP return for a host TSC value (SDM 25.3, 26.6.5). */
    long tsc(long hostTsc);

    /**
     * VMX non-root operation only: an exception raised by the instruction at {@code rip} (or the #DF
     * that event delivery produced, with the RIP of the event being delivered). Returns true when it
     * caused a VM exit (the exit has been taken, RIP saved as {@code rip}; SDM 25.2), false to
     * deliver it through the guest IDT.
     */
    boolean exception(CpuFault fault, long rip, int instructionLength);

    /**
     * VMX non-root operation only: exception {@code fault} (error code with EXT as it would be pushed)
     * raised while the processor delivered {@code during} through the guest IDT — an event of the
     * guest's, or one VM entry injected. True when the exception bitmap made it a VM exit (SDM 25.2,
     * 26.6.1.2), taken with the IDT-vectoring information and, for software interrupts and exceptions,
     * the VM-exit instruction length of {@code during} (27.2.4, 27.2.5); the guest RIP saved is that
     * of {@code during}. False to let the double-fault rules of SDM Vol. 3A 6.15 apply.
     */
    boolean exceptionDuringDelivery(CpuFault fault, Event during);

    /**
     * VMX non-root operation only: INT3, INTO ({@code privileged} false: software exception) or INT1
     * ({@code privileged} true) raised by the instruction at {@code rip}; true when the exception
     * bitmap made it a VM exit (taken; SDM 25.2), false to deliver it through the guest IDT.
     */
    boolean softwareException(int vector, boolean privileged, long rip, int instructionLength);

    /**
     * VMX non-root operation only, at an instruction boundary: whether an external interrupt that
     * is pending on INTR causes a VM exit now ("external-interrupt exiting", SDM 25.2), taking it if
     * so. Called whether or not RFLAGS.IF blocks it (the exit does not depend on IF).
     */
    boolean externalInterrupt();

    /**
     * VMX non-root operation only, at an instruction boundary: exits the guest asked for that are
     * not tied to an instruction (interrupt window, NMI window, preemption timer, MTF). Returns true
     * when one was taken.
     */
    boolean boundary();

    /** VMX non-root operation only: whether external interrupts cause VM exits (they wake HLT even with IF = 0). */
    boolean interruptsExit();

    /**
     * VMX non-root operation only: the cycle by which a timed VM exit (the VMX-preemption timer) is due,
     * or {@code Long.MAX_VALUE}; a halted CPU idles no longer than that.
     */
    long nextExitCycle();

    /** VMX non-root operation only: a triple fault, which exits (reason 2) instead of shutdown (SDM 25.2). */
    boolean tripleFault();

    /** VMX non-root operation only: HLT, which may exit (SDM 25.1.3) — called before halting. */
    default void halt() {
    }
}
