package org.vtsim.guests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bundled guest workloads: multiboot v1 images (ELF32 wrapping x86-64 code) built by
 * {@code make -C guests}, their default command lines, and the output each must print.
 *
 * <p>Images run the same under {@code qemu-system-x86_64 -kernel IMAGE -append ARGS} and under
 * vtsim. Every workload ends through the isa-debug-exit device at port 0xf4; a guest exit code
 * of 0 means success, which QEMU (and vtsim) report as process status {@code (0 << 1) | 1 = 1}.
 */
public final class Guests {

    /**
     * Workloads that run natively on any x86-64 CPU, in the order they are documented in
     * guests/README.md. Their expected output comes from host builds of the same C. {@code vmexit}
     * (the exit microbenchmarks, see {@link VmexitBenchmarks}) runs natively too and is byte-comparable
     * because its default arguments say {@code quiet}.
     */
    public static final List<String> NAMES =
            List.of("hello", "compute", "memwalk", "pt-churn", "io", "timer", "syscall", "vmexit");

    /**
     * Workloads that need VMX: they run in VMX root operation (VMXON, VMLAUNCH of a nested
     * guest) and end with a failure status on a CPU without it. Kept out of {@link #NAMES},
     * which the native-run tests iterate. Their expected output is written from the Intel SDM
     * for the model CPU's capability MSRs; see guests/README.md.
     */
    public static final List<String> VMX_NAMES = List.of("vmx-basic");

    /**
     * Workloads that only make sense on a (virtual) machine and have no host build: {@code hostile}
     * (writes garbage to every port and many MSRs, scans guest-physical memory far beyond its RAM,
     * then never stops), for the monitor's resource-control check. Kept out of {@link #NAMES}: it
     * never exits, so the native-run and equivalence tests cannot run it; its expected output is the
     * part printed before the endless loop, recorded from a vtsim run (see guests/README.md).
     */
    public static final List<String> GUEST_ONLY_NAMES = List.of("hostile");

    /** Exit-device status of a successful run: guest code {@value #GUEST_EXIT_OK} → (0 &lt;&lt; 1) | 1. */
    public static final int STATUS_OK = 1;
    public static final int GUEST_EXIT_OK = 0;
    /** Process status of an unexpected CPU exception in the guest (guest code 2). */
    public static final int STATUS_EXCEPTION = 5;

    private static final String BASE = "/org/vtsim/guests/";

    private Guests() {
    }

    /** True if {@code name} is a bundled workload (native or VMX). */
    public static boolean exists(String name) {
        return NAMES.contains(name) || VMX_NAMES.contains(name) || GUEST_ONLY_NAMES.contains(name);
    }

    /** True if {@code name} is a bundled workload that needs a CPU with VMX. */
    public static boolean needsVmx(String name) {
        return VMX_NAMES.contains(name);
    }

    /** Every bundled workload: {@link #NAMES}, {@link #VMX_NAMES}, then {@link #GUEST_ONLY_NAMES}. */
    public static List<String> allNames() {
        return java.util.stream.Stream.of(NAMES, VMX_NAMES, GUEST_ONLY_NAMES).flatMap(List::stream).toList();
    }

    /** The image bytes of a bundled workload (an ELF32 multiboot v1 kernel). */
    public static byte[] image(String name) {
        return read("images/" + known(name) + ".elf");
    }

    /** The command line the expected output was produced with (may be empty). */
    public static String defaultArgs(String name) {
        return text("images/" + known(name) + ".args").strip();
    }

    /** What the guest prints on its serial port when run with {@link #defaultArgs}. */
    public static String expectedOutput(String name) {
        return text("expected/" + known(name) + ".txt");
    }

    /** The exit-device status a process sees for a guest exit code. */
    public static int processStatus(int guestCode) {
        return (guestCode << 1) | 1;
    }

    private static String known(String name) {
        if (!exists(name)) {
            throw new IllegalArgumentException("unknown guest workload '" + name + "'; bundled: "
                    + String.join(", ", allNames()));
        }
        return name;
    }

    private static String text(String path) {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    private static byte[] read(String path) {
        try (InputStream in = Guests.class.getResourceAsStream(BASE + path)) {
            if (in == null) {
                throw new IllegalStateException("bundled guest resource missing: " + BASE + path
                        + " (is guests/images packaged?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + BASE + path, e);
        }
    }
}
