package org.vtsim.cpu.exec;

import java.math.BigInteger;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Counters;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.EventSink;
import org.vtsim.cpu.InstructionOperands;
import org.vtsim.cpu.LazyFlags;
import org.vtsim.cpu.MemoryPath;
import org.vtsim.cpu.Platform;
import org.vtsim.cpu.SystemPort;
import org.vtsim.cpu.Vectors;
import org.vtsim.cpu.NoVmx;
import org.vtsim.cpu.VmxPort;
import org.vtsim.cpu.decode.FastOp;
import org.vtsim.cpu.decode.Insn;

/**
 * Executes decoded instructions: one {@code switch} on {@link Insn#op}, each case a small
 * method (keeps the dispatch method far below the JIT's huge-method limit). Operand access,
 * the stack and near control flow live here; string instructions in {@link StringOps}, system
 * instructions in {@link SystemOps}.
 *
 * <p>On entry RIP already points at the next instruction (the core restores the start on a
 * fault), so RIP-relative addresses and CALL return addresses read it directly.
 */
public final class Interpreter {
    final CpuState state;
    final long[] gpr;
    final LazyFlags flags;
    final MemoryPath mem;
    final Platform platform;
    final Counters counters;
    final SystemPort system;
    final EventSink events;
    final StringOps strings;
    final SystemOps sys;

    final long takenBranchCost;
    final long multiplyCost;
    final long divide32Cost;
    final long divide64Cost;
    final long lockedCost;
    final long stringIterationCost;

    /** Set by HLT; the core idles until an event. */
    public boolean halted;
    /** Set by STI (IF 0 → 1) and MOV/POP SS: blocks interrupts for one instruction boundary. */
    public boolean interruptShadow;
    /** Whether the pending {@link #interruptShadow} comes from MOV/POP SS (else from STI). */
    public boolean shadowByMovSs;
    /** The instruction count at which the last interrupt shadow was consumed (the shadowed instruction). */
    public long shadowInstruction = -1;
    /** Set when an instruction changed CS, EFER or CR0/CR4 (the core re-reads the mode). */
    public boolean modeChanged;
    /**
     * Set (with {@link #modeChanged}) when the instruction ended in a world switch reported by the VMX
     * unit's result ({@link VmxPort#EXITED}, or {@link VmxPort#execute} true) rather than by
     * {@link org.vtsim.cpu.VmExitSignal}: the instruction did not retire, and the core treats it as it
     * treats the signal.
     */
    public boolean worldSwitched;
    /** The VMX unit (VMX instructions, non-root exits); {@link NoVmx} on a CPU without VMX. */
    public VmxPort vmx = NoVmx.INSTANCE;
    /** What CPUID advertises: instructions of an unadvertised feature raise #UD (set by the CPU). */
    public org.vtsim.cpu.system.CpuidModel features = org.vtsim.cpu.system.CpuidModel.skylake();
    /** MONITOR armed the address-range monitoring hardware (MWAIT disarms it; so do VM entry and exit). */
    public boolean monitorArmed;
    /** VMX non-root operation: sensitive instructions ask {@link #vmx} first (SDM Vol. 3C ch. 25). */
    public boolean nonRoot;
    /** The operand access handed to the VMX unit. */
    final InstructionOperands operands = new InstructionOperands() {
        @Override
        public long readRm(Insn insn, int size) {
            return Interpreter.this.readRm(insn, size);
        }

        @Override
        public void writeRm(Insn insn, int size, long value) {
            Interpreter.this.writeRm(insn, size, value);
        }

        @Override
        public long getReg(int reg, int size) {
            return Interpreter.this.getReg(reg, size);
        }

        @Override
        public void setReg(int reg, int size, long value) {
            Interpreter.this.setReg(reg, size, value);
        }

        @Override
        public long effectiveAddress(Insn insn) {
            return ea(insn);
        }

        @Override
        public long read(int seg, long offset, int size) {
            return mem.read(seg, offset, size);
        }

        @Override
        public void write(int seg, long offset, int size, long value) {
            mem.write(seg, offset, size, value);
        }
    };

    public Interpreter(CpuState state, MemoryPath mem, Platform platform, CostProfile costs, Counters counters,
            SystemPort system, EventSink events) {
        this.state = state;
        this.gpr = state.gpr;
        this.flags = state.flags;
        this.mem = mem;
        this.platform = platform;
        this.counters = counters;
        this.system = system;
        this.events = events;
        this.takenBranchCost = costs.takenBranch;
        this.multiplyCost = costs.cycles(Cost.MULTIPLY);
        this.divide32Cost = costs.cycles(Cost.DIVIDE_32);
        this.divide64Cost = costs.cycles(Cost.DIVIDE_64);
        this.lockedCost = costs.cycles(Cost.LOCKED_ACCESS);
        this.stringIterationCost = costs.cycles(Cost.STRING_ITERATION);
        this.strings = new StringOps(this, costs);
        this.sys = new SystemOps(this, costs);
    }

    // ---- registers ----

    public long getReg(int r, int size) {
        return switch (size) {
            case 8 -> gpr[r];
            case 4 -> gpr[r] & 0xffffffffL;
            case 2 -> gpr[r] & 0xffff;
            default -> r < 16 ? gpr[r] & 0xff : (gpr[r - 16] >>> 8) & 0xff;
        };
    }

