package org.vtsim.tools.study;

import java.util.Objects;

/**
 * One guest of a study with its command line: a bundled guest or an image file, and the kernel
 * arguments every run of it gets (before a sweep's parameter, which comes last so that it wins: the
 * guest kit takes the last occurrence of a key).
 *
 * @param label what tables, files and plots call it (the guest name, plus its arguments if they were
 *     given inline)
 * @param image the guest name or file the bytes came from
 * @param bytes the image
 * @param args kernel arguments
 * @param vmx whether the CPU needs VMX for it (a guest hypervisor: native runs only)
 */
public record Workload(String label, String image, byte[] bytes, String args, boolean vmx) {
    public Workload {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(bytes, "bytes");
        args = args == null ? "" : args.strip();
    }

    /** This workload with {@code extra} appended to its arguments. */
    public Workload withMoreArgs(String extra) {
        String a = extra == null || extra.isBlank() ? args : (args + " " + extra.strip()).strip();
        return new Workload(label, image, bytes, a, vmx);
    }
}
