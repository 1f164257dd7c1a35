package org.vtsim.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.NoVmx;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.monitor.MemorySlot;
import org.vtsim.monitor.MonitorArea;
import org.vtsim.monitor.ResetSteps;
import org.vtsim.monitor.Vm;
import org.vtsim.monitor.VmConfig;
import org.vtsim.platform.MemoryLayout;
import org.vtsim.platform.PcPlatform;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.platform.boot.BootImageException;
import org.vtsim.platform.boot.BootLoader;
import org.vtsim.platform.boot.BootResult;

/**
 * One bare-metal PC: a CPU, RAM and the PC platform, booted from an image the way
 * {@code qemu-system-x86_64 -kernel} boots it. The CPU has no VMX unless the configuration asks
 * for it (a guest-side hypervisor); this native run is the baseline every virtualisation overhead
 * is measured against. With {@link Mode#EPT} the same image, loaded the same way, runs unmodified
 * under the monitor ({@link Vm}): the loader's processor state becomes the guest state of the VMCS,
 * the devices sit behind VM exits.
 *
 * <p>{@link #reset()} is a system reset (QEMU's {@code system_reset} of a machine booted with
 * {@code -kernel}): the next {@link #run()} is a fresh boot of the same image and command line.
 */
public final class Machine {
    /** Instructions per slice of {@link #run()}: small enough to notice an interrupt request soon. */
    private static final long SLICE = 1 << 20;

    private final MachineConfig config;
    private final String name;
    private final byte[] image;
    private final PhysicalMemory memory;
    /** The devices as the processor reaches them; {@link #reset()} plugs in new ones. */
    private final PlatformSocket socket;
    private PcPlatform platform;
    private final Cpu cpu;
    /** The processor's VMX unit (the monitor's, or a guest hypervisor's natively), else null. */
    private Vmx vmx;
    private BootResult boot;
    /** The monitor's VM under {@link Mode#EPT} or {@link Mode#SHADOW}, else null. */
    private final Vm vm;
    /** The vCPU {@link #reset()} retired, with the statistics of the run before it; null before a reset. */
    private org.vtsim.monitor.Vcpu previousVcpu;
    /**
     * The processor's translation counters at the last reset: the MMU keeps them for its lifetime, a run's
     * result reports them from the boot on.
     */
    private java.util.Map<String, Long> translationAtReset = java.util.Map.of();
    /**
     * The translation counters a new processor has before the boot loader runs (wiring it invalidates its
     * TLBs): a reset counts from the same point, so its run reports what a fresh boot's run reports.
     */
    private final java.util.Map<String, Long> translationAtPowerOn;
    private volatile boolean interruptRequested;
    /** A run ended since the boot or the last reset (its statistics are final). */
    private boolean ran;
    private boolean timedOut;

