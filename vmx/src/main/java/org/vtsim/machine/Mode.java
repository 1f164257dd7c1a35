package org.vtsim.machine;

/** How the guest runs: on the bare model CPU, or under the monitor with EPT or with shadow paging. */
public enum Mode {
    /** Bare metal: no VMM; the baseline every virtualization overhead is measured against. */
    NATIVE,
    /** Under the KVM-like monitor ({@code org.vtsim.monitor}) in VMX non-root operation with EPT. */
    EPT,
    /**
     * Under the monitor in VMX non-root operation without EPT: the monitor's shadow page tables map
     * guest-linear to host-physical addresses ({@code org.vtsim.monitor.shadow}).
     */
    SHADOW;

    /** {@code native}, {@code ept} or {@code shadow} (case-insensitive). */
    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (known: native, ept, shadow)");
    }

    /** Whether the guest runs under the monitor (a VM). */
    public boolean virtualized() {
        return this != NATIVE;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
