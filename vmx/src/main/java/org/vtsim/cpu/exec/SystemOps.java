package org.vtsim.cpu.exec;

import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.VmxPort;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.system.CpuFeature;

/**
 * System and privileged instructions: flags control, port I/O, control/debug registers,
 * descriptor-table registers, MSRs, CPUID, time stamp, invalidation, SYSCALL/SYSRET. What the
 * system units own (segment loads, far transfers, CR writes, MSRs, CPUID, SYSCALL) goes through
 * {@link org.vtsim.cpu.SystemPort}; the privilege checks that precede them are here (SDM Vol. 3A
 * 5.9, "privileged instructions").
 */
final class SystemOps {
    private final Interpreter x;
    private final CpuState state;
    private final long serializingCost;
    private final long cpuidCost;
    private final long rdtscCost;
    private final long portCost;
    private final long syscallCost;
    private final long invalidateCost;
    private final long hltCost;

    SystemOps(Interpreter x, CostProfile costs) {
        this.x = x;
        this.state = x.state;
        this.serializingCost = costs.cycles(Cost.SERIALIZING);
        this.cpuidCost = costs.cycles(Cost.CPUID);
        this.rdtscCost = costs.cycles(Cost.RDTSC);
        this.portCost = costs.cycles(Cost.PORT_IO);
        this.syscallCost = costs.cycles(Cost.SYSCALL);
        this.invalidateCost = costs.cycles(Cost.INVALIDATE);
        this.hltCost = costs.cycles(Cost.HLT);
    }

    /** #UD unless CPUID advertises {@code f} (SDM Vol. 2: "#UD If CPUID...[bit] = 0"). */
    private void requireFeature(CpuFeature f) {
        if (!x.features.has(f)) {
            throw CpuFault.ud();
        }
    }

    /**
     * RDPMC (SDM Vol. 2B): #GP(0) at CPL > 0 with CR4.PCE = 0 — privilege-based, so it has priority over the
     * "RDPMC exiting" VM exit (SDM Vol. 3C 25.1.1); then the exit; then a counter would be read, and the model
     * has no performance-monitoring counters: unsupported, loudly.
     */
    private void rdpmc(Insn i) {
        if (state.cpl != 0 && (state.cr4 & CpuState.CR4_PCE) == 0) {
            throw CpuFault.gp(0);
        }
        if (vmxHandled(i)) {
            return;
        }
        throw new UnsupportedFeature("RDPMC (performance-monitoring counters, counter 0x"
                + Long.toHexString(x.gpr[CpuState.RCX] & 0xffffffffL) + ")");
    }

    /**
     * MONITOR (SDM Vol. 2B): #UD without CPUID.01H:ECX.MONITOR or at CPL > 0 (both ahead of the "MONITOR
     * exiting" VM exit, 25.1.1); #GP(0) for ECX != 0 (no extensions are defined); DS:rAX (segment override
     * allowed) is checked and translated as a byte read, then the monitor hardware is armed.
     */
    private void monitor(Insn i) {
        requireFeature(CpuFeature.MONITOR);
        if (state.cpl != 0) {
            throw CpuFault.ud();
        }
        if (vmxHandled(i)) {
            return;
        }
        if ((x.gpr[CpuState.RCX] & 0xffffffffL) != 0) {
            throw CpuFault.gp(0);
        }
        long offset = Interpreter.maskAddr(x.gpr[CpuState.RAX], i.asz);
        long lin = x.mem.linear(i.seg, offset, 1, false);
        x.mem.physical(lin, 0, false);
        x.monitorArmed = true;
    }

