package org.vtsim.machine;

import java.util.OptionalInt;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.PcPlatform;
import org.vtsim.platform.boot.BootImageException;
import org.vtsim.platform.boot.BootLoader;
import org.vtsim.platform.boot.BootResult;

/**
 * One bare-metal PC: a CPU, RAM and the PC platform, booted from an image the way
 * {@code qemu-system-x86_64 -kernel} boots it. The CPU has no VMX unless the configuration asks
 * for it (a guest-side hypervisor); this native run is the baseline every virtualisation overhead
 * is measured against.
 */
public final class Machine {
    /** Instructions per slice of {@link #run()}: small enough to notice an interrupt request soon. */
    private static final long SLICE = 1 << 20;

    private final MachineConfig config;
    private final PhysicalMemory memory;
    private final PcPlatform platform;
    private final Cpu cpu;
    private final BootResult boot;
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
        this.cpu = new Cpu(memory, platform, config.costs());
        if (config.vmx()) {
            org.vtsim.vmx.Vmx.attach(cpu, org.vtsim.vmx.VmxCapabilities.skylake(cpu.cpuidModel()));
        }
        this.boot = new BootLoader(memory, platform.layout())
                .load(name, image, config.append(), config.modules(), cpu.state());
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
            stop = cpu.run(slice);
            if (stop != StopReason.INSTRUCTION_LIMIT) {
                break;
            }
        }
        long hostNanos = System.nanoTime() - start;
        return result(stop, hostNanos);
    }

    private RunResult result(StopReason stop, long hostNanos) {
        OptionalInt exit = platform.exitStatus();
        Outcome outcome;
        String detail = cpu.stopDetail();
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
                // The machine never asks the CPU to stop at VM exits (no Java monitor here yet).
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
                cpu.unimplementedInstructions(), cpu.translationCounters(), hostNanos);
    }
}