    /** Writes a register with x86-64 rules: 32-bit writes zero-extend, 8/16-bit writes merge. */
    public void setReg(int r, int size, long v) {
        switch (size) {
            case 8 -> gpr[r] = v;
            case 4 -> gpr[r] = v & 0xffffffffL;
            case 2 -> gpr[r] = (gpr[r] & ~0xffffL) | (v & 0xffff);
            default -> {
                if (r < 16) {
                    gpr[r] = (gpr[r] & ~0xffL) | (v & 0xff);
                } else {
                    gpr[r - 16] = (gpr[r - 16] & ~0xff00L) | ((v & 0xff) << 8);
                }
            }
        }
    }

    // ---- operands ----

    public long ea(Insn i) {
        long a = i.disp;
        int b = i.base;
        if (b >= 0) {
            a += b == Insn.RIP ? state.rip : gpr[b];
        }
        if (i.index >= 0) {
            a += gpr[i.index] << i.scale;
        }
        return i.asz == 8 ? a : i.asz == 4 ? a & 0xffffffffL : a & 0xffff;
    }

    long readRm(Insn i, int size) {
        return i.hasMem ? mem.read(i.seg, ea(i), size) : getReg(i.rm, size);
    }

    void writeRm(Insn i, int size, long v) {
        if (i.hasMem) {
            mem.write(i.seg, ea(i), size, v);
        } else {
            setReg(i.rm, size, v);
        }
    }

    /** Read half of a read-modify-write of the r/m operand (checked for writing). */
    long rmwRead(Insn i, int size) {
        if (i.hasMem) {
            if (i.lock) {
                counters.cycles += lockedCost;
            }
            return mem.readForWrite(i.seg, ea(i), size);
        }
        return getReg(i.rm, size);
    }

    void rmwWrite(Insn i, int size, long v) {
        if (i.hasMem) {
            mem.writeBack(size, v);
        } else {
            setReg(i.rm, size, v);
        }
    }

    // ---- stack (SDM Vol. 1 6.2; stack-address size from SS.B outside 64-bit mode) ----

    int stackAddressSize() {
        if (mem.mode64) {
            return 8;
        }
        return state.seg[CpuState.SS].isDefaultBig() ? 4 : 2;
    }

    long stackPointer(int sas) {
        return sas == 8 ? gpr[4] : sas == 4 ? gpr[4] & 0xffffffffL : gpr[4] & 0xffff;
    }

    void setStackPointer(int sas, long v) {
        if (sas == 8) {
            gpr[4] = v;
        } else if (sas == 4) {
            gpr[4] = v & 0xffffffffL;
        } else {
            gpr[4] = (gpr[4] & ~0xffffL) | (v & 0xffff);
        }
    }

    public void push(int size, long v) {
        int sas = stackAddressSize();
        long sp = stackPointer(sas) - size;
        if (sas != 8) {
            sp &= sas == 4 ? 0xffffffffL : 0xffff;
        }
        mem.write(CpuState.SS, sp, size, v);
        setStackPointer(sas, sp);
    }

    public long pop(int size) {
        int sas = stackAddressSize();
        long sp = stackPointer(sas);
        long v = mem.read(CpuState.SS, sp, size);
        setStackPointer(sas, sp + size);
        return v;
    }

    /** Reads the stack at RSP + offset without moving RSP. */
    long peek(int offset, int size) {
        int sas = stackAddressSize();
        long sp = stackPointer(sas) + offset;
        if (sas != 8) {
            sp &= sas == 4 ? 0xffffffffL : 0xffff;
        }
        return mem.read(CpuState.SS, sp, size);
    }

    // ---- near control flow ----

    /** Jumps within CS: canonical check in 64-bit mode, limit check otherwise (#GP(0)). */
    void jumpTo(long target, int osz) {
        if (mem.mode64) {
            if (!mem.canonical(target)) {
                throw CpuFault.gp(0);
            }
        } else {
            target &= osz == 2 ? 0xffff : 0xffffffffL;
            if (target > state.seg[CpuState.CS].limit) {
                throw CpuFault.gp(0);
            }
        }
        state.rip = target;
        counters.cycles += takenBranchCost;
    }

    // ---- dispatch ----

    /** The instruction ended in a world switch reported by the VMX unit's result (see {@link #worldSwitched}). */
    void worldSwitched() {
        worldSwitched = true;
        modeChanged = true;
    }

