package org.vtsim.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.vtsim.cost.CostProfile;
import org.vtsim.guests.Guests;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.platform.MemorySize;
import org.vtsim.tools.study.Measurement;
import org.vtsim.tools.study.Progress;
import org.vtsim.tools.study.RunListener;
import org.vtsim.tools.study.Study;
import org.vtsim.tools.study.StudyOutput;
import org.vtsim.tools.study.StudyRunner;
import org.vtsim.tools.study.SweepPoint;
import org.vtsim.tools.study.TextReport;
import org.vtsim.tools.study.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vtsim compare}: the memory-virtualization study. Runs every workload (at every sweep point) under
 * every mode, in parallel, and prints per workload cycles, overhead vs native, exits by reason, TLB misses,
 * walk references per miss, guest page faults and the monitor's memory counters; with {@code --out} also
 * writes results.csv, results.json, SVG plots and index.html. A run that fails is a cell, never the end of
 * the study.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run workloads under several modes (native, ept, shadow) and compare them.",
            "WORKLOAD is a bundled guest name or an image file, optionally followed by its kernel arguments in "
                    + "the same shell word ('memwalk ws=1m'), which replace the guest's default arguments.",
            "Tables go to stdout, progress to stderr."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every run ended with the guest's success status", "2:bad command line or image",
            "16:some run did not (its cell says why; everything gathered is still written)"})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "WORKLOAD", description = "Bundled guest or image file, "
            + "with optional arguments: 'NAME [key=value...]'.")
    List<String> workloads;

    @Option(names = "--mode", paramLabel = "MODES", split = ",", defaultValue = "native,ept,shadow",
            description = "Comma-separated modes: native, ept, shadow. Overhead is relative to native, so list "
                    + "native to get it. Default: ${DEFAULT-VALUE}.")
    List<String> modes;

    @Option(names = "--out", paramLabel = "DIR", description = "Write results.csv, results.json, the SVG plots and "
            + "index.html into DIR (created if missing).")
    Path out;

    @Option(names = "--sweep", paramLabel = "NAME=V1,V2,...",
            description = "Run each workload once per value of a guest parameter passed on the kernel command line "
                    + "(e.g. ws=256k,1m,4m for memwalk, rounds=10,50,100 for pt-churn, pages=4k,2m), or of "
                    + "host-pages=4k,2m (the monitor's mapping size).")
    String sweep;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Runs in parallel. Default: the number of "
            + "available processors.")
    Integer jobs;

    @Option(names = "--append", paramLabel = "ARGS", description = "Kernel arguments appended to every workload's "
            + "(default or inline) arguments; the guest kit takes the last occurrence of a key.")
    String append;

    @Option(names = "--max-instructions", paramLabel = "N", defaultValue = "0",
            description = "Stop each run after N instructions (0: no limit). Default: ${DEFAULT-VALUE}.")
    long maxInstructions;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop each run after this much host time (0: no limit). Default: ${DEFAULT-VALUE}.")
    double timeoutSeconds;

    @Option(names = "--no-host-large-pages", description = "The monitor maps guest memory with 4 KiB pages only "
            + "(EPT and shadow), instead of 2 MiB pages where guest and host ranges allow.")
    boolean noHostLargePages;

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", defaultValue = "128M",
            description = "Guest RAM of every run. Default: ${DEFAULT-VALUE}.")
    String memory;

    @Option(names = {"--profile", "--cost-profile"}, paramLabel = "NAME|FILE", description = "Cost profile: a "
            + "bundled one by name (skylake, the default; nehalem) or a properties file overriding items of the "
            + "Skylake profile (see 'vtsim costs').")
    String costProfile;

    @Option(names = "--no-plots", description = "Write only results.csv and results.json (no SVG, no index.html).")
    boolean noPlots;

    @Option(names = "--progress", paramLabel = "HOW", defaultValue = "auto",
            description = "auto (a bar if stderr is a terminal, else a line per run), bar, lines or none. "
                    + "Default: ${DEFAULT-VALUE}.")
    String progress;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(err, spec.commandLine().getOut());
        } catch (RunCommand.UsageProblem p) {
            err.println("vtsim: " + p.getMessage());
            err.flush();
            return ExitStatus.USAGE;
        }
    }

    private int run(PrintWriter err, PrintWriter stdout) throws RunCommand.UsageProblem {
        List<Mode> modeList = parseModes();
        List<Workload> list = parseWorkloads();
        String sweepName = null;
        List<String> sweepValues = List.of();
        if (sweep != null) {
            int eq = sweep.indexOf('=');
            if (eq <= 0 || eq == sweep.length() - 1) {
                throw new RunCommand.UsageProblem("--sweep: expected NAME=V1,V2,... , got '" + sweep + "'");
            }
            sweepName = sweep.substring(0, eq).strip();
            if (!sweepName.matches("[A-Za-z0-9_.-]+")) {
                throw new RunCommand.UsageProblem("--sweep: '" + sweepName + "' is not a parameter name");
            }
            List<String> values = new ArrayList<>();
            for (String v : sweep.substring(eq + 1).split(",")) {
                v = v.strip();
                if (v.isEmpty() || v.contains(" ") || v.contains("=")) {
                    throw new RunCommand.UsageProblem("--sweep: bad value '" + v + "' in '" + sweep + "'");
                }
                if (values.contains(v)) {
                    throw new RunCommand.UsageProblem("--sweep: value '" + v + "' given twice");
                }
                values.add(v);
            }
            if (sweepName.equals(SweepPoint.HOST_PAGES)) {
                for (String v : values) {
                    if (!v.equalsIgnoreCase("4k") && !v.equalsIgnoreCase("2m")) {
                        throw new RunCommand.UsageProblem("--sweep host-pages: values are 4k and 2m, got '" + v + "'");
                    }
                }
                if (noHostLargePages) {
                    throw new RunCommand.UsageProblem("--sweep host-pages and --no-host-large-pages contradict "
                            + "each other");
                }
            }
            sweepValues = values;
        }
        if (timeoutSeconds < 0 || Double.isNaN(timeoutSeconds)) {
            throw new RunCommand.UsageProblem("--timeout must not be negative");
        }
        if (maxInstructions < 0) {
            throw new RunCommand.UsageProblem("--max-instructions must not be negative");
        }
        int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (threads < 1) {
            throw new RunCommand.UsageProblem("--jobs must be at least 1");
        }
        boolean bar = switch (progress) {
            case "auto" -> Progress.stderrIsTerminal();
            case "bar" -> true;
            case "lines", "none" -> false;
            default -> throw new RunCommand.UsageProblem("--progress: auto, bar, lines or none, got '" + progress + "'");
        };
        long ram;
        try {
            ram = MemorySize.parse(memory);
        } catch (IllegalArgumentException e) {
            throw new RunCommand.UsageProblem(e.getMessage());
        }
        CostProfile costs = CostProfile.skylake();
        if (costProfile != null) {
            try {
                costs = CostProfile.resolve(costProfile);
            } catch (IOException | IllegalArgumentException e) {
                throw new RunCommand.UsageProblem("cannot use cost profile " + costProfile + ": " + e.getMessage());
            }
        }
        Study study = new Study(list, modeList, sweepName, sweepValues, !noHostLargePages);
        MachineConfig base = MachineConfig.defaults(java.io.OutputStream.nullOutputStream()).withRam(ram)
                .withCosts(costs).withMaxInstructions(maxInstructions);

        int total = StudyRunner.distinct(study.runs()).size();
        Progress prog = progress.equals("none") ? null : new Progress(err, total, bar);
        StudyRunner runner = new StudyRunner(base, threads, (long) (timeoutSeconds * 1e9),
                prog == null ? RunListener.NONE : prog);
        // Ctrl-C: stop the runs in flight at their next slice and still print and write what was gathered.
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.stop();
            try {
                written.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vtsim-compare-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Map<String, Measurement> measured = runner.runAll(study.runs());
            if (prog != null) {
                prog.close();
            }
            List<Study.Result> results = study.results(measured);
            stdout.print(TextReport.format(study, results));
            stdout.flush();
            if (out != null) {
                String command = "vtsim " + String.join(" ", quoted(spec.commandLine().getParseResult()
                        .originalArgs()));
                try {
                    List<Path> files = StudyOutput.write(out, command, study, results, !noPlots);
                    err.println("vtsim: wrote " + files.size() + " files to " + out
                            + (noPlots ? "" : " (open " + out.resolve("index.html") + ")"));
                } catch (IOException e) {
                    err.println("vtsim: cannot write " + out + ": " + e.getMessage());
                    err.flush();
                    return ExitStatus.USAGE;
                }
            }
            err.flush();
            boolean allOk = measured.values().stream().allMatch(m -> m.completed() && m.exitStatus() == 1);
            return allOk ? ExitStatus.OK : ExitStatus.STUDY_INCOMPLETE;
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C arrived: the hook is running and waited for the output above.
            }
        }
    }

    private List<Mode> parseModes() throws RunCommand.UsageProblem {
        Set<Mode> seen = new LinkedHashSet<>();
        for (String m : modes) {
            Mode mode;
            try {
                mode = Mode.parse(m.strip());
            } catch (IllegalArgumentException e) {
                throw new RunCommand.UsageProblem("--mode: " + e.getMessage());
            }
            if (!seen.add(mode)) {
                throw new RunCommand.UsageProblem("--mode: " + mode.label() + " given twice");
            }
        }
        if (seen.isEmpty()) {
            throw new RunCommand.UsageProblem("--mode: no mode given");
        }
        return new ArrayList<>(seen);
    }

    private List<Workload> parseWorkloads() throws RunCommand.UsageProblem {
        List<Workload> list = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (String w : workloads) {
            String[] words = w.strip().split("\\s+", 2);
            String image = words[0];
            String inline = words.length > 1 ? words[1].strip() : null;
            Path file = Path.of(image);
            byte[] bytes;
            String args;
            boolean vmx;
            if (Files.isRegularFile(file)) {
                try {
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    throw new RunCommand.UsageProblem(file + ": cannot read: " + e.getMessage());
                }
                args = inline == null ? "" : inline;
                vmx = false;
            } else if (Guests.exists(image)) {
                bytes = Guests.image(image);
                args = inline == null ? Guests.defaultArgs(image) : inline;
                vmx = Guests.needsVmx(image);
            } else {
                throw new RunCommand.UsageProblem(image + ": no such file, and no bundled guest of that name "
                        + "(bundled: " + String.join(", ", Guests.allNames()) + ")");
            }
            String label = inline == null ? image : image + " " + inline.replaceAll("\\s+", " ");
            if (!labels.add(label)) {
                throw new RunCommand.UsageProblem("workload '" + label + "' given twice");
            }
            list.add(new Workload(label, image, bytes, args, vmx).withMoreArgs(append));
        }
        return list;
    }

    private static List<String> quoted(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(a.matches("[A-Za-z0-9_./=,:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return out;
    }
}
