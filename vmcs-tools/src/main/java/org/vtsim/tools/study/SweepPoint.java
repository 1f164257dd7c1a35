package org.vtsim.tools.study;

import java.util.Objects;

/**
 * One value of a swept parameter: a guest parameter passed on the kernel command line as
 * {@code name=value}, or {@link #HOST_PAGES} (the monitor's mapping size, not the guest's).
 */
public record SweepPoint(String name, String value) {
    /** The sweep axis of the host's page size: {@code host-pages=4k,2m}. */
    public static final String HOST_PAGES = "host-pages";

    public SweepPoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Whether this point sets the host page size rather than a guest parameter. */
    public boolean host() {
        return name.equals(HOST_PAGES);
    }

    /** For {@link #HOST_PAGES}: whether the monitor may map 2 MiB pages. */
    public boolean hostLargePages() {
        return value.equalsIgnoreCase("2m");
    }

    /** The guest argument this point adds ("" for a host axis). */
    public String guestArg() {
        return host() ? "" : name + "=" + value;
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
