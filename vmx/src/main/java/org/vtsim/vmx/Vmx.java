package org.vtsim.vmx;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.vtsim.cost.Cost;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.InstructionOperands;
import org.vtsim.cpu.VmExitSignal;
import org.vtsim.cpu.VmxPort;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.Eptp;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * The VMX unit of one logical processor: VMX operation (outside, root, non-root), the VMXON
 * pointer, the current-VMCS pointer and the active VMCSs the processor caches (SDM Vol. 3C 23.7,
 * 24.1, 24.11), and the VMX instructions with the operation SDM ch. 31 gives them.
 *
 * <p>x86 code reaches the instructions through the decoder ({@link #execute}); a Java monitor calls
 * the same public methods ({@link #vmxon}, {@link #vmread}, {@link #vmlaunch}...), in VMX root
 * operation, with the processor state as it is. Outcomes show in RFLAGS as the SDM's conventions
 * say (31.2) and are returned as {@link VmxResult}; #UD and #GP are thrown as {@link CpuFault}.
 */
public final class Vmx implements VmxPort {
    /** The value of an invalid VMXON / current-VMCS pointer (SDM 31.2, VMPTRST). */
    public static final long INVALID_POINTER = -1L;
    /** IA32_FEATURE_CONTROL bits VMXON needs (SDM 23.7). */
    static final long FEATURE_CONTROL_LOCK = 1L;
    static final long FEATURE_CONTROL_VMX_OUTSIDE_SMX = 1L << 2;

    final Cpu cpu;
    final CpuState s;
    final VmxCapabilities caps;
    final PhysicalMemory memory;
    final VmEntry entry;
    final VmExit exit;
    final NonRootExits nonRootExits;
    final GuestTranslation translation;
    private final long instructionCost;

    private boolean inVmxOperation;
    private boolean nonRoot;
    private long vmxonPointer = INVALID_POINTER;
    private Vmcs current;
    /** The active VMCSs, by region address (SDM 24.11.1: several may be active, one is current). */
    private final Map<Long, Vmcs> active = new HashMap<>();
    /**
     * Launched VMCSs that were still active at VMXOFF: their cached data is lost, so VMRESUME of one
     * after a new VMXON and VMPTRLD fails with error 6 until VMCLEAR (SDM 31.4, error 6; 24.11.1).
     */
    private final Set<Long> lostAtVmxoff = new HashSet<>();
    private VmxResult lastResult = VmxResult.SUCCEED;

    private Vmx(Cpu cpu, VmxCapabilities caps) {
        this.cpu = cpu;
        this.s = cpu.state();
        this.caps = caps;
        this.memory = cpu.memory();
        this.instructionCost = cpu.costProfile().cycles(Cost.VMX_INSTRUCTION);
        this.translation = new GuestTranslation(this);
        this.exit = new VmExit(this);
        this.entry = new VmEntry(this);
        this.nonRootExits = new NonRootExits(this);
    }

    /** Creates the VMX unit of {@code cpu} and attaches it (CPUID, CR4.VMXE, MSRs follow). */
    public static Vmx attach(Cpu cpu, VmxCapabilities caps) {
        Vmx v = new Vmx(cpu, caps);
        cpu.attachVmx(v);
        return v;
    }

    // ---- state, for the monitor and tests ----

    public VmxCapabilities capabilities() {
        return caps;
    }

    public boolean inVmxOperation() {
        return inVmxOperation;
    }

    public boolean nonRoot() {
        return nonRoot;
    }

    public long vmxonPointer() {
        return vmxonPointer;
    }

    /** The current-VMCS pointer, {@link #INVALID_POINTER} when there is none. */
    public long currentVmcsPointer() {
        return current == null ? INVALID_POINTER : current.address;
    }

    /** The current VMCS (the processor's cached copy), or null. */
    public Vmcs currentVmcs() {
        return current;
    }

    /** The outcome of the last VMX instruction (for {@link #vmread}, which returns the value). */
    public VmxResult lastResult() {
        return lastResult;
    }

    /** The VM-instruction error of the current VMCS (valid after {@link VmxResult#FAIL_VALID}). */
    public int instructionError() {
        return current == null ? 0 : current.get32(VmcsField.VM_INSTRUCTION_ERROR);
    }

    void setNonRoot(boolean nonRoot) {
        this.nonRoot = nonRoot;
        cpu.setVmxNonRoot(nonRoot);
    }

    // ---- VmxPort: what the core asks ----

    @Override
    public boolean present() {
        return true;
    }

    @Override
    public long capabilityMsr(int msr) {
        return VmxCapabilities.isCapabilityMsr(msr) ? caps.msr(msr) : -1;
    }

    @Override
    public boolean cr0Allowed(long value) {
        return caps.cr0Valid(value);
    }

    @Override
    public boolean cr4Allowed(long value) {
        return caps.cr4Valid(value);
    }

    @Override
    public int intercept(Insn insn, InstructionOperands operands) {
        try {
            return nonRootExits.intercept(insn, operands);
        } catch (VmExitSignal trapLike) {
            return EXITED; // an exit taken after the unit completed the instruction (TPR below threshold)
        }
    }

    @Override
    public long readCr(int cr, long actual) {
        return nonRootExits.readCr(cr, actual);
    }

    @Override
    public long writeCr(int cr, long value) {
        return nonRootExits.writeCr(cr, value);
    }

    @Override
    public long tsc(long hostTsc) {
        return nonRootExits.tsc(hostTsc);
    }

    @Override
    public boolean exception(CpuFault fault, long rip, int instructionLength) {
        return nonRootExits.exception(fault, rip);
    }

    @Override
    public boolean exceptionDuringDelivery(CpuFault fault, org.vtsim.cpu.system.Event during) {
        return nonRootExits.exceptionDuringDelivery(fault, during);
    }

    @Override
    public boolean softwareException(int vector, boolean privileged, long rip, int instructionLength) {
        return nonRootExits.softwareException(vector, privileged, rip, instructionLength);
    }

    @Override
    public boolean externalInterrupt() {
        return nonRootExits.externalInterrupt();
    }

    @Override
    public boolean boundary() {
        return nonRootExits.boundary();
    }

    @Override
    public boolean interruptsExit() {
        return nonRootExits.interruptsExit();
    }

    @Override
    public long nextExitCycle() {
        return nonRootExits.nextExitCycle();
    }

    @Override
    public boolean tripleFault() {
        exit.exit(ExitReason.TRIPLE_FAULT.number, 0, false);
        return true;
    }

    // ---- the decoder's path ----

    /**
     * Executes a decoded VMX instruction: the checks that precede any operand access (#UD, VM exit
     * in non-root operation, #GP), then the operands, then the operation.
     */
    @Override
    public boolean execute(Insn i, InstructionOperands ops) {
        cpu.counters().cycles += instructionCost;
        executingInstruction = true;
        try {
            if (executeInstruction(i, ops)) {
                return true;
            }
        } catch (VmExitSignal exited) {
            return true;
        } finally {
            executingInstruction = false;
        }
        // A VM-entry failure, or an exit during event injection, ends in root operation: the core treats
        // it as the VM exit it is.
        return (i.op == Op.VMLAUNCH || i.op == Op.VMRESUME) && !nonRoot
                && (lastResult == VmxResult.VM_ENTRY_FAILED || lastResult == VmxResult.VM_ENTERED);
    }

    /** Set while an x86 VMX instruction executes (VMLAUNCH retires after the entry it makes). */
    boolean executingInstruction;

    /** Returns true when the instruction took a VM exit (non-root operation). */
    private boolean executeInstruction(Insn i, InstructionOperands ops) {
        Op op = i.op;
        if (op == Op.VMCALL) {
            if (!inVmxOperation) {
                throw CpuFault.ud();
            }
            if (nonRoot) {
                nonRootExits.takeInstructionExit(ExitReason.VMCALL, i, 0, 0);
                return true;
            }
            vmcall();
            return false;
        }
        if (op == Op.VMFUNC) {
            vmfuncFromGuest(i);
            return false;
        }
        if (op == Op.VMXON) {
            checkModeForVmxon();
            if (!inVmxOperation) {
                requireCpl0();
                vmxon(ops.read(i.seg, ops.effectiveAddress(i), 8));
                return false;
            }
        } else {
            checkMode();
            if ((op == Op.INVEPT && !invEptSupported()) || (op == Op.INVVPID && !invVpidSupported())) {
                throw CpuFault.ud();
            }
        }
        if (nonRoot) {
            nonRootExits.vmxInstructionExit(i, ops);
            return true;
        }
        requireCpl0();
        switch (op) {
            case VMXON -> vmxon(0); // in VMX root operation: VMfail(15), the operand is not read
            case VMXOFF -> vmxoff();
            case VMCLEAR -> vmclear(ops.read(i.seg, ops.effectiveAddress(i), 8));
            case VMPTRLD -> vmptrld(ops.read(i.seg, ops.effectiveAddress(i), 8));
            case VMPTRST -> {
                ops.write(i.seg, ops.effectiveAddress(i), 8, currentVmcsPointer());
                succeed();
            }
            case VMREAD -> {
                int size = s.mode64() ? 8 : 4;
                long value = vmread(ops.getReg(i.reg, size));
                if (lastResult == VmxResult.SUCCEED) {
                    ops.writeRm(i, size, value);
                }
            }
            case VMWRITE -> {
                int size = s.mode64() ? 8 : 4;
                vmwrite(ops.getReg(i.reg, size), ops.readRm(i, size));
            }
            case VMLAUNCH -> vmlaunch();
            case VMRESUME -> vmresume();
            case INVEPT, INVVPID -> {
                int size = s.mode64() ? 8 : 4;
                long type = ops.getReg(i.reg, size);
                long addr = ops.effectiveAddress(i);
                long lo = ops.read(i.seg, addr, 8);
                long hi = ops.read(i.seg, (i.asz == 8 ? addr + 8 : (addr + 8) & (i.asz == 4 ? 0xffffffffL : 0xffff)), 8);
                if (op == Op.INVEPT) {
                    invept(type, lo, hi);
                } else {
                    invvpid(type, lo, hi);
                }
            }
            default -> throw new IllegalStateException("not a VMX instruction: " + op);
        }
        return false;
    }

    // ---- preconditions (SDM ch. 31, the first lines of every "Operation") ----

    /** Real mode, virtual-8086 mode and compatibility mode: #UD. */
    private boolean badMode() {
        return !s.protectedMode() || (s.systemFlags() & CpuState.VM) != 0
                || (s.longModeActive() && !s.seg[CpuState.CS].is64BitCode());
    }

    /** #UD outside VMX operation or in real/v8086/compatibility mode. */
    private void checkMode() {
        if (!inVmxOperation || badMode()) {
            throw CpuFault.ud();
        }
    }

    /** VMXON: #UD with CR4.VMXE = 0 or in real/v8086/compatibility mode. */
    private void checkModeForVmxon() {
        if (badMode() || (s.cr4 & CpuState.CR4_VMXE) == 0) {
            throw CpuFault.ud();
        }
    }

    private void requireCpl0() {
        if (s.cpl > 0) {
            throw CpuFault.gp(0);
        }
    }

    /** Java callers act as root-mode software; a VMX instruction from Java in non-root operation is a bug. */
    private void javaPrecheck() {
        if (nonRoot) {
            throw new IllegalStateException("VMX instruction called from Java in VMX non-root operation");
        }
    }

    boolean invEptSupported() {
        return caps.hasSecondary(SecondaryProcessorBasedControls.ENABLE_EPT)
                && (caps.eptVpidCap & VmxCapabilities.INVEPT) != 0;
    }

    boolean invVpidSupported() {
        return caps.hasSecondary(SecondaryProcessorBasedControls.ENABLE_VPID)
                && (caps.eptVpidCap & VmxCapabilities.INVVPID) != 0;
    }

    private boolean badPhysicalAddress(long addr) {
        return (addr & 0xfff) != 0 || (caps.maxPhysAddr < 64 && (addr >>> caps.maxPhysAddr) != 0);
    }

    /** A 32-bit physical read; beyond the installed memory the bus reads all ones. */
    int physRead32(long pa) {
        return pa >= 0 && pa + 4 <= memory.size() ? memory.read32(pa) : -1;
    }

    void physWrite32(long pa, int value) {
        if (pa >= 0 && pa + 4 <= memory.size()) {
            memory.write32(pa, value);
        }
    }

    // ---- conventions (SDM 31.2) ----

    private static final long STATUS_FLAGS = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
            | CpuState.OF;

    private void setStatus(long flags) {
        s.setRflags((s.getRflags() & ~STATUS_FLAGS) | flags);
    }

    VmxResult succeed() {
        setStatus(0);
        return lastResult = VmxResult.SUCCEED;
    }

    VmxResult failInvalid() {
        setStatus(CpuState.CF);
        return lastResult = VmxResult.FAIL_INVALID;
    }

    VmxResult failValid(VmInstructionError error) {
        setStatus(CpuState.ZF);
        current.set(VmcsField.VM_INSTRUCTION_ERROR, error.number);
        return lastResult = VmxResult.FAIL_VALID;
    }

    /** VMfail: VMfailValid when there is a current VMCS, else VMfailInvalid. */
    VmxResult fail(VmInstructionError error) {
        return current != null ? failValid(error) : failInvalid();
    }

    // ---- the instructions ----

    /** VMXON with the VMXON pointer {@code pointer} (SDM 31, VMXON). */
    public VmxResult vmxon(long pointer) {
        javaPrecheck();
        checkModeForVmxon();
        if (inVmxOperation) {
            requireCpl0();
            return fail(VmInstructionError.VMXON_IN_VMX_ROOT_OPERATION);
        }
        long fc = cpu.readMsr(VmxCapabilities.IA32_FEATURE_CONTROL);
        if (s.cpl > 0 || !caps.cr0Valid(s.cr0) || !caps.cr4Valid(s.cr4) || (fc & FEATURE_CONTROL_LOCK) == 0
                || (fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX) == 0) {
            throw CpuFault.gp(0);
        }
        if (badPhysicalAddress(pointer)) {
            return failInvalid();
        }
        int rev = physRead32(pointer);
        if ((rev & 0x7fffffff) != caps.revision() || rev < 0) {
            return failInvalid();
        }
        vmxonPointer = pointer;
        current = null;
        inVmxOperation = true;
        return succeed();
    }

    /** VMXOFF (SDM 31, VMXOFF). */
    public VmxResult vmxoff() {
        javaPrecheck();
        checkMode();
        requireCpl0();
        for (Vmcs v : active.values()) {
            if (v.launched()) {
                lostAtVmxoff.add(v.address);
            }
        }
        active.clear();
        current = null;
        vmxonPointer = INVALID_POINTER;
        inVmxOperation = false;
        return succeed();
    }

    /** VMCLEAR of the VMCS at {@code pointer} (SDM 31, VMCLEAR). */
    public VmxResult vmclear(long pointer) {
        javaPrecheck();
        checkMode();
        requireCpl0();
        if (badPhysicalAddress(pointer)) {
            return fail(VmInstructionError.VMCLEAR_INVALID_ADDRESS);
        }
        if (pointer == vmxonPointer) {
            return fail(VmInstructionError.VMCLEAR_VMXON_POINTER);
        }
        // The data of an active VMCS goes to memory; the launch state becomes clear.
        Vmcs v = active.remove(pointer);
        lostAtVmxoff.remove(pointer);
        if (v != null) {
            v.setLaunched(false);
            if (pointer + Vmcs.DATA_BYTES <= memory.size()) {
                v.writeBack(memory);
            }
        } else {
            physWrite32(pointer + Vmcs.LAUNCH_STATE_OFFSET, 0);
        }
        if (current != null && current.address == pointer) {
            current = null;
        }
        return succeed();
    }

    /** VMPTRLD of the VMCS at {@code pointer} (SDM 31, VMPTRLD). */
    public VmxResult vmptrld(long pointer) {
        javaPrecheck();
        checkMode();
        requireCpl0();
        if (badPhysicalAddress(pointer)) {
            return fail(VmInstructionError.VMPTRLD_INVALID_ADDRESS);
        }
        if (pointer == vmxonPointer) {
            return fail(VmInstructionError.VMPTRLD_VMXON_POINTER);
        }
        int rev = physRead32(pointer);
        // Bit 31 (shadow-VMCS indicator) may be 1 only with VMCS shadowing, which the model lacks.
        if ((rev & 0x7fffffff) != caps.revision()
                || (rev < 0 && !caps.hasSecondary(SecondaryProcessorBasedControls.VMCS_SHADOWING))) {
            return fail(VmInstructionError.VMPTRLD_INCORRECT_REVISION);
        }
        Vmcs v = active.get(pointer);
        if (v == null) {
            if (pointer + Vmcs.DATA_BYTES > memory.size()) {
                v = new Vmcs(pointer); // no memory behind it: the data read as nothing useful
            } else {
                v = Vmcs.load(memory, pointer);
            }
            active.put(pointer, v);
        }
        current = v;
        return succeed();
    }

    /** VMPTRST: the current-VMCS pointer, all ones when there is none (SDM 31, VMPTRST). */
    public long vmptrst() {
        javaPrecheck();
        checkMode();
        requireCpl0();
        succeed();
        return currentVmcsPointer();
    }

    /**
     * VMREAD of the field {@code encoding} names (SDM 31, VMREAD): the value, zero-extended; the
     * HIGH access type of a 64-bit field reads its bits 63:32; outside 64-bit mode the value is 32
     * bits wide. See {@link #lastResult()} for the outcome (the value is 0 on failure).
     */
    public long vmread(long encoding) {
        javaPrecheck();
        checkMode();
        requireCpl0();
        if (current == null) {
            failInvalid();
            return 0;
        }
        boolean wide = s.mode64();
        VmcsField f = VmcsField.byEncoding(wide ? encoding : encoding & 0xffffffffL);
        if (f == null || !caps.fieldExists(f)) {
            failValid(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
            return 0;
        }
        long v = current.get(f);
        if ((encoding & 1) != 0) {
            v >>>= 32;
        }
        succeed();
        return wide ? v : v & 0xffffffffL;
    }

    /**
     * VMWRITE of {@code value} to the field {@code encoding} names (SDM 31, VMWRITE): truncated to
     * the field's width; the HIGH access type writes bits 63:32; a field wider than the operand
     * (outside 64-bit mode) has its high bits cleared.
     */
    public VmxResult vmwrite(long encoding, long value) {
        javaPrecheck();
        checkMode();
        requireCpl0();
        if (current == null) {
            return failInvalid();
        }
        boolean wide = s.mode64();
        VmcsField f = VmcsField.byEncoding(wide ? encoding : encoding & 0xffffffffL);
        if (f == null || !caps.fieldExists(f)) {
            return failValid(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT);
        }
        if (f.readOnly() && !caps.vmwriteAnyField()) {
            return failValid(VmInstructionError.VMWRITE_READ_ONLY_COMPONENT);
        }
        long v = wide ? value : value & 0xffffffffL;
        if ((encoding & 1) != 0) {
            current.set(f, (current.get(f) & 0xffffffffL) | (v << 32));
        } else {
            current.set(f, v);
        }
        return succeed();
    }

    /** VMLAUNCH (SDM 26.1, 31 VMLAUNCH/VMRESUME). */
    public VmxResult vmlaunch() {
        return enter(true);
    }

    /** VMRESUME (SDM 26.1, 31 VMLAUNCH/VMRESUME). */
    public VmxResult vmresume() {
        return enter(false);
    }

    private VmxResult enter(boolean launch) {
        javaPrecheck();
        checkMode();
        requireCpl0();
        if (current == null) {
            return failInvalid();
        }
        if (cpu.blockedByMovSs()) {
            return failValid(VmInstructionError.ENTRY_EVENTS_BLOCKED_BY_MOV_SS);
        }
        if (launch && current.launched()) {
            return failValid(VmInstructionError.VMLAUNCH_NON_CLEAR_VMCS);
        }
        if (!launch && !current.launched()) {
            return failValid(VmInstructionError.VMRESUME_NON_LAUNCHED_VMCS);
        }
        // isEmpty first: the usual VMRESUME boxes no address.
        if (!launch && !lostAtVmxoff.isEmpty() && lostAtVmxoff.contains(current.address)) {
            return failValid(VmInstructionError.VMRESUME_AFTER_VMXOFF);
        }
        VmxResult r = entry.enter(current, launch);
        lastResult = r;
        return r;
    }

    /** VMCALL in VMX root operation: VMfail(1), as the model has no dual-monitor treatment (SDM 31). */
    public VmxResult vmcall() {
        javaPrecheck();
        if (!inVmxOperation) {
            throw CpuFault.ud();
        }
        if ((s.systemFlags() & CpuState.VM) != 0 || (s.longModeActive() && !s.seg[CpuState.CS].is64BitCode())) {
            throw CpuFault.ud();
        }
        requireCpl0();
        return fail(VmInstructionError.VMCALL_IN_VMX_ROOT_OPERATION);
    }

    /** VMFUNC in VMX root operation or outside VMX: #UD (SDM 31, VMFUNC). */
    public VmxResult vmfunc() {
        javaPrecheck();
        throw CpuFault.ud();
    }

    private void vmfuncFromGuest(Insn i) {
        if (!nonRoot) {
            throw CpuFault.ud();
        }
        nonRootExits.vmfunc(i);
    }

    /**
     * INVEPT with type {@code type} and the descriptor {EPTP = {@code eptp}, bits 127:64 =
     * {@code reserved}} (SDM 31, INVEPT). #UD unless the capabilities advertise INVEPT.
     */
    public VmxResult invept(long type, long eptp, long reserved) {
        javaPrecheck();
        checkMode();
        if (!invEptSupported()) {
            throw CpuFault.ud();
        }
        requireCpl0();
        boolean supported = type == 1 && (caps.eptVpidCap & VmxCapabilities.INVEPT_SINGLE_CONTEXT) != 0
                || type == 2 && (caps.eptVpidCap & VmxCapabilities.INVEPT_ALL_CONTEXT) != 0;
        // Single-context: the descriptor's EPTP must pass the VM-entry checks on EPTPs (SDM 31 INVEPT, 26.2.1.1).
        if (!supported || type == 1 && !Eptp.valid(eptp, translation.eptCapabilities())) {
            return fail(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
        }
        translation.invept((int) type, eptp);
        return succeed();
    }

    /**
     * INVVPID with type {@code type} and the descriptor {VPID = bits 15:0 of {@code vpidWord}
     * (bits 63:16 reserved), linear address = {@code linear}} (SDM 31, INVVPID).
     */
    public VmxResult invvpid(long type, long vpidWord, long linear) {
        javaPrecheck();
        checkMode();
        if (!invVpidSupported()) {
            throw CpuFault.ud();
        }
        requireCpl0();
        long cap = caps.eptVpidCap;
        boolean supported = switch ((int) Math.min(type, 4)) {
            case 0 -> (cap & VmxCapabilities.INVVPID_INDIVIDUAL_ADDRESS) != 0;
            case 1 -> (cap & VmxCapabilities.INVVPID_SINGLE_CONTEXT) != 0;
            case 2 -> (cap & VmxCapabilities.INVVPID_ALL_CONTEXT) != 0;
            case 3 -> (cap & VmxCapabilities.INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS) != 0;
            default -> false;
        };
        if (!supported || type < 0 || (vpidWord >>> 16) != 0) {
            return fail(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
        }
        int vpid = (int) (vpidWord & 0xffff);
        if (type != 2 && vpid == 0) {
            return fail(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
        }
        if (type == 0 && !cpu.memoryPath().canonical(linear)) {
            return fail(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
        }
        translation.invvpid((int) type, vpid, linear);
        return succeed();
    }

    // ---- address translation, for the monitor, tools and tests ----

    /**
     * The nested MMU that translates guest-linear addresses under EPT (combined and guest-physical mappings,
     * SDM 28.4), or null before the first VM entry with "enable EPT".
     */
    public org.vtsim.ept.mmu.NestedMmu nestedMmu() {
        return translation.nestedMmu();
    }
}
