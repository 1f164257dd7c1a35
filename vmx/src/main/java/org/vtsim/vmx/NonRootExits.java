package org.vtsim.vmx;

import static org.vtsim.vmx.controls.PrimaryProcessorBasedControls.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.InstructionOperands;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.VmExitSignal;
import org.vtsim.cpu.VmxPort;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.NmiBlocking;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmExitControls;
import org.vtsim.vmx.exit.ControlRegisterAccessQualification;
import org.vtsim.vmx.exit.ControlRegisterExiting;
import org.vtsim.vmx.exit.ExceptionExiting;
import org.vtsim.vmx.exit.InstructionExiting;
import org.vtsim.vmx.exit.InstructionInformation;
import org.vtsim.vmx.exit.InterruptionInformation;
import org.vtsim.vmx.exit.IoExiting;
import org.vtsim.vmx.exit.IoQualification;
import org.vtsim.vmx.exit.MovDrQualification;
import org.vtsim.vmx.exit.MsrExiting;
import org.vtsim.vmx.exit.OperandQualification;
import org.vtsim.vmx.exit.PauseLoopExiting;
import org.vtsim.vmx.exit.TscVirtualization;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * What VMX non-root operation changes (SDM Vol. 3C ch. 25): the instructions that cause VM exits
 * unconditionally or under a VM-execution control (25.1.2, 25.1.3), the events that do (25.2:
 * exceptions through the exception bitmap, external interrupts, triple fault), the exits at
 * instruction boundaries (25.5: interrupt and NMI windows, the VMX-preemption timer, the monitor
 * trap flag), and the instructions whose behaviour changes without an exit (25.3: CR0/CR4 read
 * shadows, TSC offsetting).
 */
final class NonRootExits {
    private final Vmx vmx;
    private final Cpu cpu;
    private final CpuState s;

    /** TSC when the guest was entered and the VMX-preemption timer value loaded then (SDM 25.5.1). */
    private long timerStartTsc;
    private long timerStartValue;
    /** The timer's rate (IA32_VMX_MISC[4:0]) and {@link #timerStartTsc} shifted by it, fixed per entry. */
    private final int timerRate;
    private long timerStartTicks;
    /** Instructions retired at VM entry: the monitor trap flag exits after the first one (25.5.2). */
    private long mtfBaseline;
    private boolean mtfPending;
    /** PAUSE-loop exiting state (SDM 25.1.3). */
    private final PauseLoopExiting pauseLoop = new PauseLoopExiting();
    /**
     * Keeps bit 3 of the current VMCS's guest interruptibility state equal to the guest's blocking by NMI or
     * virtual-NMI blocking as it changes in non-root operation, which a VM exit saves (SDM 27.3.4).
     */
    final NmiBlocking.Observer nmiObserver = blocked -> {
        Vmcs v = vmcs();
        long intr = v.get(GUEST_INTERRUPTIBILITY_STATE);
        v.set(GUEST_INTERRUPTIBILITY_STATE, blocked ? intr | BLOCKING_BY_NMI : intr & ~BLOCKING_BY_NMI);
    };
    private static final long BLOCKING_BY_NMI = 1 << 3;

    NonRootExits(Vmx vmx) {
        this.vmx = vmx;
        this.cpu = vmx.cpu;
        this.s = vmx.s;
        this.timerRate = (int) (vmx.caps.misc & 0x1f);
    }

    private Vmcs vmcs() {
        return vmx.currentVmcs();
    }

    private int primary() {
        return vmcs().get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
    }

