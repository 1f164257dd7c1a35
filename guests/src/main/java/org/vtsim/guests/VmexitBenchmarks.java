package org.vtsim.guests;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exit microbenchmarks of the {@code vmexit} guest (guests/workloads/vmexit.c) and a reader for
 * the lines it prints. Each test runs one exiting instruction {@code iters} times (the HLT test
 * {@code hlt_iters} times) and prints
 *
 * <pre>
 *   NAME: N iterations, C cycles/op     (default)
 *   NAME: N iterations                  (with the "quiet" parameter, as in images/vmexit.args)
 *   vmcall: not in a VM                 (VMCALL raised #UD: not in VMX non-root operation)
 * </pre>
 *
 * C is measured by the guest with RDTSC, loop and call overhead subtracted, as kvm-unit-tests'
 * x86/vmexit.c measures; it depends on the CPU, the VMM and the cost profile, which is why the
 * expected output is produced quiet.
 */
public final class VmexitBenchmarks {

    /** A test and the basic exit reason (SDM Vol. 3C Appendix C) each of its operations causes under a VMM. */
    public record Test(String name, int exitReason, String operation) {
    }

    /** In the order the guest runs them. */
    public static final List<Test> TESTS = List.of(
            new Test("cpuid", 10, "CPUID leaf 0"),
            new Test("vmcall", 18, "VMCALL with RAX = 0"),
            new Test("out_0x80", 30, "OUT imm8 to port 0x80"),
            new Test("in_0x3ff", 30, "IN from port 0x3ff (16550 scratch register)"),
            new Test("rdmsr_apic_base", 31, "RDMSR of IA32_APIC_BASE (0x1b)"),
            new Test("wrmsr_apic_base", 32, "WRMSR of IA32_APIC_BASE with its value"),
            new Test("mov_to_cr8", 28, "MOV to CR8 of 0"),
            new Test("hlt_apic_timer", 12, "arm the one-shot APIC timer, STI; HLT until its interrupt"));

    /**
     * One result line.
     *
     * @param cyclesPerOp empty when the run was quiet or the test could not run
     * @param notInVm the VMCALL test found no VMM
     */
    public record Result(String name, long iterations, OptionalLong cyclesPerOp, boolean notInVm) {
    }

    private static final Pattern LINE =
            Pattern.compile("([a-z0-9_]+): (\\d+) iterations(?:, (\\d+) cycles/op)?");

    private VmexitBenchmarks() {
    }

    /** The result lines of a {@code vmexit} run's serial output, in order; other lines are skipped. */
    public static List<Result> parse(String output) {
        List<Result> out = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.equals("vmcall: not in a VM")) {
                out.add(new Result("vmcall", 0, OptionalLong.empty(), true));
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.matches() && TESTS.stream().anyMatch(t -> t.name().equals(m.group(1)))) {
                out.add(new Result(m.group(1), Long.parseLong(m.group(2)),
                        m.group(3) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(3))), false));
            }
        }
        return out;
    }
}
