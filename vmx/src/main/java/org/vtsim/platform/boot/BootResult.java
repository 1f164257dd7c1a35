package org.vtsim.platform.boot;

import java.util.List;

/**
 * What a loader did: where execution starts, where the information structure is, which
 * physical ranges it filled (image segments, then modules), and the entry mode.
 */
public record BootResult(Kind kind, long entry, long infoAddress, List<Range> loaded) {
    public enum Kind {
        /** 32-bit protected mode, paging off, multiboot v1 machine state (spec 3.2). */
        MULTIBOOT,
        /** 64-bit long mode with identity-mapped low 4 GiB (see {@link Elf64Loader}). */
        ELF64
    }

    /** A filled physical range {@code [start, end)} and what it holds. */
    public record Range(String what, long start, long end) {
    }

    public BootResult {
        loaded = List.copyOf(loaded);
    }
}
