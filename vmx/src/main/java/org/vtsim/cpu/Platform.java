package org.vtsim.cpu;

/**
 * What the CPU sees of the machine around it: the I/O port space, the MMIO window, the
 * interrupt controller's INTR line, model-specific registers that belong to a device (the
 * x2APIC MSRs), and simulated time. The CPU knows nothing more about the platform (or about
 * who, if anyone, runs in VMX root operation).
 *
 * <p>Time is the CPU's cycle counter: the core calls {@link #advanceTo(long)} at instruction
 * boundaries no later than {@link #nextEventCycle()}, so device timers fire deterministically.
 */
public interface Platform {
    /** IN from a port; {@code size} is 1, 2 or 4. Unclaimed ports read as all ones. */
    int ioRead(int port, int size);

    /** OUT to a port; {@code size} is 1, 2 or 4. Writes to unclaimed ports are dropped. */
    void ioWrite(int port, int size, int value);

    /** First physical address of the MMIO window (RAM is never mapped inside it). */
    long mmioStart();

    /** Physical address one past the MMIO window. */
    long mmioEnd();

    /** A read inside the MMIO window; unclaimed addresses read as all ones. */
    long mmioRead(long pa, int size);

    /** A write inside the MMIO window; writes to unclaimed addresses are dropped. */
    void mmioWrite(long pa, int size, long value);

    /** Whether a device owns this MSR (for example x2APIC 0x800-0x8ff, IA32_APIC_BASE). */
    boolean ownsMsr(int msr);

    /** Reads a device MSR; throws {@link CpuFault} #GP(0) where the device says so. */
    long readMsr(int msr);

    /** Writes a device MSR; throws {@link CpuFault} #GP(0) where the device says so. */
    void writeMsr(int msr, long value);

    /** Whether a maskable interrupt is pending on INTR (before RFLAGS.IF is considered). */
    boolean interruptPending();

    /**
     * The NMI line: whether an NMI was signalled (the NMI pin, or an NMI message from the local APIC) since
     * the last call, which consumes it. NMIs are edge events (SDM Vol. 3A 6.7, 10.5.1): the processor
     * latches one and holds it pending while NMIs are blocked, one deep (6.7.1). The core asks whenever it
     * re-reads INTR, so a platform raises an NMI when it is advanced or touched, or between runs.
     */
    default boolean takeNmi() {
        return false;
    }

    /** INTA cycle: the vector of the highest-priority pending interrupt, now in service. */
    int acknowledgeInterrupt();

    /** Brings every device up to simulated time {@code cycle}, firing what is due. */
    void advanceTo(long cycle);

    /** The cycle of the next timer event, or {@link Long#MAX_VALUE} if none is armed. */
    long nextEventCycle();

    /** Whether a device (the exit device, a reset) asked for the run to end. */
    boolean stopRequested();

    /**
     * TPR[7:4] of the local APIC, which MOV from CR8 returns as CR8[3:0] (SDM Vol. 3A 10.8.6.1),
     * or -1 when the platform has no local APIC: the CPU then keeps CR8 itself.
     */
    default int taskPriorityClass() {
        return -1;
    }

    /**
     * MOV to CR8: sets the local APIC's TPR to {@code priorityClass << 4} (TPR[3:0] cleared, SDM
     * Vol. 3A 10.8.6.1); {@code priorityClass} is 0-15. Ignored by a platform without an APIC.
     */
    default void setTaskPriorityClass(int priorityClass) {
    }
}