    private Machine(MachineConfig config, String name, byte[] image) throws BootImageException {
        this.config = config;
        this.name = name;
        this.image = image.clone();
        this.memory = new SparseMemory();
        this.platform = buildPlatform();
        this.socket = new PlatformSocket(platform);
        // Natively the CPU sees the PC's physical address space (RAM per the layout, unassigned memory
        // reading all ones); under the monitor it sees host memory, and the monitor gives the guest its slots.
        this.cpu = new Cpu(config.mode().virtualized() ? memory : platform.addressSpace(), socket, config.costs());
        if (config.vmx() && config.mode() != Mode.NATIVE) {
            throw new IllegalArgumentException("unsupported: a guest hypervisor (VMX for the guest) under the monitor: "
                    + "nested VMX is not modelled; run it with mode native");
        }
        if (config.vmx() || config.mode().virtualized()) {
            vmx = Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel()));
        }
        this.translationAtPowerOn = cpu.translationCounters();
        this.boot = new BootLoader(memory, platform.layout())
                .load(name, image, config.append(), config.modules(), cpu.state());
        this.vm = config.mode().virtualized() ? createVm(vmx) : null;
    }

    /** The PC's devices in their power-on state (and the firmware hand-off {@link PcPlatform} models). */
    private PcPlatform buildPlatform() {
        return PcPlatform.builder()
                .memory(memory)
                .ramSize(config.ramBytes())
                .cpuHz(config.cpuHz())
                .serialOut(config.serialOut())
                .epoch(config.epoch())
                .cmdline(config.append())
                .build();
    }

    /** Monitor-owned host memory: at 32 GiB, far above any guest RAM this machine gives. */
    static final long MONITOR_AREA = 32L << 30;

    /**
     * The guest's RAM as memory slots backed 1:1 by host memory (so the boot loader's writes are the
     * guest's memory), the monitor's area above it, and the VM built from the loader's processor state.
     */
    private Vm createVm(Vmx vmx) {
        MemoryLayout layout = platform.layout();
        List<MemorySlot> slots = new ArrayList<>();
        slots.add(new MemorySlot(0, layout.ramBelow4g(), 0));
        if (layout.ramAbove4g() > 0) {
            slots.add(new MemorySlot(MemoryLayout.FOUR_GIB, layout.ramAbove4g(), MemoryLayout.FOUR_GIB));
        }
        if (layout.topOfRam() > MONITOR_AREA) {
            throw new IllegalArgumentException("unsupported: more than 32 GiB of guest RAM under the monitor");
        }
        return Vm.create(cpu, vmx, slots, new MonitorArea(MONITOR_AREA), VmConfig.defaults().withTrace(config.trace())
                .withShadowPaging(config.mode() == Mode.SHADOW).withHostLargePages(config.hostLargePages()));
    }

    /** The monitor's VM under {@link Mode#EPT} or {@link Mode#SHADOW}, else null. */
    public Vm vm() {
        return vm;
    }

    /**
     * Loads {@code image} into a fresh machine.
     *
     * @param name the image's name, shown in errors and passed as the first word of the command
     *     line (as QEMU passes the kernel's path)
     * @throws BootImageException if the image is malformed, truncated, not a multiboot kernel or
     *     ELF64 executable, or does not fit the configured RAM (one-line message)
     */
    public static Machine boot(MachineConfig config, String name, byte[] image) throws BootImageException {
        return new Machine(config, name, image);
    }

    public Cpu cpu() {
        return cpu;
    }

    /** The devices; {@link #reset()} replaces them with power-on ones, so take them again after a reset. */
    public PcPlatform platform() {
        return platform;
    }

    public BootResult bootResult() {
        return boot;
    }

    public MachineConfig config() {
        return config;
    }

    /**
     * A system reset, as QEMU's {@code system_reset} of a machine booted with {@code -kernel}: the next
     * {@link #run()} behaves exactly as the first run of a freshly booted machine of the same configuration
     * and image — the same serial output, exit status, instructions, cycles, translation counters, exits by
     * reason. What goes back to the boot state:
     * <ul>
     *   <li>RAM: zeroed, and the image, its modules, multiboot information and command line placed again by
     *       the boot loader;</li>
     *   <li>the devices: a new {@link PcPlatform} in its power-on state ({@link #platform()} returns it; the
     *       serial output keeps going to the configured stream);</li>
     *   <li>the processor: the register state the loader set, MSRs at their power-on values, no cached
     *       translation or decoded instruction of the old guest, and its clock and counters from zero (the
     *       TSC is zero after RESET, SDM Vol. 3B 17.17);</li>
     *   <li>under the monitor, the VM ({@link Vm#reset}): EPT or the shadow MMU empty, a fresh VMCS entered
     *       by VMLAUNCH, and a new vCPU whose exit statistics start from zero; the retired one, with the
     *       statistics of the run before the reset, is {@link #previousVcpu()}.</li>
     * </ul>
     * Call it between runs (not from another thread while {@link #run()} runs).
     *
     * @throws UnsupportedOperationException natively, after the processor shut down (the CPU model has no
     *     RESET that leaves shutdown) or while the guest's own hypervisor is in VMX operation (the VMX unit
     *     has no RESET either); boot a new machine instead
     */
    public void reset() {
        if (vm != null) {
            previousVcpu = vm.reset(this::powerOn);
        } else {
            resetNative();
        }
        interruptRequested = false;
        ran = false;
        timedOut = false;
    }

    /** The vCPU the last {@link #reset()} retired (its recorder holds the run before the reset), else null. */
    public org.vtsim.monitor.Vcpu previousVcpu() {
        return previousVcpu;
    }

    private void resetNative() {
        if (cpu.isShutdown()) {
            throw new UnsupportedOperationException("unsupported: reset of a processor in shutdown (the CPU model "
                    + "has no RESET to leave it, SDM Vol. 3A 9.1); boot a new Machine");
        }
        if (vmx != null && vmx.inVmxOperation()) {
            throw new UnsupportedOperationException("unsupported: reset while the guest is in VMX operation (the "
                    + "VMX unit has no RESET); boot a new Machine");
        }
        MemoryLayout layout = platform.layout();
        ResetSteps.zero(memory, 0, layout.ramBelow4g());
        if (layout.ramAbove4g() > 0) {
            ResetSteps.zero(memory, MemoryLayout.FOUR_GIB, layout.ramAbove4g());
        }
        ResetSteps.powerOnProcessor(cpu, vmx != null ? vmx : NoVmx.INSTANCE, vmx != null ? vmx.nestedMmu() : null);
        if (vmx != null) {
            vmx = Vmx.attach(cpu, vmx.capabilities()); // a new VMX unit: out of VMX operation, as at power-on
        }
        ResetSteps.copyState(new org.vtsim.cpu.CpuState(), cpu.state());
        // The decode mode and paging are re-read at the next run (the loader's registers land in powerOn).
        cpu.controlRegistersLoaded();
        powerOn();
    }

    /**
     * The machine's part of a reset, between the processor's and the VM's: the processor's clock and counters
     * from zero, power-on devices, and the image placed again (into the processor's registers natively; under
     * the monitor the VM loads the state the loader gave it at boot, which the same loader reproduces).
     */
    private void powerOn() {
        cpu.counters().reset(); // the next run asks the new devices for their next event
        translationAtReset = sinceReset(cpu.translationCounters(), translationAtPowerOn);
        platform = buildPlatform();
        socket.plug(platform);
        org.vtsim.cpu.CpuState target = vm != null ? new org.vtsim.cpu.CpuState() : cpu.state();
        try {
            boot = new BootLoader(memory, platform.layout()).load(name, image, config.append(), config.modules(),
                    target);
        } catch (BootImageException e) {
            // The same loader placed the same image at boot.
            throw new IllegalStateException("the boot image no longer loads: " + e.getMessage(), e);
        }
    }

    /** Asks a running {@link #run()} to stop at the next slice boundary (e.g. on Ctrl-C). */
    public void requestStop() {
        interruptRequested = true;
    }

    /**
     * Runs the guest until it exits through the exit device, shuts down, hangs, meets an
     * unsupported feature, or uses up the instruction limit. Never throws for anything the
     * guest does.
     */
    public RunResult run() {
        return run(0);
    }

    /**
     * As {@link #run()}, but also stops once {@code hostNanosLimit} of host time have passed
     * (0: no host-time limit), for batch users whose guest may loop forever.
     */
    public RunResult run(long hostNanosLimit) {
        if (ran) {
            // The run's statistics and trace were ended and written; a run is one boot (or reset) to its end.
            throw new IllegalStateException("this machine has already run: reset() it, or boot a new one");
        }
        ran = true;
        long limit = config.maxInstructions() == 0 ? Long.MAX_VALUE : config.maxInstructions();
        long start = System.nanoTime();
        StopReason stop = StopReason.INSTRUCTION_LIMIT;
        while (cpu.instructions() < limit && !interruptRequested) {
            if (hostNanosLimit > 0 && System.nanoTime() - start >= hostNanosLimit) {
                timedOut = true;
                break;
            }
            long slice = Math.min(SLICE, limit - cpu.instructions());
            stop = vm != null ? vm.vcpu().run(slice) : cpu.run(slice);
            if (stop != StopReason.INSTRUCTION_LIMIT) {
                break;
            }
        }
        long hostNanos = System.nanoTime() - start;
        if (vm != null) {
            vm.vcpu().finish(); // the statistics end here, whatever ended the run
        }
        return result(stop, hostNanos);
    }

    private RunResult result(StopReason stop, long hostNanos) {
        OptionalInt exit = platform.exitStatus();
        Outcome outcome;
        String detail = vm != null ? vm.vcpu().stopDetail() : cpu.stopDetail();
        if (exit.isPresent()) {
            outcome = Outcome.GUEST_EXIT;
        } else {
            outcome = switch (stop) {
                case INSTRUCTION_LIMIT -> Outcome.LIMIT_REACHED;
                case HALTED -> Outcome.HUNG;
                case SHUTDOWN -> Outcome.SHUTDOWN;
                case UNSUPPORTED -> Outcome.UNSUPPORTED;
                case INTERNAL_ERROR -> Outcome.INTERNAL_ERROR;
                case PLATFORM_STOP -> Outcome.SHUTDOWN;
                // The monitor handles every VM exit; one reaching here is a bug.
                case VM_EXIT -> Outcome.INTERNAL_ERROR;
            };
            if (timedOut && stop == StopReason.INSTRUCTION_LIMIT) {
                detail = "host time limit reached";
            } else if (interruptRequested && stop == StopReason.INSTRUCTION_LIMIT) {
                detail = "stopped on request";
            } else if (stop == StopReason.INSTRUCTION_LIMIT) {
                detail = "instruction limit of " + config.maxInstructions() + " reached";
            } else if (stop == StopReason.PLATFORM_STOP) {
                detail = platform.stopReason();
            }
        }
        return new RunResult(outcome, exit.orElse(-1), detail, cpu.instructions(), cpu.cycles(),
                cpu.unimplementedInstructions(), sinceReset(cpu.translationCounters(), translationAtReset), hostNanos,
                config.mode(),
                vm == null ? 0 : vm.vcpu().exits(), vm == null ? 0 : vm.vcpu().idleCycles(), memoryCounters(),
                vm == null || outcome == Outcome.GUEST_EXIT ? "" : vm.vcpu().report());
    }

    /**
     * Counts since the last reset: {@code now} less {@code atReset} by name.
     */
    private static java.util.Map<String, Long> sinceReset(java.util.Map<String, Long> now,
            java.util.Map<String, Long> atReset) {
        if (atReset.isEmpty()) {
            return now;
        }
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        now.forEach((k, v) -> {
            m.put(k, v - atReset.getOrDefault(k, 0L));
        });
        return m;
    }

    private java.util.Map<String, Long> memoryCounters() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        long injected = 0;
        if (vm != null) {
            m.putAll(vm.memoryCounters());
            injected = vm.vcpu().injectedPageFaults();
        }
        m.put("guest.pageFaults", cpu.counters().pageFaults + injected);
        return m;
    }
}
