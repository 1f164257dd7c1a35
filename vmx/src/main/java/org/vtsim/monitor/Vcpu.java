package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.List;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.EventDelivery;
import org.vtsim.cpu.system.EventType;
import org.vtsim.monitor.stats.ExitDetail;
import org.vtsim.monitor.stats.ExitRecorder;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxResult;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.entry.EntryCheckFailure;
import org.vtsim.vmx.entry.VmEntryChecks;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.VectoredEvent;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsDump;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * The virtual CPU and its run loop, KVM's vcpu_run in miniature: inject pending events, enter the
 * guest with VMLAUNCH/VMRESUME through the very {@link Vmx} methods x86 code reaches, let the CPU run
 * it until a VM exit ({@code Cpu.setStopAtVmExit}), record the exit, dispatch it through the handler
 * table indexed by basic exit reason, repeat. The guest's general registers stay in the processor
 * across an exit (VM exits do not save them, SDM 27.3); RSP, RIP and RFLAGS are in the VMCS.
 *
 * <p>An exit that happened while the guest's CPU delivered an event through the guest IDT (valid
 * IDT-vectoring information, SDM Vol. 3C 27.2.4: a #PF or EPT violation while pushing an interrupt
 * frame, an event VM entry injected) re-injects that event at the next entry, as KVM's
 * vmx_complete_interrupts does (SDM 31.7.1.1): same vector, type, error code and instruction length.
 * If the handler raised an exception for the guest instead ({@link GuestFault}), the two combine by
 * the double-fault rules of SDM Vol. 3A 6.15, Table 6-5 ({@link EventDelivery#afterFault}, as KVM's
 * kvm_multiple_exception): #DF, a triple fault that stops the VM, or the new exception alone. An
 * external interrupt caught that way is not dropped (natively it would be, being benign): it was
 * acknowledged once and is queued again for when the guest can take it, as KVM keeps it injected.
 */
public final class Vcpu {
    /** VMX-preemption timer quantum: the monitor regains control at least this often (cycles). */
    public static final long QUANTUM_CYCLES = 1L << 24;

    private final Vm vm;
    private final Cpu cpu;
    private final Vmx vmx;
    private final CpuState s;
    private final Platform platform;
    private final CostProfile costs;
    private final ExitHandler[] handlers;
    private final ExitRecorder recorder;
    private final GuestAccess access;
    private final GuestMsrs msrs;
    private final long exitCost;

    /** Vectors acknowledged from the platform (external-interrupt exits) not yet injected, oldest first. */
    private final int[] pendingVectors = new int[256];
    private int pendingCount;
    /** How many vectors at the head of the queue were injected once already (counted in injectedInterrupts). */
    private int requeued;
    private GuestFault pendingFault;
    /** The event the last exit interrupted the delivery of (IDT-vectoring information), to re-inject; or null. */
    private Event vectored;

    private boolean launched;
    /** {@link Vm#reset} replaced this vCPU: it keeps its statistics and never runs again. */
    private boolean retired;
    private boolean inGuest;
    private boolean paused;
    private StopReason stop;
    private String stopDetail = "";
    private String report = "";

    private boolean enteredHalted;
    private long enteredCycle;
    private long enteredInstructions;
    private long idleCycles;
    private long handlerCycles;
    private long exits;
    private long injectedInterrupts;
    private long injectedPageFaults;
    private long reinjectedEvents;

    Vcpu(Vm vm, ExitHandler[] handlers, ExitRecorder recorder) {
        this.vm = vm;
        this.cpu = vm.cpu();
        this.vmx = vm.vmx();
        this.s = cpu.state();
        this.platform = vm.platform();
        this.costs = cpu.costProfile();
        this.handlers = handlers;
        this.recorder = recorder;
        this.access = new GuestAccess(new GuestPhysicalMemory(vm.memory()), cpu.cpuidModel().maxPhysAddr());
        this.msrs = new GuestMsrs(cpu);
        this.exitCost = costs.cycles(Cost.VM_EXIT);
    }

    // ---- running ----

    /**
     * Runs the guest for up to {@code maxInstructions} guest instructions. Returns
     * {@link StopReason#INSTRUCTION_LIMIT} when the budget is used up (call again to continue) or
     * when {@link #pause()} was called, else the reason the VM stopped for good ({@link #stopDetail()}).
     */
    public StopReason run(long maxInstructions) {
        if (retired) {
            throw new IllegalStateException("this vCPU was retired by a reset of its VM: run vm.vcpu()");
        }
        paused = false;
        long end = cpu.instructions() + maxInstructions;
        while (stop == null) {
            if (paused) {
                return StopReason.INSTRUCTION_LIMIT;
            }
            if (!inGuest && !enter()) {
                break;
            }
            // inGuest is false after an entry whose event injection exited at once (SDM 26.6.1.2).
            if (inGuest) {
                long left = end - cpu.instructions();
                if (left <= 0) {
                    return StopReason.INSTRUCTION_LIMIT;
                }
                StopReason r = cpu.run(left);
                if (r == StopReason.INSTRUCTION_LIMIT) {
                    return r;
                }
                if (r != StopReason.VM_EXIT) {
                    stop(r, cpu.stopDetail(), guestStateReport());
                    break;
                }
                inGuest = false;
            }
            int reason = handleExit();
            if (stop == null && platform.stopRequested()) {
                stop(StopReason.PLATFORM_STOP, "device requested stop", "");
            }
            if (stop == null && reason == ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number) {
                // The end of a time slice: the caller may check its limits (host time, Ctrl-C) even
                // while the guest idles and retires no instruction.
                return StopReason.INSTRUCTION_LIMIT;
            }
        }
        return stop;
    }

    /** Asks {@link #run} to return at the next exit (the preemption timer bounds the wait). */
    public void pause() {
        paused = true;
    }

    /** Ends the statistics: the run is over (guest exit, limit, crash or interrupt). */
    public void finish() {
        recorder.finish(cpu.cycles(), cpu.instructions());
    }

    /** The VM was reset: this vCPU's run is over (its statistics stay readable) and a new vCPU takes over. */
    void retire() {
        retired = true;
    }

    /** Whether {@link Vm#reset} retired this vCPU. */
    public boolean retired() {
        return retired;
    }

    private boolean enter() {
        Vmcs v = vmx.currentVmcs();
        try {
            if (!prepareEvents(v)) {
                return false;
            }
            int rate = (int) (vmx.capabilities().misc & 0x1f);
            write(VMX_PREEMPTION_TIMER_VALUE, QUANTUM_CYCLES >>> rate);
            boolean halted = v.get32(GUEST_ACTIVITY_STATE) == 1
                    && !InterruptionInformation.valid(v.get32(VM_ENTRY_INTERRUPTION_INFORMATION));
            VmxResult r = launched ? vmx.vmresume() : vmx.vmlaunch();
            if (r == VmxResult.VM_ENTERED) {
                launched = true;
                // Delivering the injected event may have exited already; the exit is then handled next.
                inGuest = vmx.nonRoot();
                enteredHalted = halted;
                enteredCycle = cpu.cycles();
                enteredInstructions = cpu.instructions();
                recorder.entry(enteredCycle);
                return true;
            }
            if (r == VmxResult.VM_ENTRY_FAILED) {
                int reason = v.get32(EXIT_REASON);
                long q = v.get(EXIT_QUALIFICATION);
                // The attempted entry ends the open exit; the failure is an exit of its own (SDM 26.8).
                recorder.entry(cpu.cycles());
                recorder.exit(cpu.cycles(), reason, q, v.get(GUEST_RIP), cpu.instructions(), ExitDetail.NONE);
                exits++;
                stop(StopReason.INTERNAL_ERROR, "VM entry failed: " + ExitRecorder.reasonName(reason)
                        + ", qualification " + q, explainEntryFailure(v));
                return false;
            }
            stop(StopReason.INTERNAL_ERROR, "VM entry failed: " + r + ", VM-instruction error "
                    + vmx.instructionError(), explainEntryFailure(v));
            return false;
        } catch (UnsupportedFeature u) {
            stop(StopReason.UNSUPPORTED, u.getMessage(), guestStateReport());
            return false;
        } catch (RuntimeException e) {
            stop(StopReason.INTERNAL_ERROR, "monitor error entering the guest: " + e, dump(v));
            return false;
        }
    }

    /** Failed checks of SDM 26.2-26.3 (every one, not just the first) and the VMCS. */
    private String explainEntryFailure(Vmcs v) {
        StringBuilder b = new StringBuilder("VM-entry checks that fail:\n");
        List<EntryCheckFailure> failures = new VmEntryChecks(vmx.capabilities(), cpu.cpuidModel())
                .checkAll(v, cpu.memory());
        for (EntryCheckFailure f : failures) {
            b.append("  ").append(f).append('\n');
        }
        if (failures.isEmpty()) {
            b.append("  none of the modelled checks (a failure while loading MSRs or a monitor bug)\n");
        }
        return b.append(dump(v)).toString();
    }

    private String dump(Vmcs v) {
        return v == null ? "" : VmcsDump.dump(v, vmx.capabilities(), true);
    }

    /**
     * Event injection before an entry (SDM 26.6): an event whose delivery the last exit interrupted
     * first (re-injected, or combined with the exception the handler raised); else a pending
     * exception; else a pending external interrupt if the guest can take it now (RFLAGS.IF = 1, no STI
     * / MOV SS blocking), else an interrupt-window exit is requested (SDM 25.2) and external-interrupt
     * exiting is turned off meanwhile, so that an interrupt the guest cannot take yet stays in the
     * device as it would natively instead of exiting at every instruction. Returns false when the VM
     * stopped (a triple fault).
     */
    private boolean prepareEvents(Vmcs v) {
        platform.advanceTo(cpu.cycles());
        int proc = v.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        int newProc = proc & ~PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING;
        int newPin = pin | PinBasedControls.EXTERNAL_INTERRUPT_EXITING;
        boolean interrupt = pendingCount > 0 || platform.interruptPending();
        Event original = vectored;
        vectored = null;
        if (original != null) {
            if (InterruptionInformation.valid(v.get32(VM_ENTRY_INTERRUPTION_INFORMATION))) {
                throw new IllegalStateException("an exit handler injected an event while " + original
                        + " was being delivered");
            }
            GuestFault f = pendingFault;
            pendingFault = null;
            Event e = original;
            if (f != null) {
                if (original.type() == EventType.NMI) {
                    throw new UnsupportedFeature("an exception raised by the monitor while an NMI was delivered");
                }
                if (f.vector == 14) {
                    s.cr2 = f.cr2;
                }
                CpuFault fault = f.errorCode >= 0 ? CpuFault.withError(f.vector, f.errorCode) : CpuFault.of(f.vector);
                e = EventDelivery.afterFault(original, fault);
                if (e == null) {
                    stop(StopReason.SHUTDOWN, "triple fault in the guest at rip 0x" + Long.toHexString(original.rip())
                            + ": " + Vectors.name(f.vector) + " while delivering " + original, guestStateReport());
                    return false;
                }
                if (original.type() == EventType.EXTERNAL_INTERRUPT) {
                    requeueInterrupt(original.vector());
                }
                if (e.vector() == 14) {
                    injectedPageFaults++;
                }
            } else {
                reinjectedEvents++;
                if (e.type() == EventType.NMI) {
                    // The NMI was not delivered, so the guest does not block NMIs yet; with "virtual NMIs" the saved
                    // bit 3 is the blocking its injection set, and VM entry refuses to inject an NMI under it
                    // (SDM 26.3.1.5): clear it, as KVM's vmx_complete_interrupts does.
                    long blocking = v.get(GUEST_INTERRUPTIBILITY_STATE);
                    if ((blocking & 8) != 0) {
                        write(GUEST_INTERRUPTIBILITY_STATE, blocking & ~8L);
                    }
                }
            }
            inject(e);
            if (pendingCount > 0) {
                // An acknowledged interrupt waits: come back as soon as the guest can take it.
                newProc |= PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING;
            }
        } else if (pendingFault != null) {
            GuestFault f = pendingFault;
            pendingFault = null;
            write(VM_ENTRY_INTERRUPTION_INFORMATION, InterruptionInformation.encode(f.vector,
                    InterruptionInformation.TYPE_HARDWARE_EXCEPTION, f.errorCode >= 0, false));
            if (f.errorCode >= 0) {
                write(VM_ENTRY_EXCEPTION_ERROR_CODE, f.errorCode);
            }
            if (f.vector == 14) {
                s.cr2 = f.cr2;
                injectedPageFaults++;
            }
            write(GUEST_ACTIVITY_STATE, 0);
        } else if (interrupt) {
            boolean canTake = (v.get(GUEST_RFLAGS) & CpuState.IF) != 0 && (v.get(GUEST_INTERRUPTIBILITY_STATE) & 3) == 0;
            if (canTake) {
                int vector;
                boolean again = false;
                if (pendingCount > 0) {
                    vector = pendingVectors[0];
                    System.arraycopy(pendingVectors, 1, pendingVectors, 0, --pendingCount);
                    again = requeued > 0; // injected before, and counted then
                    requeued -= again ? 1 : 0;
                } else {
                    vector = platform.acknowledgeInterrupt();
                    cpu.counters().platformTouched = true;
                }
                write(VM_ENTRY_INTERRUPTION_INFORMATION, InterruptionInformation.encode(vector,
                        InterruptionInformation.TYPE_EXTERNAL_INTERRUPT, false, false));
                injectedInterrupts += again ? 0 : 1;
            } else {
                newProc |= PrimaryProcessorBasedControls.INTERRUPT_WINDOW_EXITING;
                newPin &= ~PinBasedControls.EXTERNAL_INTERRUPT_EXITING;
            }
        }
        if (newProc != proc) {
            write(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, newProc);
        }
        if (newPin != pin) {
            write(PIN_BASED_VM_EXECUTION_CONTROLS, newPin);
        }
        return true;
    }

    /** VM-entry event injection of {@code e} (SDM 24.8.3): its information, error code and instruction length. */
    private void inject(Event e) {
        write(VM_ENTRY_INTERRUPTION_INFORMATION, VectoredEvent.information(e));
        if (e.pushesErrorCode()) {
            write(VM_ENTRY_EXCEPTION_ERROR_CODE, e.errorCode());
        }
        if (e.type().returnsAfterInstruction()) {
            write(VM_ENTRY_INSTRUCTION_LENGTH, e.instructionLength());
        }
        // The guest was delivering the event, so it was active (SDM 26.3.1.5 allows only some events in HLT).
        write(GUEST_ACTIVITY_STATE, 0);
    }

    /** An acknowledged vector back at the head of the queue (it was accepted before the queued ones). */
    private void requeueInterrupt(int vector) {
        if (pendingCount == pendingVectors.length) {
            throw new IllegalStateException("more than 256 pending interrupts");
        }
        System.arraycopy(pendingVectors, 0, pendingVectors, 1, pendingCount++);
        pendingVectors[0] = vector;
        requeued++;
    }

    /** Records and dispatches the exit; returns its exit-reason field. */
    private int handleExit() {
        Vmcs v = vmx.currentVmcs();
        long now = cpu.cycles();
        if (enteredHalted && cpu.instructions() == enteredInstructions) {
            // The guest sat in the HLT activity state: the time until this exit was idle, not work.
            idleCycles += Math.max(0, now - enteredCycle - exitCost);
        }
        enteredHalted = false;
        int reason = v.get32(EXIT_REASON);
        long q = v.get(EXIT_QUALIFICATION);
        long rip = v.get(GUEST_RIP);
        exits++;
        if ((reason & ExitReason.ENTRY_FAILURE_BIT) != 0) {
            recorder.exit(now, reason, q, rip, cpu.instructions(), ExitDetail.NONE);
            stop(StopReason.INTERNAL_ERROR, "VM entry failed: " + ExitRecorder.reasonName(reason), explainEntryFailure(v));
            return reason;
        }
        recorder.exit(now, reason, q, rip, cpu.instructions(),
                ExitDetail.forExit(reason, q, s.gpr[CpuState.RCX], v.get(VM_EXIT_INTERRUPTION_INFORMATION)));
        // An exit during event delivery (SDM 27.2.4): the event goes back in at the next entry.
        int idt = v.get32(IDT_VECTORING_INFORMATION);
        vectored = InterruptionInformation.valid(idt) ? VectoredEvent.event(idt, v.get32(IDT_VECTORING_ERROR_CODE),
                v.get32(VM_EXIT_INSTRUCTION_LENGTH), rip) : null;
        int basic = reason & 0xffff;
        ExitHandler h = basic < handlers.length ? handlers[basic] : null;
        if (h == null) {
            stop(StopReason.UNSUPPORTED, "unsupported: VM exit " + ExitRecorder.reasonName(reason)
                    + " has no handler (guest rip 0x" + Long.toHexString(rip) + ")", dump(v));
            return reason;
        }
        access.load(v);
        try {
            h.handle(this, v, q);
        } catch (GuestFault f) {
            pendingFault = f;
        } catch (CpuFault f) {
            pendingFault = new GuestFault(f.vector, f.hasErrorCode ? f.errorCode : -1, 0);
        } catch (UnsupportedFeature u) {
            stop(StopReason.UNSUPPORTED, u.getMessage() + " (guest rip 0x" + Long.toHexString(rip) + ")",
                    guestStateReport());
        } catch (RuntimeException e) {
            stop(StopReason.INTERNAL_ERROR, "monitor error handling " + ExitRecorder.reasonName(reason) + ": " + e,
                    dump(v));
        }
        return reason;
    }

    // ---- for handlers ----

    public Cpu cpu() {
        return cpu;
    }

    public Vmx vmx() {
        return vmx;
    }

    public Vm vm() {
        return vm;
    }

    public Platform platform() {
        return platform;
    }

    GuestAccess access() {
        return access;
    }

    GuestMsrs msrs() {
        return msrs;
    }

    /** Charges monitor work to the cycle counter (exit-handling time, not guest time). */
    public void charge(Cost item) {
        long c = costs.cycles(item);
        cpu.counters().cycles += c;
        handlerCycles += c;
    }

    public void write(VmcsField f, long value) {
        if (vmx.vmwrite(f.encoding, value) != VmxResult.SUCCEED) {
            throw new IllegalStateException("VMWRITE " + f + " failed: VM-instruction error " + vmx.instructionError());
        }
    }

    /**
     * Completes an instruction the monitor emulated: RIP past it, and the STI / MOV SS blocking it
     * was under ends (SDM 26.3.1.5; KVM's skip_emulated_instruction does the same).
     */
    public void skipInstruction(Vmcs v) {
        skipInstruction(v, v.get32(VM_EXIT_INSTRUCTION_LENGTH));
    }

    /** As {@link #skipInstruction(Vmcs)} with a length the monitor decoded itself (EPT violations have none). */
    public void skipInstruction(Vmcs v, int length) {
        long rip = v.get(GUEST_RIP) + length;
        boolean mode64 = (v.get32(GUEST_CS_ACCESS_RIGHTS) & org.vtsim.cpu.Segment.ATTR_L) != 0
                && (v.get(GUEST_IA32_EFER) & CpuState.EFER_LMA) != 0;
        write(GUEST_RIP, mode64 ? rip : rip & 0xffffffffL);
        long blocking = v.get(GUEST_INTERRUPTIBILITY_STATE);
        if ((blocking & 3) != 0) {
            write(GUEST_INTERRUPTIBILITY_STATE, blocking & ~3L);
        }
    }

    /** A guest general register (RSP from the VMCS: the exit loaded the host's into the processor). */
    public long register(int r) {
        return r == CpuState.RSP ? vmx.currentVmcs().get(GUEST_RSP) : s.gpr[r];
    }

    public void setRegister(int r, long value) {
        if (r == CpuState.RSP) {
            write(GUEST_RSP, value);
        } else {
            s.gpr[r] = value;
        }
    }

    /**
     * Invalidates the guest's cached translations after the monitor changed its paging state (INVVPID
     * single-context of the guest's VPID; without VPID every VM entry flushes anyway, SDM 28.4.3.1).
     */
    public void flushGuestTlb() {
        Vmcs v = vmx.currentVmcs();
        int secondary = v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        if ((secondary & org.vtsim.vmx.controls.SecondaryProcessorBasedControls.ENABLE_VPID) != 0) {
            VmxResult r = vmx.invvpid(1, v.get32(VIRTUAL_PROCESSOR_IDENTIFIER), 0);
            if (r != VmxResult.SUCCEED) {
                throw new IllegalStateException("INVVPID failed: " + r);
            }
        }
    }

    /** Brings the devices to now before a device access (as the CPU does before native I/O). */
    public void syncDevices() {
        platform.advanceTo(cpu.cycles());
    }

    /** After a device access: the CPU must re-read the next device event (a timer may have been armed). */
    public void devicesTouched() {
        cpu.counters().platformTouched = true;
    }

    /** An external interrupt acknowledged on exit, to inject when the guest can take it. */
    void queueInterrupt(int vector) {
        if (pendingCount == pendingVectors.length) {
            throw new IllegalStateException("more than 256 pending interrupts");
        }
        pendingVectors[pendingCount++] = vector;
    }

    boolean interruptPending() {
        return pendingCount > 0 || platform.interruptPending();
    }

    /** Stops the VM for good with a one-line detail and a longer report (VMCS dump, guest state). */
    public void stop(StopReason reason, String detail, String report) {
        if (stop == null) {
            stop = reason;
            stopDetail = detail;
            this.report = report == null ? "" : report;
        }
    }

    public String guestStateReport() {
        Vmcs v = vmx.currentVmcs();
        if (v == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("guest state:\n");
        b.append(String.format("  rip %016x rsp %016x rflags %016x%n", v.get(GUEST_RIP), v.get(GUEST_RSP),
                v.get(GUEST_RFLAGS)));
        b.append(String.format("  cr0 %016x cr3 %016x cr4 %016x efer %016x%n", v.get(CR0_READ_SHADOW),
                v.get(GUEST_CR3), v.get(CR4_READ_SHADOW), v.get(GUEST_IA32_EFER)));
        b.append(String.format("  cs %04x (ar %05x) ss %04x ds %04x  gdtr %x/%x idtr %x/%x%n",
                v.get32(GUEST_CS_SELECTOR), v.get32(GUEST_CS_ACCESS_RIGHTS), v.get32(GUEST_SS_SELECTOR),
                v.get32(GUEST_DS_SELECTOR), v.get(GUEST_GDTR_BASE), v.get32(GUEST_GDTR_LIMIT), v.get(GUEST_IDTR_BASE),
                v.get32(GUEST_IDTR_LIMIT)));
        String[] names = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
        b.append(" ");
        for (int r = 0; r < 8; r++) {
            b.append(String.format(" %s %x", names[r], register(r)));
        }
        return b.append('\n').toString();
    }

    // ---- results ----

    public StopReason stopReason() {
        return stop;
    }

    public String stopDetail() {
        return stopDetail;
    }

    /** The VMCS dump, failed entry checks or guest state that goes with the stop, or "". */
    public String report() {
        return report;
    }

    public ExitRecorder recorder() {
        return recorder;
    }

    public long exits() {
        return exits;
    }

    /** Cycles the guest spent halted (HLT activity state until its wake-up exit). */
    public long idleCycles() {
        return idleCycles;
    }

    /** Cycles charged for monitor handlers (not VM entry/exit, not idle). */
    public long handlerCycles() {
        return handlerCycles;
    }

    public long injectedInterrupts() {
        return injectedInterrupts;
    }

    /**
     * Events re-injected unchanged because an exit interrupted their delivery (IDT-vectoring
     * information, SDM 27.2.4), each delivered once in the end.
     */
    public long reinjectedEvents() {
        return reinjectedEvents;
    }

    /** #PF exceptions the monitor injected (reflected into the guest), for the guest's page-fault count. */
    public long injectedPageFaults() {
        return injectedPageFaults;
    }
}
