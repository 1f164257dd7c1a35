package org.vtsim.machine;

import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.vtsim.cost.CostProfile;
import org.vtsim.monitor.stats.ExitSink;
import org.vtsim.platform.PcPlatform;
import org.vtsim.platform.boot.BootModule;

/**
 * Everything that determines a run besides the image: same configuration and image, same
 * cycles and same output (runs are deterministic).
 *
 * @param ramBytes guest RAM
 * @param cpuHz simulated CPU clock, converting device clocks to cycles
 * @param costs the cost profile
 * @param append the kernel command line (without the image name: the loader prepends it, as QEMU does)
 * @param modules boot modules ({@code --initrd})
 * @param maxInstructions instruction budget; 0 means no limit
 * @param epoch the RTC's wall-clock time at cycle 0
 * @param serialOut where COM1's output goes
 * @param vmx whether the CPU has VMX (a VMX unit with the default capabilities, for guest-side
 *     hypervisors); off by default so native runs stay the baseline
 * @param mode native, or under the monitor with EPT (the guest then sees no VMX: {@code vmx} with
 *     {@link Mode#EPT} would be nested virtualization, which the monitor does not offer)
 * @param trace receives every exit of a run under the monitor (a Chrome trace writer), or null
 * @param hostLargePages whether the monitor maps guest memory with 2 MiB pages where the guest and host
 *     ranges allow (EPT large pages, shadow 2 MiB leaves for the guest's 2 MiB pages); false forces 4 KiB
 */
public record MachineConfig(long ramBytes, long cpuHz, CostProfile costs, String append, List<BootModule> modules,
        long maxInstructions, Instant epoch, OutputStream serialOut, boolean vmx, Mode mode, ExitSink trace,
        boolean hostLargePages) {
    public MachineConfig {
        Objects.requireNonNull(costs, "costs");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(serialOut, "serialOut");
        append = append == null ? "" : append;
        modules = List.copyOf(modules);
        if (maxInstructions < 0) {
            throw new IllegalArgumentException("instruction limit must not be negative: " + maxInstructions);
        }
    }

    /** The defaults: QEMU's 128 MiB, 2 GHz, the Skylake profile, no limit, a fixed epoch, native. */
    public static MachineConfig defaults(OutputStream serialOut) {
        return new MachineConfig(PcPlatform.DEFAULT_RAM, PcPlatform.DEFAULT_CPU_HZ, CostProfile.skylake(), "",
                List.of(), 0, PcPlatform.DEFAULT_EPOCH, serialOut, false, Mode.NATIVE, null, true);
    }

    public MachineConfig withMode(Mode m) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, modules, maxInstructions, epoch, serialOut, vmx, m,
                trace, hostLargePages);
    }

    public MachineConfig withTrace(ExitSink sink) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, modules, maxInstructions, epoch, serialOut, vmx, mode,
                sink, hostLargePages);
    }

    public MachineConfig withAppend(String text) {
        return new MachineConfig(ramBytes, cpuHz, costs, text, modules, maxInstructions, epoch, serialOut, vmx, mode,
                trace, hostLargePages);
    }

    public MachineConfig withRam(long bytes) {
        return new MachineConfig(bytes, cpuHz, costs, append, modules, maxInstructions, epoch, serialOut, vmx, mode,
                trace, hostLargePages);
    }

    public MachineConfig withCosts(CostProfile p) {
        return new MachineConfig(ramBytes, cpuHz, p, append, modules, maxInstructions, epoch, serialOut, vmx, mode,
                trace, hostLargePages);
    }

    public MachineConfig withMaxInstructions(long n) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, modules, n, epoch, serialOut, vmx, mode, trace,
                hostLargePages);
    }

    public MachineConfig withModules(List<BootModule> m) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, m, maxInstructions, epoch, serialOut, vmx, mode,
                trace, hostLargePages);
    }

    public MachineConfig withVmx(boolean on) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, modules, maxInstructions, epoch, serialOut, on, mode,
                trace, hostLargePages);
    }

    public MachineConfig withHostLargePages(boolean on) {
        return new MachineConfig(ramBytes, cpuHz, costs, append, modules, maxInstructions, epoch, serialOut, vmx, mode,
                trace, on);
    }
}