    /**
     * Executes one instruction: the common forms ({@link FastOp}) in a switch small enough for the
     * JIT to inline their work ({@link FastForms}, which translated blocks call too), everything else
     * through {@link #executeGeneral}. Each fast case does exactly what the general case of its
     * {@link Insn#op} does.
     */
    public void execute(Insn i) {
        switch (i.fast) {
            case FastOp.MOV_RR64 -> FastForms.movRr64(this, i.rm, i.reg);
            case FastOp.MOV_RR32 -> FastForms.movRr32(this, i.rm, i.reg);
            case FastOp.MOV_RR64_REV -> FastForms.movRr64(this, i.reg, i.rm);
            case FastOp.MOV_RR32_REV -> FastForms.movRr32(this, i.reg, i.rm);
            case FastOp.LOAD64, FastOp.LOAD32, FastOp.MOVZX_B_M32, FastOp.STORE64, FastOp.STORE32 -> loadStore(i);
            case FastOp.MOV_RI64 -> FastForms.movRi64(this, i.reg, i.imm);
            case FastOp.MOV_RI32 -> FastForms.movRi32(this, i.reg, i.imm);
            case FastOp.LEA64 -> FastForms.lea64(this, i);
            case FastOp.LEA32 -> FastForms.lea32(this, i);
            case FastOp.JCC -> FastForms.jcc(this, i.sub, i.imm, i.osz);
            case FastOp.JMP_REL -> FastForms.jmpRel(this, i.imm, i.osz);
            case FastOp.MOVZX_B_R32 -> FastForms.movzxBR32(this, i.reg, i.rm);
            case FastOp.SHIFT_I64 -> FastForms.shiftI64(this, i.sub, i.rm, (int) i.imm);
            case FastOp.SHIFT_I32 -> FastForms.shiftI32(this, i.sub, i.rm, (int) i.imm);
            case FastOp.IMUL_RR64 -> FastForms.imulRr64(this, i.reg, i.rm);
            case FastOp.IMUL_RR32 -> FastForms.imulRr32(this, i.reg, i.rm);
            case FastOp.TEST_RR64 -> FastForms.testRr64(this, i.rm, i.reg);
            case FastOp.TEST_RR32 -> FastForms.testRr32(this, i.rm, i.reg);
            case FastOp.ADD_RR64 -> FastForms.addRr64(this, i.rm, i.reg);
            case FastOp.ADD_RR32 -> FastForms.addRr32(this, i.rm, i.reg);
            case FastOp.SUB_RR64 -> FastForms.subRr64(this, i.rm, i.reg);
            case FastOp.SUB_RR32 -> FastForms.subRr32(this, i.rm, i.reg);
            case FastOp.AND_RR64 -> FastForms.andRr64(this, i.rm, i.reg);
            case FastOp.AND_RR32 -> FastForms.andRr32(this, i.rm, i.reg);
            case FastOp.OR_RR64 -> FastForms.orRr64(this, i.rm, i.reg);
            case FastOp.OR_RR32 -> FastForms.orRr32(this, i.rm, i.reg);
            case FastOp.XOR_RR64 -> FastForms.xorRr64(this, i.rm, i.reg);
            case FastOp.XOR_RR32 -> FastForms.xorRr32(this, i.rm, i.reg);
            case FastOp.CMP_RR64 -> FastForms.cmpRr64(this, i.rm, i.reg);
            case FastOp.CMP_RR32 -> FastForms.cmpRr32(this, i.rm, i.reg);
            case FastOp.ADD_RI64 -> FastForms.addRi64(this, i.rm, i.imm);
            case FastOp.ADD_RI32 -> FastForms.addRi32(this, i.rm, i.imm);
            case FastOp.SUB_RI64 -> FastForms.subRi64(this, i.rm, i.imm);
            case FastOp.SUB_RI32 -> FastForms.subRi32(this, i.rm, i.imm);
            case FastOp.AND_RI64 -> FastForms.andRi64(this, i.rm, i.imm);
            case FastOp.AND_RI32 -> FastForms.andRi32(this, i.rm, i.imm);
            case FastOp.OR_RI64 -> FastForms.orRi64(this, i.rm, i.imm);
            case FastOp.OR_RI32 -> FastForms.orRi32(this, i.rm, i.imm);
            case FastOp.XOR_RI64 -> FastForms.xorRi64(this, i.rm, i.imm);
            case FastOp.XOR_RI32 -> FastForms.xorRi32(this, i.rm, i.imm);
            case FastOp.CMP_RI64 -> FastForms.cmpRi64(this, i.rm, i.imm);
            case FastOp.CMP_RI32 -> FastForms.cmpRi32(this, i.rm, i.imm);
            default -> executeGeneral(i);
        }
    }

    /**
     * The plain loads and stores of {@link #execute}, grouped behind one arm of its switch. As five
     * arms each inlining the whole memory path they used up C2's inlining budget for
     * {@link #execute} (DesiredMethodLimit), and Jcc's condition, jumpTo and ea were left as calls.
     */
    private void loadStore(Insn i) {
        switch (i.fast) {
            case FastOp.LOAD64 -> FastForms.load64(this, i);
            case FastOp.LOAD32 -> FastForms.load32(this, i);
            case FastOp.MOVZX_B_M32 -> FastForms.movzxBM32(this, i);
            case FastOp.STORE64 -> FastForms.store64(this, i);
            default -> FastForms.store32(this, i);
        }
    }

