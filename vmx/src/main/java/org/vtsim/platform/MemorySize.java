package org.vtsim.platform;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a RAM size the way {@code qemu-system-x86_64 -m} does: a number with an optional K, M
 * or G suffix (KiB, MiB, GiB; an optional trailing "B" or "iB" is accepted); a bare number
 * means MiB, as in QEMU.
 */
public final class MemorySize {
    /** Smallest RAM a PC guest can boot in here: low memory plus 1 MiB above the BIOS area. */
    public static final long MIN_BYTES = 2L << 20;
    /** Largest RAM: fits, with the 1 GiB MMIO gap, in the default 64 GiB physical memory. */
    public static final long MAX_BYTES = 32L << 30;

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})\\s*([KMG])?(I?B)?");

    private MemorySize() {
    }

    /**
     * @throws IllegalArgumentException with a one-line message naming the problem
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        Matcher m = SYNTAX.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid memory size '" + text + "': expected a number with an optional"
                    + " K, M or G suffix, e.g. 512M or 2G");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "M" : m.group(2);
        int shift = switch (unit) {
            case "K" -> 10;
            case "G" -> 30;
            default -> 20;
        };
        if (n > (MAX_BYTES >>> shift)) {
            throw new IllegalArgumentException("memory size '" + text + "' is too large: at most " + MAX_BYTES / (1 << 30)
                    + "G");
        }
        long bytes = n << shift;
        check(bytes, text);
        return bytes;
    }

    /** Checks bounds and 4 KiB granularity of a size in bytes. */
    public static long check(long bytes, String shown) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("memory size '" + shown + "' is too small: at least " + (MIN_BYTES >> 20)
                    + "M");
        }
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("memory size '" + shown + "' is too large: at most " + (MAX_BYTES >> 30)
                    + "G");
        }
        if ((bytes & 0xfff) != 0) {
            throw new IllegalArgumentException("memory size '" + shown + "' is not a multiple of 4K");
        }
        return bytes;
    }
}
