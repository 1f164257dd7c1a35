package org.vtsim.cpu;

import java.util.Map;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.decode.DecodeCache;
import org.vtsim.cpu.decode.DecodedPage;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.exec.Interpreter;
import org.vtsim.cpu.system.CpuFeature;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.mmu.Mmu;

/**
 * One logical processor running guest code: fetch (through a per-physical-page cache of decoded
 * instructions), execute, and at every instruction boundary accept interrupts and keep the
 * platform's time in step (SDM Vol. 3A 6.6: exceptions and interrupts are taken at instruction
 * boundaries).
 *
 * <p>A run never throws: architectural faults are delivered through the IDT, a triple fault ends
 * the run with {@link StopReason#SHUTDOWN}, missing features with {@link StopReason#UNSUPPORTED}
 * and bugs of the model with {@link StopReason#INTERNAL_ERROR}; {@link #stopDetail()} says more.
 */
public final class Cpu implements LinearMemory, EventSink {
    private static final int MODE_64 = 2;
    private static final int MODE_32 = 1;
    private static final int MODE_16 = 0;

    private final CpuState state = new CpuState();
    private final PhysicalMemory memory;
    private final Platform platform;
    private final Counters counters = new Counters();
    private final MemoryPath path;
    private final Interpreter interpreter;
    private final Decoder decoder;
    private final DecodeCache decodeCache;
    private final FetchSource fetchSource = new FetchSource();
    private SystemPort system;
    private EventPort events;

    private final long instructionCost;
    private final long eventCost;

    /** The decode mode (MODE_64/32/16); recomputed when an instruction reports a mode change. */
    private int mode = -1;
    private DecodedPage fetchPage;
    private long fetchLinearPage = -1;
    private long nextEvent = Long.MIN_VALUE;
    private boolean shutdown;
    private String stopDetail = "";
    /** The instruction being executed, for software events (start RIP and length). */
    private long insnStart;
    private int insnLength;

    /** A CPU with the default (Skylake-like) CPUID model, the system units and the ept MMU wired. */
    public Cpu(PhysicalMemory memory, Platform platform, CostProfile costs) {
        this(memory, platform, costs, CpuidModel.skylake());
    }

    /** A CPU advertising {@code model} through CPUID (and honouring it for MSRs and CR4 bits). */
    public Cpu(PhysicalMemory memory, Platform platform, CostProfile costs, CpuidModel model) {
        this.decoder = new Decoder(model.has(CpuFeature.BMI1),
                model.has(CpuFeature.LZCNT));
        this.memory = memory;
        this.platform = platform;
        this.path = new MemoryPath(state, memory, platform, costs, counters);
        MissingSystemUnits missing = new MissingSystemUnits(counters);
        this.system = missing;
        this.events = missing;
        this.interpreter = new Interpreter(state, path, platform, costs, counters, new SystemPort() {
            // Indirection so system units can be wired after construction.
            @Override
            public void loadSegment(int sreg, int selector) {
                system.loadSegment(sreg, selector);
            }

            @Override
            public void farJump(int selector, long offset, int operandSize) {
                system.farJump(selector, offset, operandSize);
            }

            @Override
            public void farCall(int selector, long offset, int operandSize) {
                system.farCall(selector, offset, operandSize);
            }

            @Override
            public void farReturn(int operandSize, int popBytes) {
                system.farReturn(operandSize, popBytes);
            }

            @Override
            public void iret(int operandSize) {
                system.iret(operandSize);
            }

            @Override
            public void lldt(int selector) {
                system.lldt(selector);
            }

            @Override
            public void ltr(int selector) {
                system.ltr(selector);
            }

            @Override
            public void writeCr(int cr, long value) {
                system.writeCr(cr, value);
            }

            @Override
            public void cpuid() {
                system.cpuid();
            }

            @Override
            public long readMsr(int msr) {
                return system.readMsr(msr);
            }

            @Override
            public void writeMsr(int msr, long value) {
                system.writeMsr(msr, value);
            }

            @Override
            public void syscall() {
                system.syscall();
            }

            @Override
            public void sysret(int operandSize) {
                system.sysret(operandSize);
            }

            @Override
            public void swapgs() {
                system.swapgs();
            }

            @Override
            public void checkIo(int port, int size) {
                system.checkIo(port, size);
            }

            @Override
            public long readTsc() {
                return system.readTsc();
            }

            @Override
            public long tscAux() {
                return system.tscAux();
            }
        }, this);
        this.decodeCache = new DecodeCache(memory);
        this.instructionCost = costs.instruction;
        this.eventCost = costs.cycles(Cost.EVENT_DELIVERY);
        SystemUnits units = new SystemUnits(state, this, path, platform, model, () -> counters.cycles);
        this.system = units;
        this.events = units;
        this.units = units;
        this.costs = costs;
        setTranslation(new MmuTranslation(new Mmu(memory), state, costs));
    }