    /**
     * The full dispatch on {@link Insn#op}: every instruction the model implements. Translated blocks
     * call it for the plain instructions that are not fast forms ({@link FastForms#general}).
     */
    void executeGeneral(Insn i) {
        switch (i.op) {
            case MOV_RM_R -> writeRm(i, i.osz, getReg(i.reg, i.osz));
            case MOV_R_RM -> setReg(i.reg, i.osz, readRm(i, i.osz));
            case MOV_RM_I -> writeRm(i, i.osz, i.imm);
            case MOV_R_I -> setReg(i.reg, i.osz, i.imm);
            case MOV_ACC_MOFFS -> setReg(0, i.osz, mem.read(i.seg, i.disp, i.osz));
            case MOV_MOFFS_ACC -> mem.write(i.seg, i.disp, i.osz, getReg(0, i.osz));
            case MOV_RM_SREG -> writeRm(i, i.osz, state.seg[i.reg].selector);
            case MOV_SREG_RM -> sys.loadSegment(i.reg, (int) readRm(i, 2));
            case MOVZX_B -> setReg(i.reg, i.osz, readRm(i, 1));
            case MOVZX_W -> setReg(i.reg, i.osz, readRm(i, 2));
            case MOVSX_B -> setReg(i.reg, i.osz, (byte) readRm(i, 1));
            case MOVSX_W -> setReg(i.reg, i.osz, (short) readRm(i, 2));
            case MOVSXD -> setReg(i.reg, i.osz, i.osz == 8 ? (long) (int) readRm(i, 4) : readRm(i, i.osz));
            case MOVBE_R_M -> setReg(i.reg, i.osz, byteSwap(readRm(i, i.osz), i.osz));
            case MOVBE_M_R -> writeRm(i, i.osz, byteSwap(getReg(i.reg, i.osz), i.osz));
            case LEA -> setReg(i.reg, i.osz, ea(i));
            case XCHG_RM_R -> xchg(i);
            case XCHG_ACC_R -> {
                long a = getReg(0, i.osz);
                setReg(0, i.osz, getReg(i.reg, i.osz));
                setReg(i.reg, i.osz, a);
            }
            case BSWAP -> setReg(i.reg, i.osz, i.osz == 2 ? 0 : byteSwap(getReg(i.reg, i.osz), i.osz));
            case CBW -> setReg(0, i.osz, Alu.signExtend(gpr[0], i.osz >> 1));
            case CWD -> setReg(2, i.osz, Alu.signExtend(gpr[0], i.osz) < 0 ? -1 : 0);
            case XLAT -> setReg(0, 1, mem.read(i.seg, maskAddr(gpr[3] + (gpr[0] & 0xff), i.asz), 1));
            case ALU_RM_R -> aluRm(i, getReg(i.reg, i.osz));
            case ALU_RM_I -> aluRm(i, i.imm);
            case ALU_R_RM -> {
                long r = Alu.alu(flags, i.sub, i.osz, getReg(i.reg, i.osz), readRm(i, i.osz));
                if (i.sub != 7) {
                    setReg(i.reg, i.osz, r);
                }
            }
            case TEST_RM_R -> Alu.alu(flags, 4, i.osz, readRm(i, i.osz), getReg(i.reg, i.osz));
            case TEST_RM_I -> Alu.alu(flags, 4, i.osz, readRm(i, i.osz), i.imm);
            case INC -> rmwWrite(i, i.osz, Alu.inc(flags, i.osz, rmwRead(i, i.osz)));
            case DEC -> rmwWrite(i, i.osz, Alu.dec(flags, i.osz, rmwRead(i, i.osz)));
            case NEG -> rmwWrite(i, i.osz, Alu.neg(flags, i.osz, rmwRead(i, i.osz)));
            case NOT -> rmwWrite(i, i.osz, ~rmwRead(i, i.osz));
            case MUL -> mul(i);
            case IMUL1 -> imul1(i);
            case DIV -> div(i);
            case IDIV -> idiv(i);
            case IMUL_R_RM -> {
                counters.cycles += multiplyCost;
                setReg(i.reg, i.osz, Alu.imul(flags, i.osz, getReg(i.reg, i.osz), readRm(i, i.osz)));
            }
            case IMUL_R_RM_I -> {
                counters.cycles += multiplyCost;
                setReg(i.reg, i.osz, Alu.imul(flags, i.osz, readRm(i, i.osz), i.imm));
            }
            case SHIFT_1 -> shift(i, 1);
            case SHIFT_CL -> shift(i, (int) gpr[1] & 0xff);
            case SHIFT_I -> shift(i, (int) i.imm);
            case SHLD_I -> doubleShift(i, true, (int) i.imm);
            case SHLD_CL -> doubleShift(i, true, (int) gpr[1] & 0xff);
            case SHRD_I -> doubleShift(i, false, (int) i.imm);
            case SHRD_CL -> doubleShift(i, false, (int) gpr[1] & 0xff);
            case BT_RM_R -> bitTest(i, getReg(i.reg, i.osz), true);
            case BT_RM_I -> bitTest(i, i.imm & 0xff, false);
            case BSF, BSR, TZCNT, LZCNT, POPCNT -> bitScan(i);
            case MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS -> strings.execute(i);
            case CMOV -> {
                long v = readRm(i, i.osz);
                if (flags.condition(i.sub)) {
                    setReg(i.reg, i.osz, v);
                } else if (i.osz == 4) {
                    setReg(i.reg, 4, gpr[i.reg]); // a 32-bit CMOV zero-extends even when not taken
                }
            }
            case SETCC -> writeRm(i, 1, flags.condition(i.sub) ? 1 : 0);
            case JCC -> {
                if (flags.condition(i.sub)) {
                    jumpTo(state.rip + i.imm, i.osz);
                }
            }
            case JMP_REL -> jumpTo(state.rip + i.imm, i.osz);
            case JMP_RM -> jumpTo(readRm(i, i.osz), i.osz);
            case CALL_REL -> {
                long target = state.rip + i.imm;
                push(i.osz, state.rip);
                jumpTo(target, i.osz);
            }
            case CALL_RM -> {
                long target = readRm(i, i.osz);
                checkTarget(target, i.osz);
                push(i.osz, state.rip);
                jumpTo(target, i.osz);
            }
            case RET -> {
                long target = peek(0, i.osz);
                checkTarget(target, i.osz);
                pop(i.osz);
                jumpTo(target, i.osz);
            }
            case RET_I -> {
                long target = peek(0, i.osz);
                checkTarget(target, i.osz);
                pop(i.osz);
                int sas = stackAddressSize();
                setStackPointer(sas, stackPointer(sas) + i.imm);
                jumpTo(target, i.osz);
            }
            case JRCXZ -> {
                if (getReg(1, i.asz) == 0) {
                    jumpTo(state.rip + i.imm, i.osz);
                }
            }
            case LOOP, LOOPE, LOOPNE -> loop(i);
            case JMP_FAR -> sys.farJump(i.imm2, i.imm, i.osz);
            case CALL_FAR -> sys.farCall(i.imm2, i.imm, i.osz);
            case JMP_FAR_M, CALL_FAR_M -> sys.farIndirect(i);
            case RETF -> sys.farReturn(i.osz, 0);
            case RETF_I -> sys.farReturn(i.osz, (int) i.imm);
            case IRET -> sys.iret(i.osz);
            case INT3 -> events.softwareEvent(Vectors.BP, EventSink.SOFTWARE_EXCEPTION);
            case INT_N -> events.softwareEvent((int) i.imm, EventSink.SOFTWARE_INTERRUPT);
            case INTO -> {
                if (flags.of()) {
                    events.softwareEvent(Vectors.OF, EventSink.SOFTWARE_EXCEPTION);
                }
            }
            case INT1 -> events.softwareEvent(Vectors.DB, EventSink.PRIVILEGED_SOFTWARE_EXCEPTION);
            case PUSH_R -> push(i.osz, getReg(i.reg, i.osz));
            case POP_R -> setReg(i.reg, i.osz, pop(i.osz));
            case PUSH_I -> push(i.osz, i.imm);
            case PUSH_RM -> push(i.osz, readRm(i, i.osz));
            case POP_RM -> popRm(i);
            case PUSH_SREG -> push(i.osz, state.seg[i.reg].selector);
            case POP_SREG -> {
                int sel = (int) peek(0, i.osz) & 0xffff;
                sys.loadSegment(i.reg, sel);
                pop(i.osz);
            }
            case PUSHA -> pusha(i.osz);
            case POPA -> popa(i.osz);
            case ENTER -> enter(i);
            case LEAVE -> {
                int sas = stackAddressSize();
                long bp = getReg(5, sas);
                long v = mem.read(CpuState.SS, bp, i.osz);
                setStackPointer(sas, bp + i.osz);
                setReg(5, i.osz, v);
            }
            case PUSHF -> sys.pushf(i.osz);
            case POPF -> sys.popf(i.osz);
            case CMPXCHG -> cmpxchg(i);
            case CMPXCHG8B -> cmpxchg8b(i);
            case CMPXCHG16B -> cmpxchg16b(i);
            case XADD -> {
                long d = rmwRead(i, i.osz);
                long s = getReg(i.reg, i.osz);
                long sum = Alu.alu(flags, 0, i.osz, d, s);
                setReg(i.reg, i.osz, d);
                rmwWrite(i, i.osz, sum);
            }
            case NOP, FENCE -> {
            }
            case PAUSE -> {
                if (nonRoot && vmx.intercept(i, operands) == VmxPort.EXITED) { // PAUSE(-loop) exiting, 25.1.3
                    worldSwitched();
                }
            }
            case CLFLUSH -> mem.read(i.seg, ea(i), 1); // faults like a byte load; no cache model
            case CLC -> flags.setBits(flags.materialize() & ~CpuState.CF);
            case STC -> flags.setBits(flags.materialize() | CpuState.CF);
            case CMC -> flags.setBits(flags.materialize() ^ CpuState.CF);
            case CLD -> state.setSystemFlags(state.systemFlags() & ~CpuState.DF);
            case STD -> state.setSystemFlags(state.systemFlags() | CpuState.DF);
            case LAHF -> setReg(16, 1, (flags.materialize() & 0xd5) | 2);
            case SAHF -> flags.setBits((flags.materialize() & ~0xd5L) | (gpr[0] >>> 8 & 0xd5));
            default -> sys.execute(i);
        }
    }