    /** The secondary controls, which apply only with "activate secondary controls" (SDM 24.6.2). */
    private int secondary() {
        return (primary() & ACTIVATE_SECONDARY_CONTROLS) != 0
                ? vmcs().get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) : 0;
    }

    private int pin() {
        return vmcs().get32(PIN_BASED_VM_EXECUTION_CONTROLS);
    }

    /** A successful VM entry: the timers and windows start from here. */
    /** @param byInstruction entered by an x86 VMLAUNCH/VMRESUME, which retires after the entry */
    void entered(Vmcs v, boolean byInstruction) {
        timerStartTsc = cpu.hostTsc();
        timerStartValue = v.get(VMX_PREEMPTION_TIMER_VALUE);
        timerStartTicks = timerStartTsc >>> timerRate;
        mtfBaseline = cpu.instructions() + (byInstruction ? 1 : 0);
        mtfPending = false;
        pauseLoop.vmEntry();
    }

    void pendMonitorTrap() {
        mtfPending = true;
    }

    /** The VMX-preemption timer's current value (counts down at TSC >> rate, SDM 25.5.1). */
    long preemptionTimerValue() {
        long elapsed = (cpu.hostTsc() >>> timerRate) - timerStartTicks;
        return Math.max(0, timerStartValue - elapsed);
    }

    /** {@link #preemptionTimerValue()} == 0, as the boundary check asks it at every instruction. */
    private boolean preemptionTimerExpired() {
        return (cpu.hostTsc() >>> timerRate) - timerStartTicks >= timerStartValue;
    }

    boolean interruptsExit() {
        return (pin() & PinBasedControls.EXTERNAL_INTERRUPT_EXITING) != 0;
    }

    /** When the VMX-preemption timer reaches 0, in cycles (the TSC runs at the cycle rate). */
    long nextExitCycle() {
        if ((pin() & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) == 0) {
            return Long.MAX_VALUE;
        }
        return cpu.cycles() + (preemptionTimerValue() << timerRate) + (1L << timerRate);
    }

    // ---- taking an exit ----

    /**
     * An exit caused by the instruction executing now (fault-like: RIP saved is the instruction's own,
     * SDM 27.3.3), with its length and information; never returns.
     */
    void instructionExit(ExitReason reason, Insn i, long qualification, int information) {
        takeInstructionExit(reason, i, qualification, information);
        throw VmExitSignal.INSTANCE;
    }

    /**
     * Takes the exit of {@link #instructionExit} and returns {@link VmxPort#EXITED}: for callers that
     * report the exit by their result rather than unwind (an instruction exit is the commonest exit,
     * and unwinding through the interpreter's frames costs more than the exit itself).
     */
    int takeInstructionExit(ExitReason reason, Insn i, long qualification, int information) {
        s.rip = cpu.instructionStart();
        vmx.exit.instruction(i.len, information).exit(reason.number, qualification, false);
        return VmxPort.EXITED;
    }

    /**
     * A VMX instruction in non-root operation (SDM 25.1.2): takes the exit, reasons 18–27, 50, 53 with
     * their information.
     */
    void vmxInstructionExit(Insn i, InstructionOperands ops) {
        ExitReason reason = switch (i.op) {
            case VMCLEAR -> ExitReason.VMCLEAR;
            case VMLAUNCH -> ExitReason.VMLAUNCH;
            case VMPTRLD -> ExitReason.VMPTRLD;
            case VMPTRST -> ExitReason.VMPTRST;
            case VMREAD -> ExitReason.VMREAD;
            case VMRESUME -> ExitReason.VMRESUME;
            case VMWRITE -> ExitReason.VMWRITE;
            case VMXOFF -> ExitReason.VMXOFF;
            case VMXON -> ExitReason.VMXON;
            case INVEPT -> ExitReason.INVEPT;
            case INVVPID -> ExitReason.INVVPID;
            default -> throw new IllegalStateException("not an exiting VMX instruction: " + i.op);
        };
        int info = 0;
        long qualification = 0;
        switch (i.op) {
            case VMCLEAR, VMPTRLD, VMPTRST, VMXON -> {
                info = memoryOperand(i);
                qualification = displacement(i);
            }
            case VMREAD, VMWRITE -> {
                info = i.hasMem ? memoryOperand(i) : InstructionInformation.registerOperand(i.rm);
                info = InstructionInformation.withReg2(info, i.reg);
                qualification = i.hasMem ? displacement(i) : 0;
            }
            case INVEPT, INVVPID -> {
                info = InstructionInformation.withReg2(memoryOperand(i), i.reg);
                qualification = displacement(i);
            }
            default -> {
            }
        }
        takeInstructionExit(reason, i, qualification, info);
    }

    /** VMFUNC in non-root operation (SDM 25.5.6, 31 VMFUNC). */
    void vmfunc(Insn i) {
        if ((secondary() & SecondaryProcessorBasedControls.ENABLE_VM_FUNCTIONS) == 0) {
            throw CpuFault.ud();
        }
        long function = s.gpr[CpuState.RAX] & 0xffffffffL;
        if (function >= 64 || (vmcs().get(VM_FUNCTION_CONTROLS) >>> function & 1) == 0) {
            instructionExit(ExitReason.VMFUNC, i, 0, 0);
        }
        throw new UnsupportedFeature("VM function " + function);
    }

    private static int addressSizeCode(int asz) {
        return asz == 2 ? InstructionInformation.ADDRESS_SIZE_16
                : asz == 4 ? InstructionInformation.ADDRESS_SIZE_32 : InstructionInformation.ADDRESS_SIZE_64;
    }

    /** The memory-operand bits of the instruction-information field (SDM 27.2.5). */
    static int memoryOperand(Insn i) {
        int base = i.base < 0 || i.base == Insn.RIP ? InstructionInformation.NO_REGISTER : i.base;
        int index = i.index < 0 ? InstructionInformation.NO_REGISTER : i.index;
        return InstructionInformation.memoryOperand(index < 0 ? 0 : i.scale, addressSizeCode(i.asz), i.seg, index,
                base);
    }

    private long displacement(Insn i) {
        return OperandQualification.displacement(i.disp, i.base == Insn.RIP, s.rip);
    }

    // ---- instructions other than the VMX ones ----

    int intercept(Insn i, InstructionOperands ops) {
        int proc = primary();
        switch (i.op) {
            case CPUID -> {
                return takeInstructionExit(ExitReason.CPUID, i, 0, 0);
            }
            case INVD -> {
                return takeInstructionExit(ExitReason.INVD, i, 0, 0);
            }
            case HLT -> {
                if ((proc & HLT_EXITING) != 0) {
                    return takeInstructionExit(ExitReason.HLT, i, 0, 0);
                }
            }
            case INVLPG -> {
                if ((proc & INVLPG_EXITING) != 0) {
                    long lin = linearAddress(i, ops);
                    vmx.exit.linearAddress(0);
                    return takeInstructionExit(ExitReason.INVLPG, i, OperandQualification.invlpg(lin, s.mode64()), 0);
                }
            }
            case INVPCID -> {
                int sec = secondary();
                if ((sec & SecondaryProcessorBasedControls.ENABLE_INVPCID) == 0) {
                    throw CpuFault.ud();
                }
                if ((proc & INVLPG_EXITING) != 0) {
                    int info = InstructionInformation.withReg2(memoryOperand(i), i.reg);
                    return takeInstructionExit(ExitReason.INVPCID, i, displacement(i), info);
                }
            }
            case WBINVD -> {
                if ((secondary() & SecondaryProcessorBasedControls.WBINVD_EXITING) != 0) {
                    return takeInstructionExit(ExitReason.WBINVD_OR_WBNOINVD, i, 0, 0);
                }
            }
            case RDTSC -> {
                if ((proc & RDTSC_EXITING) != 0) {
                    return takeInstructionExit(ExitReason.RDTSC, i, 0, 0);
                }
            }
            case RDTSCP -> {
                if ((secondary() & SecondaryProcessorBasedControls.ENABLE_RDTSCP) == 0) {
                    throw CpuFault.ud();
                }
                if ((proc & RDTSC_EXITING) != 0) {
                    return takeInstructionExit(ExitReason.RDTSCP, i, 0, 0);
                }
            }
            case PAUSE -> {
                if (pauseExits(proc)) {
                    return takeInstructionExit(ExitReason.PAUSE, i, 0, 0);
                }
            }
            case MOV_R_DR, MOV_DR_R -> {
                if ((proc & MOV_DR_EXITING) != 0) {
                    long q = MovDrQualification.encode(i.reg, i.op == Op.MOV_R_DR, i.rm);
                    return takeInstructionExit(ExitReason.MOV_DR, i, q, 0);
                }
            }
            case RDMSR, WRMSR -> {
                if (msrExits(i.op == Op.WRMSR, (int) s.gpr[CpuState.RCX], proc)) {
                    return takeInstructionExit(i.op == Op.WRMSR ? ExitReason.WRMSR : ExitReason.RDMSR, i, 0, 0);
                }
            }
            case IN_I, IN_DX, OUT_I, OUT_DX, INS, OUTS -> {
                return ioExit(i, proc);
            }
            case MOV_R_CR, MOV_CR_R, CLTS, LMSW -> {
                return controlRegisterAccess(i, ops, proc);
            }
            case LGDT, LIDT, SGDT, SIDT, LLDT, LTR, SLDT, STR -> {
                return descriptorTableExit(i);
            }
            case RDPMC -> {
                if (InstructionExiting.rdpmcExits(proc)) {
                    return takeInstructionExit(ExitReason.RDPMC, i, 0, 0);
                }
            }
            case MONITOR -> {
                if (InstructionExiting.monitorExits(proc)) {
                    return takeInstructionExit(ExitReason.MONITOR, i, 0, 0);
                }
            }
            case MWAIT -> {
                if (InstructionExiting.mwaitExits(proc)) {
                    // 1 if the address-range monitoring hardware is armed, else 0 (SDM 27.2.1).
                    return takeInstructionExit(ExitReason.MWAIT, i, cpu.monitorArmed() ? 1 : 0, 0);
                }
            }
            case XSETBV -> {
                return takeInstructionExit(ExitReason.XSETBV, i, 0, 0);
            }
            case RDRAND, RDSEED -> {
                boolean rdrand = i.op == Op.RDRAND;
                int sec = vmcs().get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
                if (rdrand ? InstructionExiting.rdrandExits(proc, sec) : InstructionExiting.rdseedExits(proc, sec)) {
                    int size = i.osz == 2 ? InstructionInformation.OPERAND_SIZE_16 : i.osz == 4
                            ? InstructionInformation.OPERAND_SIZE_32 : InstructionInformation.OPERAND_SIZE_64;
                    return takeInstructionExit(rdrand ? ExitReason.RDRAND : ExitReason.RDSEED, i, 0,
                            InstructionInformation.rdrandRdseed(i.rm, size));
                }
            }
            default -> {
            }
        }
        return VmxPort.EXECUTE;
    }

    private long linearAddress(Insn i, InstructionOperands ops) {
        long ea = ops.effectiveAddress(i);
        if (s.mode64()) {
            return i.seg >= CpuState.FS ? ea + s.seg[i.seg].base : ea;
        }
        return (s.seg[i.seg].base + ea) & 0xffffffffL;
    }

    /** PAUSE exiting, and PAUSE-loop exiting at CPL 0 (SDM 25.1.3, 24.6.13). */
    private boolean pauseExits(int proc) {
        Vmcs v = vmcs();
        return pauseLoop.pause(proc, v.get32(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS), s.cpl, cpu.hostTsc(),
                v.get32(PLE_GAP), v.get32(PLE_WINDOW));
    }

    /** RDMSR/WRMSR: every access exits without MSR bitmaps; with them, the bitmaps decide (SDM 25.1.3). */
    private boolean msrExits(boolean write, int msr, int proc) {
        return write ? MsrExiting.wrmsrExits(vmcs(), vmx.memory, msr) : MsrExiting.rdmsrExits(vmcs(), vmx.memory, msr);
    }

    /** I/O instructions: unconditional I/O exiting, or the I/O bitmaps (SDM 25.1.3), reason 30. */
    private int ioExit(Insn i, int proc) {
        boolean in = i.op == Op.IN_I || i.op == Op.IN_DX || i.op == Op.INS;
        boolean string = i.op == Op.INS || i.op == Op.OUTS;
        boolean immediate = i.op == Op.IN_I || i.op == Op.OUT_I;
        int port = immediate ? (int) i.imm & 0xff : (int) s.gpr[CpuState.RDX] & 0xffff;
        int size = i.osz;
        if (!IoExiting.exits(vmcs(), vmx.memory, port, size)) {
            return VmxPort.EXECUTE;
        }
        long q = IoQualification.encode(size, in, string, string && i.rep != Insn.REP_NONE, immediate, port);
        int info = 0;
        if (string) {
            // INS/OUTS: the guest-linear address of the operand and the address size / segment (27.2.5).
            int seg = in ? CpuState.ES : i.seg;
            long offset = s.gpr[in ? CpuState.RDI : CpuState.RSI] & (i.asz == 8 ? -1L : i.asz == 4 ? 0xffffffffL
                    : 0xffff);
            long lin = s.mode64() ? (seg >= CpuState.FS ? s.seg[seg].base + offset : offset)
                    : (s.seg[seg].base + offset) & 0xffffffffL;
            vmx.exit.linearAddress(lin);
            info = InstructionInformation.insOuts(addressSizeCode(i.asz), seg);
            vmcs().set(IO_RCX, s.gpr[CpuState.RCX]);
            vmcs().set(IO_RSI, s.gpr[CpuState.RSI]);
            vmcs().set(IO_RDI, s.gpr[CpuState.RDI]);
            vmcs().set(IO_RIP, cpu.instructionStart());
        }
        return takeInstructionExit(ExitReason.IO_INSTRUCTION, i, q, info);
    }

    /** LGDT/LIDT/SGDT/SIDT (reason 46), LLDT/LTR/SLDT/STR (47) with "descriptor-table exiting". */
    private int descriptorTableExit(Insn i) {
        if ((secondary() & SecondaryProcessorBasedControls.DESCRIPTOR_TABLE_EXITING) == 0) {
            return VmxPort.EXECUTE;
        }
        boolean gdtIdt = i.op == Op.LGDT || i.op == Op.LIDT || i.op == Op.SGDT || i.op == Op.SIDT;
        int identity = switch (i.op) {
            case SGDT, SLDT -> 0;
            case SIDT, STR -> 1;
            case LGDT, LLDT -> 2;
            default -> 3;
        };
        int info = i.hasMem ? memoryOperand(i) : InstructionInformation.registerOperand(i.rm);
        info = InstructionInformation.withIdentity(info, identity);
        if (gdtIdt) {
            info = InstructionInformation.withDescriptorOperandSize32(info, !s.mode64() && i.osz == 4);
        }
        return takeInstructionExit(gdtIdt ? ExitReason.ACCESS_TO_GDTR_OR_IDTR : ExitReason.ACCESS_TO_LDTR_OR_TR, i,
                i.hasMem ? displacement(i) : 0, info);
    }

    /**
     * MOV to/from CR0, CR3, CR4, CR8, CLTS and LMSW (SDM 25.1.3, reason 28); returns
     * {@link VmxPort#COMPLETED} when the unit completed the instruction (the TPR shadow of CR8).
     */
    private int controlRegisterAccess(Insn i, InstructionOperands ops, int proc) {
        Vmcs v = vmcs();
        switch (i.op) {
            case MOV_CR_R -> {
                long src = ops.getReg(i.rm, i.osz);
                boolean exits = switch (i.reg) {
                    case 0 -> ControlRegisterExiting.movToCr0Exits(v, src);
                    case 4 -> ControlRegisterExiting.movToCr4Exits(v, src);
                    case 3 -> ControlRegisterExiting.movToCr3Exits(v, src);
                    case 8 -> ControlRegisterExiting.movToCr8Exits(proc);
                    default -> false;
                };
                if (exits) {
                    return takeInstructionExit(ExitReason.CONTROL_REGISTER_ACCESSES, i,
                            ControlRegisterAccessQualification.movToCr(i.reg, i.rm), 0);
                }
                if (i.reg == 8 && (proc & USE_TPR_SHADOW) != 0) {
                    if ((src & ~0xfL) != 0) {
                        throw CpuFault.gp(0);
                    }
                    writeVirtualTpr((int) src << 4);
                    return VmxPort.COMPLETED;
                }
            }
            case MOV_R_CR -> {
                boolean exits = i.reg == 3 && ControlRegisterExiting.movFromCr3Exits(proc)
                        || i.reg == 8 && ControlRegisterExiting.movFromCr8Exits(proc);
                if (exits) {
                    return takeInstructionExit(ExitReason.CONTROL_REGISTER_ACCESSES, i,
                            ControlRegisterAccessQualification.movFromCr(i.reg, i.rm), 0);
                }
                if (i.reg == 8 && (proc & USE_TPR_SHADOW) != 0) {
                    ops.setReg(i.rm, i.osz, readVirtualTpr() >>> 4 & 0xf);
                    return VmxPort.COMPLETED;
                }
            }
            case CLTS -> {
                if (ControlRegisterExiting.cltsExits(v.get(CR0_GUEST_HOST_MASK), v.get(CR0_READ_SHADOW))) {
                    return takeInstructionExit(ExitReason.CONTROL_REGISTER_ACCESSES, i,
                            ControlRegisterAccessQualification.clts(), 0);
                }
            }
            case LMSW -> {
                int src = (int) ops.readRm(i, 2) & 0xffff;
                if (ControlRegisterExiting.lmswExits(src, v.get(CR0_GUEST_HOST_MASK), v.get(CR0_READ_SHADOW))) {
                    return takeInstructionExit(ExitReason.CONTROL_REGISTER_ACCESSES, i,
                            ControlRegisterAccessQualification.lmsw(src, i.hasMem), 0);
                }
            }
            default -> {
            }
        }
        return VmxPort.EXECUTE;
    }

    /** VTPR, byte 0x80 of the virtual-APIC page (SDM 29.1.1). */
    private int readVirtualTpr() {
        long pa = vmcs().get(VIRTUAL_APIC_ADDRESS) + 0x80;
        return pa + 4 <= vmx.memory.size() ? vmx.memory.read32(pa) : 0;
    }

    private void writeVirtualTpr(int value) {
        long pa = vmcs().get(VIRTUAL_APIC_ADDRESS) + 0x80;
        if (pa + 4 <= vmx.memory.size()) {
            vmx.memory.write32(pa, value & 0xff);
        }
        // TPR virtualization: VTPR[7:4] below the TPR threshold exits after the instruction (SDM 29.1.2).
        if ((value >>> 4 & 0xf) < (vmcs().get32(TPR_THRESHOLD) & 0xf)) {
            vmx.exit.exit(ExitReason.TPR_BELOW_THRESHOLD.number, 0, true);
            throw VmExitSignal.INSTANCE;
        }
    }

    // ---- behaviour changes without exits (25.3) ----

    /** MOV from CR0/CR4, SMSW: host-owned bits read from the read shadow. */
    long readCr(int cr, long actual) {
        Vmcs v = vmcs();
        long mask = v.get(cr == 0 ? CR0_GUEST_HOST_MASK : CR4_GUEST_HOST_MASK);
        long shadow = v.get(cr == 0 ? CR0_READ_SHADOW : CR4_READ_SHADOW);
        return ControlRegisterExiting.readShadowed(actual, mask, shadow);
    }

    /** MOV to CR0/CR4, CLTS, LMSW without an exit: host-owned bits keep their value. */
    long writeCr(int cr, long value) {
        long mask = vmcs().get(cr == 0 ? CR0_GUEST_HOST_MASK : CR4_GUEST_HOST_MASK);
        long current = cr == 0 ? s.cr0 : s.cr4;
        return ControlRegisterExiting.nonRootWriteValue(value, current, mask);
    }

    /** RDTSC/RDTSCP without an exit: TSC offsetting and scaling (SDM 25.3, 24.6.5). */
    long tsc(long hostTsc) {
        return TscVirtualization.guestTsc(vmcs(), hostTsc);
    }

    // ---- events (25.2) ----

    /**
     * An exception raised in the guest by the instruction at {@code rip} (or a #DF produced by event
     * delivery, SDM 26.6.1.2): exit 0 if the exception bitmap says so (#PF: mask/match), RIP saved as
     * {@code rip}.
     */
    boolean exception(CpuFault f, long rip) {
        if (!exceptionExits(f)) {
            return false;
        }
        s.rip = rip;
        exceptionExit(f, f.vector != Vectors.DF && cpu.faultOnIretThatUnblockedNmi());
        return true;
    }

    /**
     * An exception raised while the guest's CPU delivered {@code during} through the guest IDT (a
     * nested exception, SDM Vol. 3C 25.2 and 26.6.1.2): exit 0 if the exception bitmap says so, with
     * {@code during} as IDT-vectoring information (27.2.4). The event was not delivered, so RIP is
     * saved as the event left it: the faulting instruction, the next instruction for an interrupt,
     * the INT n / INT3 / INTO / INT1 itself (with its length, 27.2.5), the injected event's RIP.
     */
    boolean exceptionDuringDelivery(CpuFault f, Event during) {
        if (!exceptionExits(f)) {
            return false;
        }
        s.rip = during.rip();
        vmx.exit.duringDelivery(during);
        exceptionExit(f, false); // bit 12 is undefined when IDT-vectoring information is valid (27.2.2)
        return true;
    }

    private boolean exceptionExits(CpuFault f) {
        return f.vector <= 31 && ExceptionExiting.exits(vmcs(), f.vector, f.errorCode);
    }

    /**
     * @param iretUnblockedNmi a fault on an IRET that removed blocking by NMI ("virtual NMIs" 0) or virtual-NMI
     *     blocking ("virtual NMIs" 1): bit 12 of the interruption information (SDM 27.2.2). The processor
     *     only reports such an IRET when it removed something, which it never does with "NMI exiting" 1 and
     *     "virtual NMIs" 0, where the bit is undefined (0 here).
     */
    private void exceptionExit(CpuFault f, boolean iretUnblockedNmi) {
        long qualification = 0;
        if (f.vector == Vectors.PF) {
            // The faulting linear address goes to the qualification; CR2 is left unchanged (27.1).
            qualification = s.cr2;
            s.cr2 = cpu.cr2BeforeLastFault();
        }
        int info = InterruptionInformation.encode(f.vector, InterruptionInformation.TYPE_HARDWARE_EXCEPTION,
                f.hasErrorCode, iretUnblockedNmi);
        vmx.exit.interruption(info, f.hasErrorCode ? f.errorCode : 0)
                .exit(ExitReason.EXCEPTION_OR_NMI.number, qualification, false);
    }

    /**
     * INT3/INTO (type 6) and INT1 (type 5) through the exception bitmap (SDM 25.2): the exit saves the
     * instruction's RIP and length (27.2.5); INT n is not an exception and never exits.
     */
    boolean softwareException(int vector, boolean privileged, long rip, int length) {
        if ((vmcs().get32(EXCEPTION_BITMAP) >>> vector & 1) == 0) {
            return false;
        }
        s.rip = rip;
        int info = InterruptionInformation.encode(vector, privileged
                ? InterruptionInformation.TYPE_PRIVILEGED_SOFTWARE_EXCEPTION
                : InterruptionInformation.TYPE_SOFTWARE_EXCEPTION, false, false);
        vmx.exit.interruption(info, 0).instruction(length, 0).exit(ExitReason.EXCEPTION_OR_NMI.number, 0, false);
        return true;
    }

    /**
     * "If the 'NMI exiting' VM-execution control is 1, NMIs cause VM exits" (SDM 25.2): exit reason 0 with
     * interruption type NMI and vector 2 (27.2.2; bit 12 is 0, or undefined with "NMI exiting" 1 and "virtual
     * NMIs" 0), RIP saved as the next instruction. The NMI is not delivered, so the guest's blocking is saved
     * as it was; "VM exits caused directly by NMIs cause blocking by NMI" in root operation (27.5.5). NMIs are
     * held off by the STI and MOV SS shadows here as natively (25.4.1 leaves it to the implementation).
     */
    private void nmiExit() {
        cpu.acknowledgeNmi();
        int info = InterruptionInformation.encode(Vectors.NMI, InterruptionInformation.TYPE_NMI, false, false);
        vmx.exit.interruption(info, 0).exit(ExitReason.EXCEPTION_OR_NMI.number, 0, true);
        cpu.nmi().nmiExitTaken();
    }

    /** External interrupts with "external-interrupt exiting" (25.2), acknowledged on exit if asked. */
    boolean externalInterrupt() {
        return externalInterrupt(vmcs(), pin(), false);
    }

    /** @param atBoundary called from {@link #boundary()}: the core's view of INTR ({@link Cpu#interruptPending}) */
    private boolean externalInterrupt(Vmcs v, int pin, boolean atBoundary) {
        if ((pin & PinBasedControls.EXTERNAL_INTERRUPT_EXITING) == 0 || cpu.interruptShadow()
                || !(atBoundary ? cpu.interruptPending() : cpu.platform().interruptPending())) {
            return false;
        }
        int info = 0;
        if ((v.get32(PRIMARY_VM_EXIT_CONTROLS) & VmExitControls.ACKNOWLEDGE_INTERRUPT_ON_EXIT) != 0) {
            int vector = cpu.platform().acknowledgeInterrupt();
            cpu.counters().platformTouched = true;
            info = InterruptionInformation.encode(vector, InterruptionInformation.TYPE_EXTERNAL_INTERRUPT, false,
                    false);
        }
        vmx.exit.interruption(info, 0).exit(ExitReason.EXTERNAL_INTERRUPT.number, 0, false);
        return true;
    }

    /**
     * Exits at an instruction boundary, in the SDM's priority order (Vol. 3A 6.9; Vol. 3C 25.2, 25.5): monitor
     * trap flag, VMX-preemption timer, NMI window ("VM exits caused by the VMX-preemption timer and higher
     * priority events take priority over VM exits caused by this control. VM exits caused by this control take
     * priority over non-maskable interrupts (NMIs) and lower priority events"), an NMI (an exit with "NMI
     * exiting", else false so the core delivers it through the guest IDT before anything below), external
     * interrupt, interrupt window.
     */
    boolean boundary() {
        // Runs at every non-root instruction boundary: each control is read once, the timer without
        // recomputing its value (SDM 25.5.1: it exits when the value reaches 0).
        Vmcs v = vmcs();
        int proc = v.get32(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
        if ((proc & MONITOR_TRAP_FLAG) != 0 && (mtfPending || cpu.instructions() > mtfBaseline)) {
            mtfPending = false;
            vmx.exit.exit(ExitReason.MONITOR_TRAP_FLAG.number, 0, true);
            return true;
        }
        int pin = v.get32(PIN_BASED_VM_EXECUTION_CONTROLS);
        if ((pin & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) != 0 && preemptionTimerExpired()) {
            if ((v.get32(PRIMARY_VM_EXIT_CONTROLS) & VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) != 0) {
                v.set(VMX_PREEMPTION_TIMER_VALUE, 0);
            }
            vmx.exit.exit(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, 0, true);
            return true;
        }
        // SDM 25.2: "a VM exit occurs before execution of any instruction if there is no virtual-NMI blocking and
        // there is no blocking of events by MOV SS" ("A logical processor may also prevent such a VM exit if there
        // is blocking of events by STI": this model does not). The entry checks make "virtual NMIs" 1 here.
        if ((proc & NMI_WINDOW_EXITING) != 0 && !cpu.nmi().virtualBlocked()
                && !(cpu.interruptShadow() && cpu.interruptShadowByMovSs())) {
            vmx.exit.exit(ExitReason.NMI_WINDOW.number, 0, true);
            return true;
        }
        if (cpu.nmiPending() && !cpu.nmi().holdsOff() && !cpu.interruptShadow()) {
            if ((pin & PinBasedControls.NMI_EXITING) == 0) {
                return false; // delivered through the guest IDT by the core, before any lower-priority exit
            }
            nmiExit();
            return true;
        }
        // SDM 26.7.5: "VM exits caused by this control [interrupt-window exiting] take priority over external
        // interrupts and lower priority events" (SDM Vol. 3A 6.9: below NMIs, above maskable interrupts).
        if ((proc & INTERRUPT_WINDOW_EXITING) != 0 && (s.systemFlags() & CpuState.IF) != 0
                && !cpu.interruptShadow()) {
            vmx.exit.exit(ExitReason.INTERRUPT_WINDOW.number, 0, true);
            return true;
        }
        if (externalInterrupt(v, pin, true)) {
            return true;
        }
        cpu.vmxBoundaryQuietUntil(quietUntil(proc, pin));
        return false;
    }

    /**
     * After a boundary with no exit: the first cycle at which one of the checks above could next succeed
     * while the controls, the INTR line and the TSC offset stay as they are (the core asks again as soon
     * as one of those may change, {@link Cpu#vmxBoundaryQuietUntil}). Long.MIN_VALUE (check every
     * boundary) with the monitor trap flag or a window exiting control set, with an interrupt held off
     * only by the interrupt shadow, or when the timer's expiry is not a plain cycle count.
     */
    private long quietUntil(int proc, int pin) {
        if ((proc & (MONITOR_TRAP_FLAG | NMI_WINDOW_EXITING | INTERRUPT_WINDOW_EXITING)) != 0) {
            return Long.MIN_VALUE;
        }
        // (A pending NMI makes the core check every boundary whatever this says.)
        if ((pin & PinBasedControls.EXTERNAL_INTERRUPT_EXITING) != 0
                && (cpu.interruptShadow() || cpu.interruptPending())) {
            return Long.MIN_VALUE;
        }
        if ((pin & PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER) == 0) {
            return Long.MAX_VALUE;
        }
        // The timer expires when (TSC >>> rate) - start ticks reaches the start value (SDM 25.5.1); with the
        // TSC the cycle counter plus a fixed offset, that is the first cycle whose TSC is (ticks << rate).
        long ticks = timerStartTicks + timerStartValue;
        long tsc = cpu.hostTsc();
        if (tsc < 0 || ticks < 0 || ticks > Long.MAX_VALUE >>> timerRate) {
            return Long.MIN_VALUE;
        }
        long offset = tsc - cpu.cycles();
        long expiryTsc = ticks << timerRate;
        long cycle = expiryTsc - offset;
        if (((expiryTsc ^ offset) & (expiryTsc ^ cycle)) < 0) { // overflowed
            return Long.MIN_VALUE;
        }
        return cycle;
    }
}