    private final SystemUnits units;
    private final CostProfile costs;

    /** MSRs the guest touched that the model lacks (each raised #GP), by number, for the run summary. */
    public Map<Integer, Long> unknownMsrAccesses() {
        return units.unknownMsrAccesses();
    }

    /** Translation counters for the run summary (TLB hits/misses, walks, walk references). */
    public Map<String, Long> translationCounters() {
        return path.translation() == null ? Map.of() : path.translation().counters();
    }

    // ---- wiring ----

    /** Wires the system units (segment loads, CRs, MSRs, CPUID, SYSCALL) and event delivery. */
    public void setSystemUnits(SystemPort system, EventPort events) {
        this.system = system;
        this.events = events;
    }

    /** Wires linear-address translation (used while CR0.PG = 1); the default is the ept MMU. */
    public void setTranslation(AddressTranslation translation) {
        path.setTranslation(translation);
        invalidateFetch();
    }

    /**
     * Tells the translation that CR0/CR3/CR4/EFER were set directly (a loader, a test, VM entry)
     * rather than by an instruction.
     */
    public void controlRegistersLoaded() {
        if (path.translation() instanceof org.vtsim.cpu.system.PagingEvents p) {
            p.pagingModeChanged();
        }
        interpreter.modeChanged = true;
    }

    // ---- the public API ----

    public CpuState state() {
        return state;
    }

    /** Instructions retired. */
    public long instructions() {
        return counters.instructions;
    }

    /** Simulated cycles elapsed (the platform's clock). */
    public long cycles() {
        return counters.cycles;
    }

    public Counters counters() {
        return counters;
    }

    /** Unimplemented encodings the guest executed (each raised #UD), by "opcode bytes + name". */
    public Map<String, Long> unimplementedInstructions() {
        return counters.unimplemented();
    }

    /** More about the last stop: the unsupported feature, the shutdown cause, the internal error. */
    public String stopDetail() {
        return stopDetail;
    }

    public boolean halted() {
        return interpreter.halted;
    }

    public MemoryPath memoryPath() {
        return path;
    }

    /** Executes one instruction (or accepts one event); see {@link #run(long)}. */
    public StopReason step() {
        return run(1);
    }