    static long maskAddr(long a, int asz) {
        return asz == 8 ? a : asz == 4 ? a & 0xffffffffL : a & 0xffff;
    }

    /** Validates a near-branch target before the stack changes (so a #GP leaves RSP intact). */
    private void checkTarget(long target, int osz) {
        if (mem.mode64) {
            if (!mem.canonical(target)) {
                throw CpuFault.gp(0);
            }
        } else if ((target & (osz == 2 ? 0xffff : 0xffffffffL)) > state.seg[CpuState.CS].limit) {
            throw CpuFault.gp(0);
        }
    }

    private static long byteSwap(long v, int size) {
        return switch (size) {
            case 2 -> Short.reverseBytes((short) v) & 0xffff;
            case 4 -> Integer.reverseBytes((int) v) & 0xffffffffL;
            default -> Long.reverseBytes(v);
        };
    }

    private void xchg(Insn i) {
        long a = rmwRead(i, i.osz);
        if (i.hasMem && !i.lock) {
            counters.cycles += lockedCost; // XCHG with memory is always locked (SDM Vol. 2B XCHG)
        }
        long r = getReg(i.reg, i.osz);
        setReg(i.reg, i.osz, a);
        rmwWrite(i, i.osz, r);
    }

    private void aluRm(Insn i, long src) {
        if (i.sub == 7) {
            Alu.alu(flags, 7, i.osz, readRm(i, i.osz), src);
            return;
        }
        long d = rmwRead(i, i.osz);
        rmwWrite(i, i.osz, Alu.alu(flags, i.sub, i.osz, d, src));
    }

