package org.vtsim.tools;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.BufferedOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vtsim.cost.CostProfile;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.monitor.stats.ChromeTraceWriter;
import org.vtsim.monitor.stats.ExitStatsCsv;
import org.vtsim.monitor.stats.ExitStatsJson;
import org.vtsim.monitor.stats.ExitStatsReport;
import org.vtsim.monitor.stats.PerfKvmTable;
import org.vtsim.machine.RunResult;
import org.vtsim.platform.MemorySize;
import org.vtsim.platform.boot.BootImageException;
import org.vtsim.platform.boot.BootModule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vtsim run IMAGE}: boots an image as {@code qemu-system-x86_64 -kernel IMAGE} would and
 * runs it. stdout carries exactly the guest's serial output; vtsim's own messages and the run
 * summary go to stderr; the exit status is the guest's exit-device status.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a guest image (a multiboot v1 kernel or an x86-64 ELF executable).",
            "IMAGE is a file, or the name of a bundled guest (see 'vtsim guests').",
            "stdout carries the guest's serial output; the summary goes to stderr."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"odd N:the guest's exit-device status ((v << 1) | 1)",
            "2:bad command line or image", "4:the guest shut down (triple fault)",
            "6:the instruction limit or --timeout was reached", "8:the guest hung (halted, nothing can wake it)",
            "10:internal error in vtsim", "12:the guest needed a feature vtsim does not model"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file or bundled guest name.")
    String image;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "native (bare metal, no VMM: the baseline), ept (unmodified guest under the KVM-like "
                    + "monitor in VMX non-root operation with EPT; devices behind VM exits) or shadow (the same "
                    + "monitor with shadow page tables instead of EPT). Default: ept, but native for a guest that "
                    + "needs VMX itself (nested VMX is not modelled).")
    String mode;

    @Option(names = "--progress", paramLabel = "HOW", defaultValue = "auto",
            description = "A progress line on stderr every 5 s of host time: auto (when stderr is a terminal), "
                    + "lines (always) or none. Default: ${DEFAULT-VALUE}.")
    String progress;

    @Option(names = "--no-host-large-pages", description = "Under the monitor, map guest memory with 4 KiB host "
            + "pages only (EPT and the shadow tables use 2 MiB pages where the slot allows by default).")
    boolean noHostLargePages;

    @Option(names = "--stats", description = "After the summary, print the VM-exit statistics on stderr in the "
            + "layout of 'perf kvm stat report' (ept mode).")
    boolean stats;

    @Option(names = "--stats-json", paramLabel = "FILE",
            description = "Write the VM-exit statistics as JSON (schema vtsim-exit-stats/1, docs/exit-stats.md).")
    Path statsJson;

    @Option(names = "--stats-csv", paramLabel = "FILE", description = "Write the VM-exit statistics as CSV.")
    Path statsCsv;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write every VM exit (reason, RIP, qualification, cycles) as a Chrome trace-event JSON "
                    + "file that opens in Perfetto or chrome://tracing.")
    Path trace;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "samples",
            description = "Order of the --stats tables: samples or time. Default: ${DEFAULT-VALUE}.")
    String sort;

    @Option(names = "--vmx", negatable = true,
            description = "Give the CPU VMX (VT-x) so the guest itself can be a hypervisor: CPUID.1:ECX.VMX, "
                    + "CR4.VMXE, the capability MSRs and the VMX instructions. On by default for the bundled "
                    + "VMX guests (vtsim guests), off otherwise: a native run is the baseline.")
    Boolean vmx;

    @Option(names = "--append", paramLabel = "ARGS",
            description = "Kernel command line. Default for a bundled guest: its default arguments.")
    String append;

    @Option(names = "--initrd", paramLabel = "FILE", description = "A boot module (repeatable), as QEMU's -initrd.")
    List<String> initrds = new ArrayList<>();

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", defaultValue = "128M",
            description = "Guest RAM, e.g. 512M or 2G (a bare number means MiB). Default: ${DEFAULT-VALUE}.")
    String memory;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "0",
            description = "Stop after N instructions (0: no limit). Default: ${DEFAULT-VALUE}.")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop after this much host time (0: no limit); the summary is still printed. "
                    + "Default: ${DEFAULT-VALUE}.")
    double timeoutSeconds;

    @Option(names = {"--profile", "--cost-profile"}, paramLabel = "NAME|FILE", description = "Cost profile: a "
            + "bundled one by name (skylake, the default; nehalem) or a properties file overriding items of the "
            + "Skylake profile (see 'vtsim costs').")
    String costProfile;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(err);
        } catch (UsageProblem p) {
            err.println("vtsim: " + p.getMessage());
            return ExitStatus.USAGE;
        }
    }

    private int run(PrintWriter err) throws UsageProblem {
        Mode runMode;
        try {
            runMode = mode == null ? Mode.EPT : Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        ExitStatsReport.Sort order;
        try {
            order = ExitStatsReport.Sort.parse(sort);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem("--sort: " + e.getMessage());
        }
        if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) {
            throw new UsageProblem("--timeout must not be negative");
        }
        if (maxInstructions < 0) {
            throw new UsageProblem("--max-instructions must not be negative");
        }
        long ram;
        try {
            ram = MemorySize.parse(memory);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
        CostProfile costs = CostProfile.skylake();
        if (costProfile != null) {
            try {
                costs = CostProfile.resolve(costProfile);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageProblem("cannot use cost profile " + costProfile + ": " + e.getMessage());
            }
        }
        byte[] bytes;
        String name;
        String args = append;
        Path file = Path.of(image);
        if (Files.isRegularFile(file)) {
            bytes = read(file);
            name = image;
        } else if (Guests.exists(image)) {
            bytes = Guests.image(image);
            name = image;
            if (args == null) {
                args = Guests.defaultArgs(image);
            }
        } else {
            throw new UsageProblem(image + ": no such file, and no bundled guest of that name (bundled: "
                    + String.join(", ", Guests.allNames()) + ")");
        }
        boolean withVmx = vmx != null ? vmx : Guests.needsVmx(image) && !Files.isRegularFile(file);
        if (withVmx && runMode.virtualized()) {
            if (mode != null) {
                throw new UsageProblem("unsupported: --vmx with --mode " + runMode.label() + " (a guest hypervisor "
                        + "under the monitor would need nested VMX); use --mode native");
            }
            runMode = Mode.NATIVE; // the default for a guest that is itself a hypervisor
        }
        boolean wantStats = stats || statsJson != null || statsCsv != null || trace != null;
        if (wantStats && !runMode.virtualized()) {
            throw new UsageProblem("--stats, --stats-json, --stats-csv and --trace need --mode ept or shadow (a "
                    + "native run has no VM exits)");
        }
        List<BootModule> modules = new ArrayList<>();
        for (String spec : initrds) {
            String f = spec.strip().split("\\s+", 2)[0];
            modules.add(new BootModule(f, read(Path.of(f)), spec.strip()));
        }

        OutputStream serial = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12) {
            @Override
            public synchronized void write(int b) throws IOException {
                super.write(b);
                if (b == '\n') {
                    flush();
                }
            }
        };
        MachineConfig config = MachineConfig.defaults(serial)
                .withRam(ram).withCosts(costs).withAppend(args == null ? "" : args)
                .withMaxInstructions(maxInstructions).withModules(modules).withVmx(withVmx).withMode(runMode)
                .withHostLargePages(!noHostLargePages);
        ChromeTraceWriter traceWriter = null;
        if (trace != null) {
            try {
                traceWriter = ChromeTraceWriter.open(trace, config.cpuHz() / 1e6, TRACE_EVENTS);
            } catch (IOException e) {
                throw new UsageProblem(trace + ": cannot write the trace: " + e.getMessage());
            }
            config = config.withTrace(traceWriter);
        }
        Machine machine;
        try {
            machine = Machine.boot(config, name, bytes);
        } catch (BootImageException | IllegalArgumentException | org.vtsim.cpu.UnsupportedFeature e) {
            // UnsupportedFeature: a mode the monitor does not offer yet (shadow paging while it is built).
            if (traceWriter != null) {
                traceWriter.close();
            }
            throw new UsageProblem(e.getMessage());
        }
        // Ctrl-C: stop the guest at the next slice and still print what was gathered.
        CountDownLatch printed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            machine.requestStop();
            try {
                printed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vtsim-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean showProgress = switch (progress) {
            case "auto" -> org.vtsim.tools.study.Progress.stderrIsTerminal();
            case "lines" -> true;
            case "none" -> false;
            default -> throw new UsageProblem("--progress: auto, lines or none, got '" + progress + "'");
        };
        RunResult result;
        try (RunProgress p = showProgress ? RunProgress.start(err, name, machine, 5) : null) {
            result = machine.run((long) (timeoutSeconds * 1e9));
        }
        try {
            serial.flush();
        } catch (IOException e) {
            err.println("vtsim: cannot write the guest's output: " + e.getMessage());
        }
        RunSummary.print(err, name, result);
        if (machine.vm() != null) {
            writeStatistics(err, machine, config, order);
        }
        printed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C arrived: the hook is already running and waits for the summary above.
        }
        return RunSummary.processStatus(result);
    }

    /** At most this many exits go to a trace file (the writer records the truncation). */
    static final long TRACE_EVENTS = 2_000_000;

    /** Statistics and trace, whatever ended the run (the recorder was finished by the machine). */
    private void writeStatistics(PrintWriter err, Machine machine, MachineConfig config, ExitStatsReport.Sort order) {
        ExitStatsReport report = machine.vm().vcpu().recorder().report();
        if (config.trace() != null) {
            config.trace().close();
        }
        if (stats) {
            err.println();
            err.print(PerfKvmTable.format(report, order));
            err.flush();
        }
        write(err, statsJson, () -> ExitStatsJson.format(report, config.cpuHz() / 1e6));
        write(err, statsCsv, () -> ExitStatsCsv.format(report));
    }

    private static void write(PrintWriter err, Path file, java.util.function.Supplier<String> text) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, text.get());
        } catch (IOException e) {
            err.println("vtsim: cannot write " + file + ": " + e.getMessage());
        }
    }

    private static byte[] read(Path p) throws UsageProblem {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UsageProblem(p + ": cannot read: " + e.getMessage());
        }
    }

    /** A problem with the command line or its files: one line, usage status. */
    static final class UsageProblem extends Exception {
        UsageProblem(String message) {
            super(message);
        }
    }
}