    /**
     * Runs until {@code maxInstructions} instruction boundaries have passed (retired instructions
     * and faulting ones) or something stops the CPU.
     */
    public StopReason run(long maxInstructions) {
        if (shutdown) {
            return StopReason.SHUTDOWN;
        }
        long budget = maxInstructions;
        try {
            if (mode < 0 || interpreter.modeChanged) {
                StopReason r = refreshMode();
                if (r != null) {
                    return r;
                }
            }
            while (budget > 0) {
                // Time: bring the devices up to date no later than their next event.
                if (counters.cycles >= nextEvent || counters.platformTouched) {
                    counters.platformTouched = false;
                    platform.advanceTo(counters.cycles);
                    nextEvent = platform.nextEventCycle();
                    if (platform.stopRequested()) {
                        stopDetail = "device requested stop";
                        return StopReason.PLATFORM_STOP;
                    }
                }
                // Interrupts, unless blocked by IF or by the STI / MOV SS shadow.
                if (interpreter.interruptShadow) {
                    interpreter.interruptShadow = false;
                } else if ((state.systemFlags() & CpuState.IF) != 0 && platform.interruptPending()) {
                    interpreter.halted = false;
                    int vector = platform.acknowledgeInterrupt();
                    counters.platformTouched = true;
                    counters.events++;
                    counters.cycles += eventCost;
                    if (!events.externalInterrupt(vector, state.rip)) {
                        return shutdown("triple fault delivering interrupt " + vector);
                    }
                    StopReason r = refreshMode();
                    if (r != null) {
                        return r;
                    }
                    budget--;
                    continue;
                }
                if (interpreter.halted) {
                    StopReason r = idle();
                    if (r != null) {
                        return r;
                    }
                    continue;
                }
                budget--;
                long start = state.rip;
                try {
                    // Fast fetch: 64-bit mode, same linear page as the last fetch (so already
                    // canonical and translated), page still valid, instruction already decoded.
                    DecodedPage page = fetchPage;
                    Insn insn;
                    if (mode != MODE_64 || (start >>> 12) != fetchLinearPage || !page.valid
                            || (insn = page.entries[(int) start & 0xfff]) == null) {
                        insn = fetch(start);
                    }
                    insnStart = start;
                    insnLength = insn.len;
                    state.rip = mode == MODE_64 ? start + insn.len : (start + insn.len) & 0xffffffffL;
                    interpreter.execute(insn);
                    counters.instructions++;
                    counters.cycles += instructionCost;
                } catch (CpuFault f) {
                    state.rip = start;
                    counters.events++;
                    counters.cycles += eventCost;
                    if (!events.exception(f, start)) {
                        return shutdown("triple fault after " + f.getMessage() + " at rip 0x" + Long.toHexString(start));
                    }
                    interpreter.modeChanged = true;
                }
                if (interpreter.modeChanged) {
                    StopReason r = refreshMode();
                    if (r != null) {
                        return r;
                    }
                }
                // Translation cycles accrue only from translations (AddressTranslation contract).
                if (path.translated && (state.cr0 & CpuState.CR0_PG) != 0 && path.translation() != null) {
                    path.translated = false;
                    counters.cycles += path.translation().takeCycles();
                }
            }
            return StopReason.INSTRUCTION_LIMIT;
        } catch (TripleFault t) {
            return shutdown("triple fault delivering a software interrupt at rip 0x" + Long.toHexString(insnStart));
        } catch (UnsupportedFeature u) {
            stopDetail = u.getMessage() + " at rip 0x" + Long.toHexString(state.rip);
            return StopReason.UNSUPPORTED;
        } catch (RuntimeException e) {
            stopDetail = "internal error at rip 0x" + Long.toHexString(state.rip) + ": " + e;
            return StopReason.INTERNAL_ERROR;
        }
    }

    private StopReason shutdown(String why) {
        shutdown = true;
        stopDetail = why;
        return StopReason.SHUTDOWN;
    }

    /** HLT: advance time to the next device event until an interrupt can be taken. */
    private StopReason idle() {
        if ((state.systemFlags() & CpuState.IF) == 0) {
            stopDetail = "HLT with interrupts disabled";
            return StopReason.HALTED;
        }
        if (platform.interruptPending()) {
            return null;
        }
        long next = platform.nextEventCycle();
        if (next == Long.MAX_VALUE) {
            stopDetail = "HLT with no timer armed and no interrupt pending";
            return StopReason.HALTED;
        }
        if (next > counters.cycles) {
            counters.cycles = next;
        }
        platform.advanceTo(counters.cycles);
        nextEvent = platform.nextEventCycle();
        if (platform.stopRequested()) {
            stopDetail = "device requested stop";
            return StopReason.PLATFORM_STOP;
        }
        return null;
    }