    private void shift(Insn i, int count) {
        long v = rmwRead(i, i.osz);
        rmwWrite(i, i.osz, Alu.shift(flags, i.sub, i.osz, v, count));
    }

    private void doubleShift(Insn i, boolean left, int count) {
        long v = rmwRead(i, i.osz);
        rmwWrite(i, i.osz, Alu.doubleShift(flags, left, i.osz, v, getReg(i.reg, i.osz), count));
    }

    /** BT/BTS/BTR/BTC (SDM Vol. 2A BT): only CF changes on Intel parts. */
    private void bitTest(Insn i, long offset, boolean registerOffset) {
        int bits = i.osz << 3;
        long value;
        long bit;
        if (i.hasMem && registerOffset) {
            // A register bit offset is signed and may reach outside the addressed operand.
            long signed = Alu.signExtend(offset, i.osz);
            long byteOffset = (signed >> (i.osz == 2 ? 4 : i.osz == 4 ? 5 : 6)) * i.osz;
            bit = signed & (bits - 1);
            long addr = maskAddr(ea(i) + byteOffset, i.asz);
            if (i.sub == 0) {
                value = mem.read(i.seg, addr, i.osz);
            } else {
                if (i.lock) {
                    counters.cycles += lockedCost;
                }
                value = mem.readForWrite(i.seg, addr, i.osz);
            }
        } else {
            bit = offset & (bits - 1);
            value = i.sub == 0 ? readRm(i, i.osz) : rmwRead(i, i.osz);
        }
        long old = flags.materialize();
        flags.setBits((old & ~CpuState.CF) | ((value >>> bit) & 1));
        if (i.sub == 0) {
            return;
        }
        long m = 1L << bit;
        long r = switch (i.sub) {
            case 1 -> value | m;
            case 2 -> value & ~m;
            default -> value ^ m;
        };
        if (i.hasMem) {
            mem.writeBack(i.osz, r);
        } else {
            setReg(i.rm, i.osz, r);
        }
    }

    private void bitScan(Insn i) {
        long v = readRm(i, i.osz);
        int bits = i.osz << 3;
        switch (i.op) {
            case BSF, BSR -> {
                if (v == 0) {
                    // Destination unchanged (Intel; SDM: undefined); ZF = 1 and PF as for a zero result.
                    flags.setBits(CpuState.ZF | CpuState.PF);
                    return;
                }
                long r = i.op == org.vtsim.cpu.decode.Op.BSF ? Long.numberOfTrailingZeros(v)
                        : 63 - Long.numberOfLeadingZeros(v);
                flags.setBits(LazyFlags.parity(r) ? CpuState.PF : 0);
                setReg(i.reg, i.osz, r);
            }
            case TZCNT -> {
                long r = v == 0 ? bits : Long.numberOfTrailingZeros(v);
                flags.setBits((v == 0 ? CpuState.CF : 0) | (r == 0 ? CpuState.ZF : 0));
                setReg(i.reg, i.osz, r);
            }
            case LZCNT -> {
                long r = Long.numberOfLeadingZeros(v) - (64 - bits);
                flags.setBits((v == 0 ? CpuState.CF : 0) | (r == 0 ? CpuState.ZF : 0));
                setReg(i.reg, i.osz, r);
            }
            default -> {
                long r = Long.bitCount(v);
                flags.setBits(v == 0 ? CpuState.ZF : 0);
                setReg(i.reg, i.osz, r);
            }
        }
    }