    /**
     * MWAIT (SDM Vol. 2B): #UD as MONITOR, ahead of the "MWAIT exiting" VM exit; #GP(0) for a non-zero ECX
     * (bit 0, interrupts as break events, needs CPUID.05H:ECX[1], which the model does not advertise). The
     * optimized state ends on "implementation-specific events" as well as stores and interrupts, and software
     * must expect a return at any time: the model's state ends at once. The monitor is disarmed either way.
     */
    private void mwait(Insn i) {
        requireFeature(CpuFeature.MONITOR);
        if (state.cpl != 0) {
            throw CpuFault.ud();
        }
        if (vmxHandled(i)) {
            return;
        }
        if ((x.gpr[CpuState.RCX] & 0xffffffffL) != 0) {
            throw CpuFault.gp(0);
        }
        x.monitorArmed = false;
    }

    /**
     * XSETBV (SDM Vol. 2D): #UD with CR4.OSXSAVE = 0, #GP(0) at CPL > 0 (both ahead of the unconditional VM
     * exit, SDM Vol. 3C 25.1.2 and 25.1.1); then XCR0 would be written, and the model has no XSAVE-managed
     * state: unsupported, loudly.
     */
    private void xsetbv(Insn i) {
        if ((state.cr4 & CpuState.CR4_OSXSAVE) == 0) {
            throw CpuFault.ud();
        }
        if (state.cpl != 0) {
            throw CpuFault.gp(0);
        }
        if (vmxHandled(i)) {
            return;
        }
        throw new UnsupportedFeature("XSETBV (XSAVE-managed state, XCR" + (x.gpr[CpuState.RCX] & 0xffffffffL) + ")");
    }

    /**
     * RDRAND / RDSEED (SDM Vol. 2B): #UD without CPUID.01H:ECX.RDRAND / CPUID.(EAX=07H,ECX=0):EBX.RDSEED,
     * then the "RDRAND exiting" / "RDSEED exiting" VM exit, then a value with CF = 1 and OF, SF, ZF, AF, PF
     * cleared. The values come from a generator seeded the same on every CPU, so runs repeat exactly; they
     * are not entropy.
     */
    private void randomNumber(Insn i) {
        requireFeature(i.op == org.vtsim.cpu.decode.Op.RDRAND ? CpuFeature.RDRAND : CpuFeature.RDSEED);
        if (vmxHandled(i)) {
            return;
        }
        x.counters.cycles += serializingCost;
        x.setReg(i.rm, i.osz, random.nextLong());
        long cleared = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF | CpuState.OF;
        x.flags.setBits((x.flags.materialize() & ~cleared) | CpuState.CF);
    }

    private final java.util.SplittableRandom random = new java.util.SplittableRandom(0x7674_7369_6d52_4e47L);

    private void requireCpl0() {
        if (state.cpl != 0) {
            throw CpuFault.gp(0);
        }
    }

    /**
     * VMX non-root operation: lets the VMX unit take a VM exit or complete the instruction itself
     * (either way true: skip the normal execution). Called after the checks that have priority over
     * VM exits (SDM Vol. 3C 25.1.1).
     */
    private boolean vmxHandled(Insn i) {
        if (!x.nonRoot) {
            return false;
        }
        int r = x.vmx.intercept(i, x.operands);
        if (r == VmxPort.EXITED) {
            x.worldSwitched();
            return true;
        }
        return r == VmxPort.COMPLETED;
    }

    private long guestCr(int cr, long v) {
        return x.nonRoot && (cr == 0 || cr == 4) ? x.vmx.readCr(cr, v) : v;
    }

    private long guestCrWrite(int cr, long v) {
        return x.nonRoot && (cr == 0 || cr == 4) ? x.vmx.writeCr(cr, v) : v;
    }

    private int iopl() {
        return (int) (state.systemFlags() >>> 12) & 3;
    }

    /** CR4.UMIP makes SGDT/SIDT/SLDT/SMSW/STR privileged (SDM Vol. 3A 2.5). */
    private void umipCheck() {
        if ((state.cr4 & CpuState.CR4_UMIP) != 0 && state.cpl > 0) {
            throw CpuFault.gp(0);
        }
    }

    // ---- segment loads and far transfers (system units) ----

