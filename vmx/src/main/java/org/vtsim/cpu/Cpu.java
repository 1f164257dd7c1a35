package org.vtsim.cpu;

import java.util.Map;
import org.vtsim.cost.Cost;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.decode.DecodeCache;
import org.vtsim.cpu.decode.DecodedPage;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.exec.BlockContext;
import org.vtsim.cpu.exec.BlockTranslator;
import org.vtsim.cpu.exec.PageTranslations;
import org.vtsim.cpu.exec.TranslatedBlock;
import org.vtsim.cpu.exec.Interpreter;
import org.vtsim.cpu.system.CpuFeature;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.Msrs;
import org.vtsim.cpu.system.EventType;
import org.vtsim.cpu.system.NmiBlocking;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.mmu.Mmu;

/**
 * One logical processor running guest code: fetch (through a per-physical-page cache of decoded
 * instructions), execute, and at every instruction boundary accept interrupts and keep the
 * platform's time in step (SDM Vol. 3A 6.6: exceptions and interrupts are taken at instruction
 * boundaries). Hot 64-bit code, and 32-bit code under a flat code segment, runs as translated blocks
 * ({@link #setBlockTranslation}), which change nothing the model computes or counts.
 *
 * <p>A run never throws: architectural faults are delivered through the IDT, a triple fault ends
 * the run with {@link StopReason#SHUTDOWN}, missing features with {@link StopReason#UNSUPPORTED}
 * and bugs of the model with {@link StopReason#INTERNAL_ERROR}; {@link #stopDetail()} says more.
 *
 * <p>VMX: a VMX unit attached with {@link #attachVmx} executes the VMX instructions and decides the
 * exits of non-root operation through {@link VmxPort}; with {@link #setStopAtVmExit} a run returns
 * {@link StopReason#VM_EXIT} after each VM exit, in root operation with the host state loaded.
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
    /** Block translation, or null when it is off ({@link #setBlockTranslation}). */
    private Blocks blocks;
    private long fetchLinearPage = -1;
    private long nextEvent = Long.MIN_VALUE;
    /**
     * The platform's INTR line as {@link Platform#interruptPending()} last answered within this run:
     * {@link #INTR_UNKNOWN}, {@link #INTR_CLEAR} or {@link #INTR_RAISED}. See {@link #interruptPending()}.
     */
    private int intr = INTR_UNKNOWN;
    /**
     * In VMX non-root operation: the boundary check ({@link VmxPort#boundary()}) is skipped while the
     * cycle counter is below this, as the VMX unit said through {@link #vmxBoundaryQuietUntil}.
     */
    private long vmxQuietUntil = Long.MIN_VALUE;
    private static final int INTR_UNKNOWN = 0;
    private static final int INTR_CLEAR = 1;
    private static final int INTR_RAISED = 2;
    /** NMI blocking (SDM Vol. 3A 6.7.1) and its VMX variants. */
    private final NmiBlocking nmiBlocking = new NmiBlocking();
    /** An NMI is pending: latched from the platform's NMI line, one deep (SDM Vol. 3A 6.7.1). */
    private boolean nmiLatched;
    /** Ask the platform's NMI line at the next boundary (set wherever INTR is re-read). */
    private boolean nmiPoll = true;
    /** The instruction count of an IRET that removed (virtual-)NMI blocking, or -1. */
    private long nmiIret = -1;
    /** The fault being handled was raised by an IRET that removed (virtual-)NMI blocking (SDM Vol. 3C 27.2.2). */
    private boolean faultOnUnblockingIret;
    private boolean shutdown;
    private String stopDetail = "";
    /** The instruction being executed, for software events (start RIP and length). */
    private long insnStart;
    private int insnLength;

    /** A CPU with the default (Skylake-like) CPUID model, the system units and the ept MMU wired. */
    public Cpu(PhysicalMemory memory, Platform platform, CostProfile costs) {
        this(memory, platform, costs, CpuidModel.skylake());
    }

    /**
     * A CPU advertising {@code model} through CPUID (and honouring it for MSRs and CR4 bits). VMX
     * follows {@link #attachVmx}, not the model: until a VMX unit is attached the CPU has none.
     */
    public Cpu(PhysicalMemory memory, Platform platform, CostProfile costs, CpuidModel model) {
        model = model.without(CpuFeature.VMX);
        this.model = model;
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
                Cpu.this.iret(operandSize);
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
        setBlockTranslation(!"false".equals(System.getProperty("vtsim.translate")));
        this.instructionCost = costs.instruction;
        this.eventCost = costs.cycles(Cost.EVENT_DELIVERY);
        SystemUnits units = new SystemUnits(state, this, path, platform, model, () -> counters.cycles);
        this.system = units;
        this.events = units;
        this.units = units;
        this.costs = costs;
        setTranslation(new MmuTranslation(new Mmu(memory), state, costs));
        interpreter.features = model;
    }

    private SystemUnits units;
    private final CostProfile costs;
    private CpuidModel model;
    private VmxPort vmx = NoVmx.INSTANCE;
    private boolean stopAtVmExit;

    // ---- VMX ----

    /**
     * Gives the CPU a VMX unit: CPUID.1:ECX.VMX reads 1, CR4.VMXE becomes writable, RDMSR reaches
     * the capability MSRs and IA32_FEATURE_CONTROL accepts its VMX bits. Attach before running: the
     * system units (MSR values included) are rebuilt for the new CPUID model.
     */
    public void attachVmx(VmxPort port) {
        this.vmx = port;
        this.model = port.present() ? model.with(CpuFeature.VMX) : model.without(CpuFeature.VMX);
        SystemUnits u = new SystemUnits(state, this, path, platform, model, () -> counters.cycles);
        u.setVmx(port);
        if (system == units) {
            system = u;
            events = u;
        }
        units = u;
        interpreter.vmx = port;
        interpreter.features = model;
    }

    public CostProfile costProfile() {
        return costs;
    }

    /** The CPUID model the CPU advertises (with VMX when a unit is attached). */
    public CpuidModel cpuidModel() {
        return model;
    }

    /** Whether {@link #run} returns {@link StopReason#VM_EXIT} after each VM exit (for a Java monitor). */
    public void setStopAtVmExit(boolean stop) {
        this.stopAtVmExit = stop;
    }

    /** Set by the VMX unit at VM entry (true) and VM exit (false). */
    public void setVmxNonRoot(boolean nonRoot) {
        interpreter.nonRoot = nonRoot;
        if (!nonRoot) {
            nmiBlocking.leaveGuest();
        }
        // VM entries and VM exits clear any address-range monitoring in effect (SDM Vol. 3C 26.3.3, 27.5.6).
        interpreter.monitorArmed = false;
        units.setNonRoot(nonRoot);
        interpreter.modeChanged = true;
        forgetIntr();
        invalidateFetch();
    }

    public boolean vmxNonRoot() {
        return interpreter.nonRoot;
    }

    /** Whether MONITOR armed the address-range monitoring hardware (the MWAIT exit qualification, SDM 27.2.1). */
    public boolean monitorArmed() {
        return interpreter.monitorArmed;
    }

    /** Blocking by STI or MOV SS for the next instruction boundary (VMX interruptibility state). */
    public boolean interruptShadow() {
        return interpreter.interruptShadow;
    }

    /**
     * Sets blocking by STI ({@code byMovSs} false) or by MOV SS for the next boundary (VM entry and exit load
     * it, SDM 26.3.2.5, 27.5): whatever shadow covered an earlier instruction is over, so an exit before the
     * next instruction (one during event injection) does not save a stale one.
     */
    public void setInterruptShadow(boolean shadow, boolean byMovSs) {
        interpreter.interruptShadow = shadow;
        interpreter.shadowByMovSs = byMovSs;
        interpreter.shadowInstruction = -1;
    }

    /** Whether a pending {@link #interruptShadow()} comes from MOV SS rather than STI. */
    public boolean interruptShadowByMovSs() {
        return interpreter.shadowByMovSs;
    }

    public void setHalted(boolean halted) {
        interpreter.halted = halted;
    }

    public Platform platform() {
        return platform;
    }

    public PhysicalMemory memory() {
        return memory;
    }

    /** An MSR as RDMSR reads it, without the CPL check (VM-exit MSR-store area, SDM 27.4). */
    public long readMsr(int msr) {
        return units.readMsr(msr);
    }

    /**
     * The MSRs VM entry and VM exit load and save from VMCS fields (IA32_SYSENTER_CS/ESP/EIP, IA32_PAT; SDM
     * 26.3.2.1, 27.3.1, 27.5.1), without WRMSR's checks (the VMCS checks stand for them) and without
     * touching the platform's devices as a WRMSR may.
     */
    public Msrs transitionMsrs() {
        return units.transitionMsrs();
    }

    /** An MSR as WRMSR writes it, without the CPL check (MSR-load areas, SDM 26.4, 27.6). */
    public void writeMsr(int msr, long value) {
        units.writeMsr(msr, value);
        counters.platformTouched = true;
        forgetIntr();
    }

    /**
     * The event whose delivery through the IDT is under way (its IDT, GDT, TSS and stack accesses are
     * being made), or null: what an EPT violation or misconfiguration then records as IDT-vectoring
     * information (SDM Vol. 3C 27.2.4).
     */
    public Event eventBeingDelivered() {
        return units.deliveringEvent();
    }

    /**
     * Delivers an event through the IDT now (VM-entry event injection, SDM 26.6); false on shutdown.
     * A VM exit during the delivery (SDM 26.6.1.2) is taken and unwinds with {@link VmExitSignal}.
     */
    public boolean deliverEvent(Event event) {
        counters.events++;
        counters.cycles += eventCost;
        boolean nmi = event.type() == EventType.NMI;
        if (nmi) {
            nmiBlocking.nmiDeliveryStarting();
        }
        boolean delivered = units.deliver(event);
        if (delivered && nmi) {
            // "the processor blocks delivery of subsequent NMIs until the next execution of the IRET" (6.7.1)
            nmiBlocking.nmiDelivered();
        }
        return delivered;
    }

    // ---- NMIs ----

    /** NMI blocking, with the rules a VMX guest runs under (SDM Vol. 3A 6.7.1; Vol. 3C 26.7.1). */
    public NmiBlocking nmi() {
        return nmiBlocking;
    }

    /** Whether an NMI is pending (latched from the platform's NMI line, not yet delivered). */
    public boolean nmiPending() {
        pollNmi();
        return nmiLatched;
    }

    /** Clears a pending NMI: taken by a VM exit ("NMI exiting", SDM Vol. 3C 25.2) instead of the IDT. */
    public void acknowledgeNmi() {
        nmiLatched = false;
    }

    /**
     * Whether the fault now being handled was raised by an IRET that removed blocking by NMI or virtual-NMI
     * blocking (bit 12 of the VM-exit interruption information, SDM Vol. 3C 27.2.2).
     */
    public boolean faultOnIretThatUnblockedNmi() {
        return faultOnUnblockingIret;
    }

    private void pollNmi() {
        if (nmiPoll) {
            nmiPoll = false;
            if (platform.takeNmi()) {
                nmiLatched = true; // a second NMI while one is pending is the same one (one deep)
            }
        }
    }

    /**
     * IRET unblocks NMIs "even if the instruction causes a fault" (SDM Vol. 3A 6.7.1; in VMX non-root operation
     * what it unblocks follows Vol. 3C 25.3): the blocking it removes is removed when it ends, however it ends.
     */
    private void iret(int operandSize) {
        int unblocks = nmiBlocking.iretUnblocks();
        if (unblocks == NmiBlocking.NONE) {
            system.iret(operandSize);
            return;
        }
        NmiBlocking.Observer guest = nmiBlocking.observer();
        nmiIret = counters.instructions;
        try {
            system.iret(operandSize);
        } finally {
            nmiBlocking.iretDone(unblocks, guest);
        }
    }

    /**
     * The host TSC as RDTSC reads it outside non-root operation: the system units' TSC, which counts
     * {@link #cycles()} plus the offset a TSC write set, read here without the supplier indirection
     * because the VMX-preemption timer asks at every non-root instruction boundary.
     */
    public long hostTsc() {
        return counters.cycles + units.tscOffset();
    }

    /** Start (RIP) of the instruction executing now, e.g. the one that causes a VM exit. */
    public long instructionStart() {
        return insnStart;
    }

    /**
     * Whether the instruction executing now follows a MOV SS / POP SS (blocking by MOV SS, SDM Vol. 3C
     * 24.4.2), as VMLAUNCH/VMRESUME check (error 26).
     */
    public boolean blockedByMovSs() {
        return interpreter.shadowByMovSs && interpreter.shadowInstruction == counters.instructions;
    }

    /** Whether the instruction executing now follows an STI that set IF (blocking by STI). */
    public boolean blockedBySti() {
        return !interpreter.shadowByMovSs && interpreter.shadowInstruction == counters.instructions;
    }

    /**
     * The platform's INTR line (SDM Vol. 3A 6.8.1: maskable interrupts are recognised at instruction
     * boundaries), for checks made at a boundary of the running {@link #run}. The devices' interrupt
     * state changes only when they are advanced in time, touched by an access (port, MMIO, MSR: the core
     * advances them at the next boundary), acknowledged, or when the TPR is written (MOV to CR8 ends in
     * a mode re-read); so the answer is kept until one of those, and asked again at each {@link #run}.
     */
    private void forgetIntr() {
        intr = INTR_UNKNOWN;
        nmiPoll = true;
        vmxQuietUntil = Long.MIN_VALUE;
    }

    /**
     * Called by the VMX unit when nothing exits at a non-root instruction boundary: no boundary exit
     * (SDM Vol. 3C 25.2, 25.5) can happen before {@code cycle} as long as the controls, the INTR line
     * ({@link #interruptPending()}) and the TSC offset stay as they are, so the core skips the check
     * until then. Anything that could change those ends the quiet period: a new {@link #run}, a VM entry
     * or exit, the devices advanced or touched, a mode re-read (which follows every MOV to CR and WRMSR).
     */
    public void vmxBoundaryQuietUntil(long cycle) {
        vmxQuietUntil = cycle;
    }

    public boolean interruptPending() {
        int k = intr;
        if (k == INTR_UNKNOWN) {
            k = platform.interruptPending() ? INTR_RAISED : INTR_CLEAR;
            intr = k;
        }
        return k == INTR_RAISED;
    }

    /** Ends the run in shutdown, e.g. after a VMX abort (SDM Vol. 3C 27.7). */
    public void enterShutdown(String why) {
        shutdown = true;
        stopDetail = why;
    }

    public boolean isShutdown() {
        return shutdown;
    }

    /** Drops every cached translation (VM entry and exit without VPID, SDM Vol. 3C 28.3.3.3). */
    public void flushTranslations() {
        if (path.translation() != null) {
            path.translation().flushAll(true);
        }
        invalidateFetch();
    }

    /** Linear address of the last #PF before CR2 was written (for #PF exits that leave CR2 alone). */
    public long cr2BeforeLastFault() {
        return path.cr2BeforeFault;
    }

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
     * VM entry or exit with VPID and without EPT: the MMU switches to the paging registers just loaded and to
     * the cached translations tagged {@code tag}, invalidating nothing; returns false when the translation is
     * not an MMU that keeps tags (the caller then flushes).
     */
    public boolean switchTranslationContext(long tag) {
        if (!(path.translation() instanceof MmuTranslation m)) {
            return false;
        }
        m.switchContext(tag);
        invalidateFetch();
        interpreter.modeChanged = true;
        return true;
    }

    /**
     * Tells the translation that CR0/CR3/CR4/EFER were set directly (a loader, a test, VM entry)
     * rather than by an instruction.
     */
    public void controlRegistersLoaded() {
        if (path.translation() instanceof org.vtsim.cpu.system.PagingEvents p) {
            p.pagingModeChanged();
            if (state.pagingEnabled() && (state.cr4 & CpuState.CR4_PAE) != 0 && !state.longModeActive()) {
                p.loadPdptes(state.cr3); // PAE paging: the PDPTE registers come from CR3 (SDM Vol. 3A 4.4.1)
            }
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
        forgetIntr(); // whoever called may have changed the devices since the last run
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
                    forgetIntr();
                    nextEvent = platform.nextEventCycle();
                    if (platform.stopRequested()) {
                        stopDetail = "device requested stop";
                        return StopReason.PLATFORM_STOP;
                    }
                }
                if (nmiPoll) {
                    pollNmi();
                }
                // VMX non-root: exits at the boundary (external interrupt, NMI, windows, timers).
                if (interpreter.nonRoot && (counters.cycles >= vmxQuietUntil || nmiLatched) && vmx.boundary()) {
                    StopReason r = afterVmExit();
                    if (r != null) {
                        return r;
                    }
                    continue;
                }
                // Interrupts, unless blocked by IF or by the STI / MOV SS shadow.
                // NMIs come before maskable interrupts (SDM Vol. 3A 6.9, Table 6-2) and ignore IF (6.7.1); both
                // shadows hold them off too (MOV SS always, 6.8.3; STI "may", Vol. 2B STI: this model does).
                if (interpreter.interruptShadow) {
                    interpreter.interruptShadow = false;
                    interpreter.shadowInstruction = counters.instructions;
                } else if (nmiLatched && !nmiBlocking.holdsOff()) {
                    interpreter.halted = false; // an NMI wakes HLT (SDM Vol. 2A HLT)
                    nmiLatched = false;
                    boolean delivered;
                    try {
                        delivered = deliverEvent(Event.nmi(state.rip));
                    } catch (VmExitSignal x) {
                        // A VM exit during the delivery: the NMI is in the IDT-vectoring information (27.2.4).
                        StopReason r = afterVmExit();
                        if (r != null) {
                            return r;
                        }
                        continue;
                    }
                    if (!delivered) {
                        if (interpreter.nonRoot && vmx.tripleFault()) {
                            StopReason r = afterVmExit();
                            if (r != null) {
                                return r;
                            }
                            continue;
                        }
                        return shutdown("triple fault delivering an NMI");
                    }
                    StopReason r = refreshMode();
                    if (r != null) {
                        return r;
                    }
                    budget--;
                    continue;
                } else if ((state.systemFlags() & CpuState.IF) != 0 && interruptPending()) {
                    interpreter.halted = false;
                    int vector = platform.acknowledgeInterrupt();
                    forgetIntr();
                    counters.platformTouched = true;
                    counters.events++;
                    counters.cycles += eventCost;
                    boolean delivered;
                    try {
                        delivered = events.externalInterrupt(vector, state.rip);
                    } catch (VmExitSignal x) {
                        // A VM exit during the delivery: the vector is in the IDT-vectoring information.
                        StopReason r = afterVmExit();
                        if (r != null) {
                            return r;
                        }
                        continue;
                    }
                    if (!delivered) {
                        if (interpreter.nonRoot && vmx.tripleFault()) {
                            StopReason r = afterVmExit();
                            if (r != null) {
                                return r;
                            }
                            continue;
                        }
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
                insnStart = start;
                try {
                    // Fast fetch: 64-bit mode, same linear page as the last fetch (so already
                    // canonical and translated), page still valid, instruction already decoded.
                    DecodedPage page = fetchPage;
                    Insn insn;
                    if (mode != MODE_64 || (start >>> 12) != fetchLinearPage || !page.valid
                            || (insn = page.entries[(int) start & 0xfff]) == null) {
                        insn = fetch(start);
                        // Decoded just now (or on a new page). Outside 64-bit mode blocks need flat 32-bit
                        // code, where the offset of EIP in its page is that of the linear address.
                        page = mode == MODE_64 || mode == MODE_32 && flatCode() ? fetchPage : null;
                    }
                    if (blocks != null && page != null) {
                        long ran = blocks.enter(page, (int) start & 0xfff, start, budget);
                        if (ran > 0) {
                            budget -= ran - 1;
                            insn = null;
                        }
                    }
                    if (insn != null) {
                        insnLength = insn.len;
                        state.rip = mode == MODE_64 ? start + insn.len : (start + insn.len) & 0xffffffffL;
                        interpreter.execute(insn);
                        counters.instructions++;
                        counters.cycles += instructionCost;
                    }
                } catch (CpuFault f) {
                    start = insnStart; // a translated block's faulting instruction, else this one
                    budget -= blockRetired();
                    state.rip = start;
                    faultOnUnblockingIret = nmiIret == counters.instructions;
                    nmiIret = -1;
                    if (interpreter.nonRoot && vmx.exception(f, start, insnLength)) {
                        StopReason r = afterVmExit();
                        if (r != null) {
                            return r;
                        }
                        continue;
                    }
                    counters.events++;
                    counters.cycles += eventCost;
                    if (f.vector == Vectors.PF) {
                        counters.pageFaults++;
                    }
                    boolean delivered;
                    try {
                        delivered = events.exception(f, start);
                    } catch (VmExitSignal x) {
                        StopReason r = afterVmExit();
                        if (r != null) {
                            return r;
                        }
                        continue;
                    }
                    if (!delivered) {
                        if (interpreter.nonRoot && vmx.tripleFault()) {
                            StopReason r = afterVmExit();
                            if (r != null) {
                                return r;
                            }
                            continue;
                        }
                        return shutdown("triple fault after " + f.getMessage() + " at rip 0x" + Long.toHexString(start));
                    }
                    interpreter.modeChanged = true;
                } catch (VmExitSignal x) {
                    budget -= blockRetired();
                    StopReason r = afterVmExit();
                    if (r != null) {
                        return r;
                    }
                    continue;
                }
                if (interpreter.modeChanged) {
                    if (interpreter.worldSwitched) {
                        // A VM exit (or entry) reported by the VMX unit's result: the instruction did not
                        // retire, exactly as when it unwinds with VmExitSignal (caught above).
                        interpreter.worldSwitched = false;
                        counters.instructions--;
                        counters.cycles -= instructionCost;
                        StopReason r = afterVmExit();
                        if (r != null) {
                            return r;
                        }
                        continue;
                    }
                    StopReason r = refreshMode();
                    if (r != null) {
                        return r;
                    }
                }
                // Translation cycles accrue only from translations (AddressTranslation contract).
                if (path.translated && path.translation() != null) {
                    path.translated = false;
                    counters.cycles += path.translation().takeCycles();
                }
            }
            return StopReason.INSTRUCTION_LIMIT;
        } catch (VmExitSignal x) {
            StopReason r = afterVmExit();
            return r != null ? r : StopReason.INSTRUCTION_LIMIT;
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

    /**
     * After a VM exit (host state loaded, or a VM-entry failure exit): re-read the mode, and stop the
     * run if a Java monitor asked to get control at exits.
     */
    private StopReason afterVmExit() {
        if (shutdown) {
            return StopReason.SHUTDOWN;
        }
        interpreter.modeChanged = true;
        interpreter.halted = false;
        StopReason r = refreshMode();
        if (r != null) {
            return r;
        }
        if (stopAtVmExit) {
            stopDetail = "VM exit";
            return StopReason.VM_EXIT;
        }
        return null;
    }

    private StopReason shutdown(String why) {
        shutdown = true;
        stopDetail = why;
        return StopReason.SHUTDOWN;
    }

    /** HLT: advance time to the next device event until an interrupt can be taken. */
    private StopReason idle() {
        // In VMX non-root operation an interrupt can end HLT through a VM exit even with IF = 0
        // ("external-interrupt exiting"), and the VMX-preemption timer can (SDM 25.2, 25.5.1).
        boolean nonRoot = interpreter.nonRoot;
        if (nmiPending() && !nmiBlocking.holdsOff()) {
            return null; // an NMI wakes HLT whatever IF says (SDM Vol. 3A 6.7.1, Vol. 2A HLT)
        }
        if ((state.systemFlags() & CpuState.IF) == 0 && !(nonRoot && vmx.interruptsExit())) {
            if (!nonRoot || vmx.nextExitCycle() == Long.MAX_VALUE) {
                stopDetail = "HLT with interrupts disabled";
                return StopReason.HALTED;
            }
        }
        if (interruptPending()) {
            return null;
        }
        long next = platform.nextEventCycle();
        if (nonRoot) {
            next = Math.min(next, vmx.nextExitCycle());
        }
        if (next == Long.MAX_VALUE) {
            stopDetail = "HLT with no timer armed and no interrupt pending";
            return StopReason.HALTED;
        }
        if (next > counters.cycles) {
            counters.cycles = next;
        }
        platform.advanceTo(counters.cycles);
        forgetIntr();
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
        forgetIntr(); // a MOV to CR8 (the APIC's TPR), a VM exit or an event may have changed it
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

    // ---- translated blocks ----

    /**
     * Turns block translation ({@link BlockTranslator}) on or off; on by default unless the system
     * property {@code vtsim.translate} is {@code false}. Either way the model's results are the same:
     * off is for comparing, and for looking at the interpreter alone.
     */
    public void setBlockTranslation(boolean on) {
        blocks = on ? new Blocks(Blocks.HOT) : null;
    }

    /**
     * Block translation with a block made once an instruction has started {@code hotRuns} times
     * (at least 1: then every run of plain instructions is translated the first time it is met, which is
     * how tests drive every instruction through translated code).
     */
    public void setBlockTranslation(int hotRuns) {
        if (hotRuns < 1 || hotRuns > Character.MAX_VALUE) {
            throw new IllegalArgumentException("hot-run threshold out of range 1-65535: " + hotRuns);
        }
        blocks = new Blocks(hotRuns);
    }

    /** Instructions this CPU ran inside translated blocks (the rest ran in the interpreter). */
    public long blockInstructions() {
        return blocks == null ? 0 : blocks.instructions;
    }

    /**
     * CS with base 0 and limit 4 GiB - 1, as flat 32-bit code has it (SDM Vol. 3A 3.2.1): EIP is the linear
     * address and no instruction below 4 GiB passes the limit.
     */
    private boolean flatCode() {
        Segment cs = state.seg[CpuState.CS];
        return cs.base == 0 && cs.limit == 0xffffffffL;
    }

    /** Instructions a translated block retired before the one that faulted or exited (then forgotten). */
    private long blockRetired() {
        if (blocks == null) {
            return 0;
        }
        long k = blocks.retiredBeforeFault;
        blocks.retiredBeforeFault = 0;
        return k;
    }

    /**
     * The core's side of translated blocks: finds (or makes, once an instruction has run
     * {@link #HOT} times) the block at a fetch, runs it when nothing can happen at its instruction
     * boundaries, and keeps the counters, RIP and the instruction start exactly as the one-by-one
     * loop of {@link #run} would have them wherever anything can look.
     */
    private final class Blocks extends BlockContext {
        /** Runs of an instruction in the interpreter before a block is translated from it, by default. */
        static final int HOT = 256;

        private final int hot;

        private long rip0;
        private DecodedPage page;
        private long bound;
        /** Instructions of the running block whose cost is in the counters (the one now announced, at a fault). */
        private int synced;
        long retiredBeforeFault;
        long instructions;

        Blocks(int hot) {
            this.hot = hot;
        }

        /**
         * At an instruction boundary the loop has passed (no event, no exit) with {@code page} the
         * fetch page: runs the block at {@code off} and returns the instructions it ran, or 0 when the
         * interpreter should run this instruction. {@code budget} is what remains after this one.
         */
        long enter(DecodedPage page, int off, long rip, long budget) {
            PageTranslations t = (PageTranslations) page.translations;
            if (t == null) {
                page.translations = t = new PageTranslations();
            }
            TranslatedBlock b = t.block(off);
            if (b == null) {
                if (++t.heat[off] < hot) {
                    return 0;
                }
                decodeAhead(page, off, rip);
                b = BlockTranslator.translate(page.entries, off);
                t.setBlock(off, b);
            }
            // Within a block nothing but time and the instructions' own memory accesses can make a
            // boundary differ from the last one: the instructions a block holds change neither IF, the
            // shadows, HLT, the mode, nor VMX state (BlockTranslator.translatable). The time each
            // boundary is looked at is checked here (for the instructions' fixed cost) and in after()
            // (for what they add).
            if (b.code == null || path.translated || counters.platformTouched || nmiPoll) {
                return 0;
            }

            long limit = nextEvent;
            if (interpreter.nonRoot) {
                if (nmiLatched) {
                    return 0;
                }
                limit = Math.min(limit, vmxQuietUntil);
            }
            this.page = page;
            this.bound = limit;
            long avail = budget + 1; // this instruction's boundary is counted already
            long total = 0;
            long linearPage = rip >>> 12;
            // One block after another while each ends at the boundary the loop would pass without
            // doing anything: the next one's start on this page, translated, and nothing due.
            while (true) {
                int n = b.length;
                if (n > avail || counters.cycles + (n - 1) * instructionCost >= limit) {
                    return total;
                }
                if (mode != MODE_64 && rip + b.bytes > 1L << 32) {
                    // Flat 32-bit code (the only kind that gets here): the block must not wrap EIP.
                    return total;
                }
                rip0 = rip;
                synced = 0;
                int ran;
                try {
                    ran = b.code.run(interpreter, b.insns, this);
                } catch (RuntimeException e) {
                    // Only announced instructions can fault, and before() synced up to the faulting one.
                    instructions += synced;
                    retiredBeforeFault = total + synced;
                    throw e;
                }
                sync(ran);
                instructions += ran;
                total += ran;
                avail -= ran;
                if (ran < n || counters.platformTouched || nmiPoll || !page.valid) {
                    return total;
                }
                if (path.translated && path.translation() != null) {
                    path.translated = false;
                    counters.cycles += path.translation().takeCycles();
                }
                rip = state.rip;
                if (rip >>> 12 != linearPage || (b = t.block((int) rip & 0xfff)) == null || b.code == null) {
                    return total;
                }
            }
        }

        /**
         * Decodes the instructions a block from {@code off} would hold that have not run yet (a hot
         * instruction's successors usually have). Only whole instructions inside the page: one that
         * might cross into the next page would need that page translated, which only a fetch may do.
         */
        private void decodeAhead(DecodedPage page, int off, long rip) {
            long linearPage = rip & ~0xfffL;
            int o = off;
            for (int n = 0; n < BlockTranslator.MAX_INSTRUCTIONS && o <= 4096 - Decoder.MAX_LENGTH; n++) {
                Insn e = page.entries[o];
                if (e == null) {
                    try {
                        e = decodeAt(linearPage | o, page.pageNumber << 12 | o, page, o);
                    } catch (RuntimeException notAnInstruction) {
                        return; // raised if and when it is fetched
                    }
                }
                if (!BlockTranslator.translatable(e) || BlockTranslator.endsBlock(e)) {
                    return;
                }
                o += e.len;
            }
        }

        private void sync(int k) {
            int d = k - synced;
            counters.instructions += d;
            counters.cycles += d * instructionCost;
            synced = k;
        }

        @Override
        public void before(int k, int start, int length) {
            sync(k);
            insnStart = rip0 + start;
            insnLength = length;
            state.rip = insnStart + length;
        }

        @Override
        public boolean after(int remaining) {
            if (path.translated && path.translation() != null) {
                path.translated = false;
                counters.cycles += path.translation().takeCycles();
            }
            // The last instruction ahead starts at the synced count plus the fixed cost of this one and
            // of those before it (their own extra cycles, if any, are checked after them).
            return counters.cycles + remaining * instructionCost >= bound || counters.platformTouched || nmiPoll
                    || !page.valid;
        }

        @Override
        public void fallThrough(int length) {
            state.rip = rip0 + length;
        }
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
        if (interpreter.nonRoot && kind != EventSink.SOFTWARE_INTERRUPT
                && vmx.softwareException(vector, kind == EventSink.PRIVILEGED_SOFTWARE_EXCEPTION, insnStart,
                        insnLength)) {
            throw VmExitSignal.INSTANCE;
        }
        counters.events++;
        counters.cycles += eventCost;
        if (!events.software(vector, kind, insnStart, insnLength)) {
            if (interpreter.nonRoot && vmx.tripleFault()) {
                throw VmExitSignal.INSTANCE;
            }
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