    private void mul(Insn i) {
        counters.cycles += multiplyCost;
        long s = readRm(i, i.osz);
        switch (i.osz) {
            case 1 -> {
                long r = (gpr[0] & 0xff) * s;
                setReg(0, 2, r);
                Alu.mulFlags(flags, 1, r, (r >>> 8) != 0);
            }
            case 2 -> {
                long r = (gpr[0] & 0xffff) * s;
                setReg(0, 2, r);
                setReg(2, 2, r >>> 16);
                Alu.mulFlags(flags, 2, r, (r >>> 16) != 0);
            }
            case 4 -> {
                long r = (gpr[0] & 0xffffffffL) * s;
                setReg(0, 4, r);
                setReg(2, 4, r >>> 32);
                Alu.mulFlags(flags, 4, r, (r >>> 32) != 0);
            }
            default -> {
                long a = gpr[0];
                long lo = a * s;
                long hi = Math.multiplyHigh(a, s) + ((a >> 63) & s) + ((s >> 63) & a);
                gpr[0] = lo;
                gpr[2] = hi;
                Alu.mulFlags(flags, 8, lo, hi != 0);
            }
        }
    }

    private void imul1(Insn i) {
        counters.cycles += multiplyCost;
        long s = Alu.signExtend(readRm(i, i.osz), i.osz);
        switch (i.osz) {
            case 1 -> {
                long r = (byte) gpr[0] * s;
                setReg(0, 2, r);
                Alu.mulFlags(flags, 1, r, (byte) r != r);
            }
            case 2 -> {
                long r = (short) gpr[0] * s;
                setReg(0, 2, r);
                setReg(2, 2, r >>> 16);
                Alu.mulFlags(flags, 2, r, (short) r != r);
            }
            case 4 -> {
                long r = (int) gpr[0] * s;
                setReg(0, 4, r);
                setReg(2, 4, r >>> 32);
                Alu.mulFlags(flags, 4, r, (int) r != r);
            }
            default -> {
                long a = gpr[0];
                long lo = a * s;
                long hi = Math.multiplyHigh(a, s);
                gpr[0] = lo;
                gpr[2] = hi;
                Alu.mulFlags(flags, 8, lo, hi != (lo >> 63));
            }
        }
    }