    void loadSegment(int sreg, int selector) {
        x.system.loadSegment(sreg, selector);
        if (sreg == CpuState.SS) {
            x.interruptShadow = true; // SDM Vol. 2B MOV: a load of SS blocks interrupts for one instruction
            x.shadowByMovSs = true;
        }
        x.modeChanged = true;
    }

    void farJump(int selector, long offset, int osz) {
        x.system.farJump(selector, offset, osz);
        x.modeChanged = true;
        x.counters.cycles += x.takenBranchCost;
    }

    void farCall(int selector, long offset, int osz) {
        x.system.farCall(selector, offset, osz);
        x.modeChanged = true;
        x.counters.cycles += x.takenBranchCost;
    }

    /** JMP/CALL m16:16, m16:32, m16:64: offset first, then the selector. */
    void farIndirect(Insn i) {
        long addr = x.ea(i);
        long offset = x.mem.read(i.seg, addr, i.osz);
        int sel = (int) x.mem.read(i.seg, Interpreter.maskAddr(addr + i.osz, i.asz), 2);
        if (i.op == org.vtsim.cpu.decode.Op.JMP_FAR_M) {
            farJump(sel, offset, i.osz);
        } else {
            farCall(sel, offset, i.osz);
        }
    }

    void farReturn(int osz, int popBytes) {
        x.system.farReturn(osz, popBytes);
        x.modeChanged = true;
        x.counters.cycles += x.takenBranchCost;
    }

    void iret(int osz) {
        x.system.iret(osz);
        x.modeChanged = true;
        checkTrapFlag();
    }

    private void checkTrapFlag() {
        if ((state.systemFlags() & CpuState.TF) != 0) {
            throw new UnsupportedFeature("single-step traps (RFLAGS.TF)");
        }
    }

    // ---- flags ----

    void pushf(int osz) {
        long f = state.getRflags() & ~(CpuState.VM | CpuState.RF);
        x.push(osz, f);
    }

    /** POPF (SDM Vol. 2B POPF, protected and 64-bit mode): what may change depends on CPL/IOPL. */
    void popf(int osz) {
        long v = x.peek(0, osz);
        long mod = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT | CpuState.AC | CpuState.ID;
        if (state.cpl == 0) {
            mod |= CpuState.IOPL;
        }
        if (state.cpl <= iopl()) {
            mod |= CpuState.IF;
        }
        if (osz == 2) {
            mod &= 0xffff;
        }
        long cur = state.getRflags();
        long nf = ((cur & ~mod) | (v & mod)) & ~CpuState.RF;
        x.pop(osz);
        state.setRflags(nf);
        checkTrapFlag();
    }

    // ---- I/O (SDM Vol. 1 ch. 19) ----

    void checkIoPermission(int port, int size) {
        if (state.cpl > iopl()) {
            x.system.checkIo(port, size);
        }
    }

    long portRead(int port, int size) {
        x.counters.cycles += portCost;
        x.counters.portAccesses++;
        x.counters.platformTouched = true;
        long v = x.platform.ioRead(port, size) & 0xffffffffL;
        return size == 4 ? v : v & ((1L << (size * 8)) - 1);
    }

    void portWrite(int port, int size, long v) {
        x.counters.cycles += portCost;
        x.counters.portAccesses++;
        x.counters.platformTouched = true;
        x.platform.ioWrite(port, size, (int) (size == 4 ? v : v & ((1L << (size * 8)) - 1)));
    }

    // ---- the rest of the system instructions ----