    /** Re-reads the execution mode after CS, CR0, CR4 or EFER may have changed. */
    private StopReason refreshMode() {
        interpreter.modeChanged = false;
        invalidateFetch();
        if (!state.protectedMode()) {
            stopDetail = "unsupported: real mode (CR0.PE = 0) at rip 0x" + Long.toHexString(state.rip);
            return StopReason.UNSUPPORTED;
        }
        if ((state.systemFlags() & CpuState.VM) != 0) {
            stopDetail = "unsupported: virtual-8086 mode";
            return StopReason.UNSUPPORTED;
        }
        if (path.translation() instanceof org.vtsim.cpu.system.PagingEvents p) {
            p.pagingModeChanged(); // cheap when nothing changed; catches state set directly by loaders
        }
        boolean m64 = state.mode64();
        path.mode64 = m64;
        mode = m64 ? MODE_64 : state.seg[CpuState.CS].isDefaultBig() ? MODE_32 : MODE_16;
        return null;
    }

    private void invalidateFetch() {
        fetchLinearPage = -1;
        fetchPage = null;
    }

    // ---- fetch and decode ----

    private Insn fetch(long rip) {
        long lin;
        if (mode == MODE_64) {
            if (!path.canonical(rip)) {
                throw CpuFault.gp(0);
            }
            lin = rip;
        } else {
            lin = (state.seg[CpuState.CS].base + rip) & 0xffffffffL;
        }
        long lpn = lin >>> 12;
        DecodedPage page = fetchPage;
        if (lpn != fetchLinearPage || !page.valid) {
            long pa = path.physical(lin, AddressTranslation.FETCH, state.cpl == 3);
            if (path.isMmio(pa) || pa >= memory.size()) {
                page = null;
            } else {
                page = decodeCache.page(pa >>> 12, mode);
            }
            fetchPage = page;
            fetchLinearPage = page == null ? -1 : lpn;
            if (page == null) {
                return checkLimit(decodeAt(lin, pa, null, 0), rip);
            }
        }
        int off = (int) (lin & 0xfff);
        Insn insn = page.entries[off];
        if (insn == null) {
            insn = decodeAt(lin, page.pageNumber << 12 | off, page, off);
        }
        return mode == MODE_64 ? insn : checkLimit(insn, rip);
    }

    private Insn checkLimit(Insn insn, long rip) {
        if (mode != MODE_64 && rip + insn.len - 1 > state.seg[CpuState.CS].limit) {
            throw CpuFault.gp(0);
        }
        return insn;
    }

    private Insn decodeAt(long lin, long pa, DecodedPage page, int off) {
        fetchSource.lin = lin;
        fetchSource.pa = pa;
        fetchSource.off = (int) (lin & 0xfff);
        Insn insn = decoder.decode(fetchSource, mode == MODE_64, mode != MODE_16, fetchSource.off);
        counters.decodedInstructions++;
        if (page != null && !insn.crossesPage && page.valid) {
            page.entries[off] = insn;
        }
        return insn;
    }

    /** Instruction bytes: physical reads within the page, translated fetches beyond it. */
    private final class FetchSource implements Decoder.ByteSource {
        long lin;
        long pa;
        int off;

        @Override
        public int byteAt(int i) {
            if (off + i < 4096) {
                long a = pa + i;
                return path.isMmio(a) ? (int) path.physRead(a, 1) : memory.read8(a);
            }
            return path.fetchByte(mode == MODE_64 ? lin + i : (lin + i) & 0xffffffffL);
        }
    }

    // ---- events raised by instructions ----

    @Override
    public void softwareEvent(int vector, int kind) {
        counters.events++;
        counters.cycles += eventCost;
        if (!events.software(vector, kind, insnStart, insnLength)) {
            throw new TripleFault();
        }
        interpreter.modeChanged = true;
    }

    /** Ends the run from inside an instruction when software-event delivery shuts down. */
    private static final class TripleFault extends RuntimeException {
        TripleFault() {
            super("triple fault", null, false, false);
        }
    }

    // ---- LinearMemory for the system units ----

    @Override
    public long readLinear(long linear, int size, boolean implicitSupervisor) {
        return path.readLinear(linear, size, implicitSupervisor);
    }

    @Override
    public void writeLinear(long linear, int size, long value, boolean implicitSupervisor) {
        path.writeLinear(linear, size, value, implicitSupervisor);
    }
}