    /** DIV (SDM Vol. 2A DIV): #DE on a zero divisor or a quotient too wide; flags unchanged. */
    private void div(Insn i) {
        long d = readRm(i, i.osz);
        counters.cycles += i.osz == 8 ? divide64Cost : divide32Cost;
        if (d == 0) {
            throw CpuFault.of(Vectors.DE);
        }
        switch (i.osz) {
            case 1 -> {
                long n = gpr[0] & 0xffff;
                long q = n / d;
                if (q > 0xff) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 2, (n % d) << 8 | q);
            }
            case 2 -> {
                long n = (gpr[2] & 0xffff) << 16 | (gpr[0] & 0xffff);
                long q = n / d;
                if (q > 0xffff) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 2, q);
                setReg(2, 2, n % d);
            }
            case 4 -> {
                long n = (gpr[2] & 0xffffffffL) << 32 | (gpr[0] & 0xffffffffL);
                long q = Long.divideUnsigned(n, d);
                if ((q >>> 32) != 0) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 4, q);
                setReg(2, 4, Long.remainderUnsigned(n, d));
            }
            default -> {
                long hi = gpr[2];
                long lo = gpr[0];
                if (Long.compareUnsigned(hi, d) >= 0) {
                    throw CpuFault.of(Vectors.DE);
                }
                if (hi == 0) {
                    gpr[0] = Long.divideUnsigned(lo, d);
                    gpr[2] = Long.remainderUnsigned(lo, d);
                } else {
                    BigInteger n = unsigned(hi).shiftLeft(64).or(unsigned(lo));
                    BigInteger[] qr = n.divideAndRemainder(unsigned(d));
                    gpr[0] = qr[0].longValue();
                    gpr[2] = qr[1].longValue();
                }
            }
        }
    }

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
        return v < 0 ? b.setBit(63) : b;
    }

    /** IDIV (SDM Vol. 2A IDIV): truncating signed division, #DE when the quotient overflows. */
    private void idiv(Insn i) {
        long d = Alu.signExtend(readRm(i, i.osz), i.osz);
        counters.cycles += i.osz == 8 ? divide64Cost : divide32Cost;
        if (d == 0) {
            throw CpuFault.of(Vectors.DE);
        }
        switch (i.osz) {
            case 1 -> {
                long n = (short) gpr[0];
                long q = n / d;
                if (q != (byte) q) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 2, ((n % d) & 0xff) << 8 | (q & 0xff));
            }
            case 2 -> {
                long n = (short) gpr[2] << 16 | (gpr[0] & 0xffff);
                long q = n / d;
                if (q != (short) q) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 2, q);
                setReg(2, 2, n % d);
            }
            case 4 -> {
                long n = (long) (int) gpr[2] << 32 | (gpr[0] & 0xffffffffL);
                if (n == Long.MIN_VALUE && d == -1) {
                    throw CpuFault.of(Vectors.DE);
                }
                long q = n / d;
                if (q != (int) q) {
                    throw CpuFault.of(Vectors.DE);
                }
                setReg(0, 4, q);
                setReg(2, 4, n % d);
            }
            default -> {
                long hi = gpr[2];
                long lo = gpr[0];
                if (hi == (lo >> 63)) {
                    if (lo == Long.MIN_VALUE && d == -1) {
                        throw CpuFault.of(Vectors.DE);
                    }
                    gpr[0] = lo / d;
                    gpr[2] = lo % d;
                    return;
                }
                BigInteger n = BigInteger.valueOf(hi).shiftLeft(64).or(unsigned(lo));
                BigInteger[] qr = n.divideAndRemainder(BigInteger.valueOf(d));
                if (qr[0].bitLength() > 63) {
                    throw CpuFault.of(Vectors.DE);
                }
                gpr[0] = qr[0].longValue();
                gpr[2] = qr[1].longValue();
            }
        }
    }

    private void loop(Insn i) {
        long c = (getReg(1, i.asz) - 1);
        setReg(1, i.asz, c);
        c = maskAddr(c, i.asz);
        boolean take = switch (i.op) {
            case LOOPE -> c != 0 && flags.zf();
            case LOOPNE -> c != 0 && !flags.zf();
            default -> c != 0;
        };
        if (take) {
            jumpTo(state.rip + i.imm, i.osz);
        }
    }

    private void popRm(Insn i) {
        // POP r/m with an RSP-based address uses RSP after the pop (SDM Vol. 2B POP).
        long v = peek(0, i.osz);
        int sas = stackAddressSize();
        long oldSp = stackPointer(sas);
        setStackPointer(sas, oldSp + i.osz);
        try {
            writeRm(i, i.osz, v);
        } catch (CpuFault f) {
            setStackPointer(sas, oldSp);
            throw f;
        }
    }

    private void pusha(int osz) {
        long sp = getReg(4, osz);
        for (int r = 0; r < 8; r++) {
            push(osz, r == 4 ? sp : getReg(r, osz));
        }
    }

    private void popa(int osz) {
        for (int r = 7; r >= 0; r--) {
            long v = pop(osz);
            if (r != 4) {
                setReg(r, osz, v);
            }
        }
    }

    /** ENTER (SDM Vol. 2A ENTER): nesting levels copy frame pointers from the old frame. */
    private void enter(Insn i) {
        int level = i.imm2 & 31;
        int sas = stackAddressSize();
        push(i.osz, getReg(5, i.osz));
        long frame = stackPointer(sas);
        if (level > 0) {
            long bp = getReg(5, sas);
            for (int k = 1; k < level; k++) {
                bp = maskAddr(bp - i.osz, sas);
                push(i.osz, mem.read(CpuState.SS, bp, i.osz));
            }
            push(i.osz, frame);
        }
        long newSp = stackPointer(sas) - i.imm;
        // The new stack must be writable: probe its lowest byte before committing.
        if (i.imm > 0) {
            mem.linear(CpuState.SS, maskAddr(newSp, sas), 1, true);
        }
        setReg(5, i.osz, frame);
        setStackPointer(sas, newSp);
    }

    private void cmpxchg(Insn i) {
        long d = rmwRead(i, i.osz);
        long a = getReg(0, i.osz);
        Alu.alu(flags, 7, i.osz, a, d);
        if ((a & Alu.mask(i.osz)) == (d & Alu.mask(i.osz))) {
            rmwWrite(i, i.osz, getReg(i.reg, i.osz));
        } else {
            // SDM Vol. 2A CMPXCHG: a memory destination is written back with its own value (the
            // locked read always pairs with a write). A register destination is not written on
            // this path: with a 32-bit operand in 64-bit mode its upper half is kept, as the host
            // CPU shows (conformance differential, family CMPXCHG_R32); only EAX is loaded,
            // which zero-extends into RAX like any 32-bit register write (SDM Vol. 1 3.4.1.1).
            if (i.hasMem) {
                mem.writeBack(i.osz, d);
            }
            setReg(0, i.osz, d);
        }
    }

    private void cmpxchg8b(Insn i) {
        long addr = ea(i);
        if (i.lock) {
            counters.cycles += lockedCost;
        }
        long m = mem.readForWrite(i.seg, addr, 8);
        long cmp = (gpr[2] & 0xffffffffL) << 32 | (gpr[0] & 0xffffffffL);
        long old = flags.materialize();
        if (m == cmp) {
            mem.writeBack(8, (gpr[1] & 0xffffffffL) << 32 | (gpr[3] & 0xffffffffL));
            flags.setBits(old | CpuState.ZF);
        } else {
            mem.writeBack(8, m);
            setReg(0, 4, m);
            setReg(2, 4, m >>> 32);
            flags.setBits(old & ~CpuState.ZF);
        }
    }

    private void cmpxchg16b(Insn i) {
        long addr = ea(i);
        if ((addr & 15) != 0) {
            throw CpuFault.gp(0);
        }
        if (i.lock) {
            counters.cycles += lockedCost;
        }
        long lo = mem.readForWrite(i.seg, addr, 8);
        long hi = mem.read(i.seg, addr + 8, 8);
        mem.linear(i.seg, addr + 8, 8, true);
        long old = flags.materialize();
        if (lo == gpr[0] && hi == gpr[2]) {
            mem.write(i.seg, addr + 8, 8, gpr[1]);
            mem.write(i.seg, addr, 8, gpr[3]);
            flags.setBits(old | CpuState.ZF);
        } else {
            mem.write(i.seg, addr + 8, 8, hi);
            mem.write(i.seg, addr, 8, lo);
            gpr[0] = lo;
            gpr[2] = hi;
            flags.setBits(old & ~CpuState.ZF);
        }
    }
}