    void execute(Insn i) {
        switch (i.op) {
            case UNIMPLEMENTED -> {
                x.counters.countUnimplemented(i.what);
                throw CpuFault.ud();
            }
            case INVALID, UD2 -> throw CpuFault.ud();
            case CLI -> {
                if (state.cpl > iopl()) {
                    throw CpuFault.gp(0);
                }
                state.setSystemFlags(state.systemFlags() & ~CpuState.IF);
            }
            case STI -> {
                if (state.cpl > iopl()) {
                    throw CpuFault.gp(0);
                }
                long f = state.systemFlags();
                if ((f & CpuState.IF) == 0) {
                    x.interruptShadow = true; // SDM Vol. 2B STI: interrupts recognised after the next instruction
                    x.shadowByMovSs = false;
                }
                state.setSystemFlags(f | CpuState.IF);
            }
            case CLAC, STAC -> {
                if (state.cpl != 0) {
                    throw CpuFault.ud();
                }
                long f = state.systemFlags();
                state.setSystemFlags(i.op == org.vtsim.cpu.decode.Op.STAC ? f | CpuState.AC : f & ~CpuState.AC);
            }
            case HLT -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += hltCost;
                x.halted = true;
            }
            case IN_I, IN_DX -> {
                int port = i.op == org.vtsim.cpu.decode.Op.IN_I ? (int) i.imm : (int) x.gpr[2] & 0xffff;
                checkIoPermission(port, i.osz);
                if (vmxHandled(i)) {
                    return;
                }
                x.setReg(0, i.osz, portRead(port, i.osz));
            }
            case OUT_I, OUT_DX -> {
                int port = i.op == org.vtsim.cpu.decode.Op.OUT_I ? (int) i.imm : (int) x.gpr[2] & 0xffff;
                checkIoPermission(port, i.osz);
                if (vmxHandled(i)) {
                    return;
                }
                portWrite(port, i.osz, x.getReg(0, i.osz));
            }
            case MOV_R_CR -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.setReg(i.rm, i.osz, guestCr(i.reg, readCr(i.reg)));
            }
            case MOV_CR_R -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                writeCr(i.reg, guestCrWrite(i.reg, x.getReg(i.rm, i.osz)));
            }
            case MOV_R_DR -> {
                int dr = debugRegister(i.reg);
                if (vmxHandled(i)) {
                    return;
                }
                x.setReg(i.rm, i.osz, state.dr[dr]);
            }
            case MOV_DR_R -> {
                int dr = debugRegister(i.reg);
                if (vmxHandled(i)) {
                    return;
                }
                writeDr(dr, x.getReg(i.rm, i.osz));
            }
            case CLTS -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                writeCr(0, guestCrWrite(0, state.cr0 & ~CpuState.CR0_TS));
            }
            case LMSW -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                // LMSW changes CR0 bits 3:0 only and cannot clear PE (SDM Vol. 2A LMSW).
                long v = x.readRm(i, 2) & 0xf;
                long cr0 = (state.cr0 & ~0xeL) | (v & 0xe) | (state.cr0 & 1) | (v & 1);
                writeCr(0, guestCrWrite(0, cr0));
            }
            case SMSW -> {
                umipCheck();
                x.writeRm(i, i.hasMem ? 2 : i.osz, guestCr(0, state.cr0) & (i.hasMem ? 0xffff : -1L));
            }
            case LGDT, LIDT -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                loadDescriptorTable(i);
            }
            case SGDT, SIDT -> {
                umipCheck();
                if (vmxHandled(i)) {
                    return;
                }
                storeDescriptorTable(i);
            }
            case SLDT -> {
                umipCheck();
                if (vmxHandled(i)) {
                    return;
                }
                x.writeRm(i, i.hasMem ? 2 : i.osz, state.ldtr.selector);
            }
            case STR -> {
                umipCheck();
                if (vmxHandled(i)) {
                    return;
                }
                x.writeRm(i, i.hasMem ? 2 : i.osz, state.tr.selector);
            }
            case LLDT -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += serializingCost;
                x.system.lldt((int) x.readRm(i, 2));
            }
            case LTR -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += serializingCost;
                x.system.ltr((int) x.readRm(i, 2));
            }
            case INVLPG -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += invalidateCost;
                long lin = x.mem.mode64 ? x.ea(i) + (i.seg >= CpuState.FS ? state.seg[i.seg].base : 0)
                        : (state.seg[i.seg].base + x.ea(i)) & 0xffffffffL;
                if (x.mem.translation() != null) {
                    x.mem.translation().invalidatePage(lin);
                }
                x.modeChanged = true;
            }
            case INVPCID -> invpcid(i);
            case WBINVD, INVD -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += serializingCost;
            }
            case CPUID -> {
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += cpuidCost;
                x.system.cpuid();
            }
            case RDMSR -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += serializingCost;
                long v = x.system.readMsr((int) x.gpr[1]); // the MSR index is ECX (SDM Vol. 2B RDMSR)
                if (x.nonRoot && (int) x.gpr[1] == 0x10) {
                    v = x.vmx.tsc(v); // IA32_TIME_STAMP_COUNTER reads with TSC offsetting too (SDM 25.3)
                }
                x.setReg(0, 4, v);
                x.setReg(2, 4, v >>> 32);
            }
            case WRMSR -> {
                requireCpl0();
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += serializingCost;
                x.system.writeMsr((int) x.gpr[1], (x.gpr[2] & 0xffffffffL) << 32 | (x.gpr[0] & 0xffffffffL));
                x.modeChanged = true;
                // A device MSR (x2APIC timer, TSC deadline) may arm a timer: re-read the next
                // event time at the boundary, as after port and MMIO accesses.
                x.counters.platformTouched = true;
            }
            case RDTSC, RDTSCP -> {
                if ((state.cr4 & CpuState.CR4_TSD) != 0 && state.cpl != 0) {
                    throw CpuFault.gp(0);
                }
                if (vmxHandled(i)) {
                    return;
                }
                x.counters.cycles += rdtscCost;
                long t = x.nonRoot ? x.vmx.tsc(x.system.readTsc()) : x.system.readTsc();
                x.setReg(0, 4, t);
                x.setReg(2, 4, t >>> 32);
                if (i.op == org.vtsim.cpu.decode.Op.RDTSCP) {
                    x.setReg(1, 4, x.system.tscAux());
                }
            }
            case SWAPGS -> {
                requireCpl0();
                x.system.swapgs();
            }
            case SYSCALL -> {
                x.counters.cycles += syscallCost;
                x.system.syscall();
                x.modeChanged = true;
            }
            case SYSRET -> {
                x.counters.cycles += syscallCost;
                x.system.sysret(i.osz);
                x.modeChanged = true;
            }
            case RDPMC -> rdpmc(i);
            case MONITOR -> monitor(i);
            case MWAIT -> mwait(i);
            case XSETBV -> xsetbv(i);
            case RDRAND, RDSEED -> randomNumber(i);
            case VMCALL, VMLAUNCH, VMRESUME, VMXOFF, VMFUNC, VMREAD, VMWRITE, VMPTRLD, VMPTRST, VMCLEAR, VMXON,
                    INVEPT, INVVPID -> {
                if (x.vmx.execute(i, x.operands)) {
                    x.worldSwitched();
                }
                x.modeChanged = true; // VM entry, VMXON/VMXOFF change what the core must re-read
            }
            default -> throw new IllegalStateException("no execution for " + i.op);
        }
    }

    private long readCr(int cr) {
        return switch (cr) {
            case 0 -> state.cr0;
            case 2 -> state.cr2;
            case 3 -> state.cr3;
            case 4 -> state.cr4;
            case 8 -> readCr8();
            default -> throw CpuFault.ud();
        };
    }

    /** CR8[3:0] is the APIC's TPR[7:4] (SDM Vol. 3A 10.8.6.1): the APIC may have changed it. */
    private long readCr8() {
        int c = x.platform.taskPriorityClass();
        if (c >= 0) {
            state.cr8 = c & 0xf;
        }
        return state.cr8;
    }

    private void writeCr(int cr, long v) {
        x.counters.cycles += serializingCost;
        switch (cr) {
            case 2 -> state.cr2 = v;
            case 0, 3, 4, 8 -> {
                x.system.writeCr(cr, v);
                x.modeChanged = true;
            }
            default -> throw CpuFault.ud();
        }
    }

    /** DR4/DR5 alias DR6/DR7 unless CR4.DE (SDM Vol. 3B 17.2.2). */
    private int debugRegister(int r) {
        requireCpl0();
        if (r > 7) {
            throw CpuFault.ud();
        }
        if (r == 4 || r == 5) {
            if ((state.cr4 & CpuState.CR4_DE) != 0) {
                throw CpuFault.ud();
            }
            return r + 2;
        }
        return r;
    }

    private void writeDr(int dr, long v) {
        if (x.mem.mode64 && (dr == 6 || dr == 7) && (v >>> 32) != 0) {
            throw CpuFault.gp(0);
        }
        if (dr == 7 && (v & 0xff) != 0) {
            throw new UnsupportedFeature("hardware breakpoints (DR7 enable bits 0x" + Long.toHexString(v & 0xff) + ")");
        }
        x.counters.cycles += serializingCost;
        state.dr[dr] = switch (dr) {
            case 6 -> (v & 0x1e00fL) | 0xffff0ff0L;
            case 7 -> (v & 0xffff2fffL) | 0x400L;
            default -> v;
        };
    }

    /** LGDT/LIDT (SDM Vol. 2A): a 16-bit limit then a 64-bit (64-bit mode) or 32/24-bit base. */
    private void loadDescriptorTable(Insn i) {
        requireCpl0();
        x.counters.cycles += serializingCost;
        long addr = x.ea(i);
        int limit = (int) x.mem.read(i.seg, addr, 2);
        long base;
        if (x.mem.mode64) {
            base = x.mem.read(i.seg, Interpreter.maskAddr(addr + 2, i.asz), 8);
            if (!x.mem.canonical(base)) {
                throw CpuFault.gp(0);
            }
        } else {
            base = x.mem.read(i.seg, Interpreter.maskAddr(addr + 2, i.asz), 4);
            if (i.osz == 2) {
                base &= 0xffffff;
            }
        }
        if (i.op == org.vtsim.cpu.decode.Op.LGDT) {
            state.gdtrBase = base;
            state.gdtrLimit = limit;
        } else {
            state.idtrBase = base;
            state.idtrLimit = limit;
        }
    }

    private void storeDescriptorTable(Insn i) {
        umipCheck();
        long addr = x.ea(i);
        boolean gdt = i.op == org.vtsim.cpu.decode.Op.SGDT;
        x.mem.write(i.seg, addr, 2, gdt ? state.gdtrLimit : state.idtrLimit);
        x.mem.write(i.seg, Interpreter.maskAddr(addr + 2, i.asz), x.mem.mode64 ? 8 : 4,
                gdt ? state.gdtrBase : state.idtrBase);
    }

    /** INVPCID (SDM Vol. 2B): type in a register, a 16-byte descriptor {PCID, linear address}. */
    private void invpcid(Insn i) {
        requireCpl0();
        if (vmxHandled(i)) {
            return;
        }
        x.counters.cycles += invalidateCost;
        long type = x.getReg(i.reg, i.osz);
        long addr = x.ea(i);
        long pcid = x.mem.read(i.seg, addr, 8);
        long lin = x.mem.read(i.seg, Interpreter.maskAddr(addr + 8, i.asz), 8);
        if (type > 3 || (pcid >>> 12) != 0) {
            throw CpuFault.gp(0);
        }
        if (type == 0 && !x.mem.canonical(lin)) {
            throw CpuFault.gp(0);
        }
        if ((type == 0 || type == 1) && (state.cr4 & CpuState.CR4_PCIDE) == 0 && pcid != 0) {
            throw CpuFault.gp(0);
        }
        if (x.mem.translation() != null) {
            x.mem.translation().invalidatePcid((int) type, pcid, lin);
        }
        x.modeChanged = true;
    }
}
