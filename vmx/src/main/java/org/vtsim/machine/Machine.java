package org.vtsim.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.monitor.MemorySlot;
import org.vtsim.monitor.MonitorArea;
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
 */
public final class Machine {
    /** Instructions per slice of {@link #run()}: small enough to notice an interrupt request soon. */
    private static final long SLICE = 1 << 20;

    private final MachineConfig config;
    private final PhysicalMemory memory;
    private final PcPlatform platform;
    private final Cpu cpu;
    private final BootResult boot;
    /** The monitor's VM under {@link Mode#EPT} or {@link Mode#SHADOW}, else null. */
    private final Vm vm;
    private volatile boolean interruptRequested;
    private boolean timedOut;

    private Machine(MachineConfig config, String name, byte[] image) throws BootImageException {
        this.config = config;
        this.memory = new SparseMemory();
        this.platform = PcPlatform.builder()
                .memory(memory)
                .ramSize(config.ramBytes())
                .cpuHz(config.cpuHz())
                .serialOut(config.serialOut())
                .epoch(config.epoch())
                .cmdline(config.append())
                .build();
        // Natively the CPU sees the PC's physical address space (RAM per the layout, unassigned memory
        // reading all ones); under the monitor it sees host memory, and the monitor gives the guest its slots.
        this.cpu = new Cpu(config.mode().virtualized() ? memory : platform.addressSpace(), platform, config.costs());
        if (config.vmx() && config.mode() != Mode.NATIVE) {
            throw new IllegalArgumentException("unsupported: a guest hypervisor (VMX for the guest) under the monitor: "
                    + "nested VMX is not modelled; run it with mode native");
        }
        Vmx vmx = null;
        if (config.vmx() || config.mode().virtualized()) {
            vmx = Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel()));
        }
        this.boot = new BootLoader(memory, platform.layout())
                .load(name, image, config.append(), config.modules(), cpu.state());
        this.vm = config.mode().virtualized() ? createVm(vmx) : null;
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

    public PcPlatform platform() {
        return platform;
    }

    public BootResult bootResult() {
        return boot;
    }

    public MachineConfig config() {
        return config;
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
                cpu.unimplementedInstructions(), cpu.translationCounters(), hostNanos, config.mode(),
                vm == null ? 0 : vm.vcpu().exits(), vm == null ? 0 : vm.vcpu().idleCycles(), memoryCounters(),
                vm == null || outcome == Outcome.GUEST_EXIT ? "" : vm.vcpu().report());
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
