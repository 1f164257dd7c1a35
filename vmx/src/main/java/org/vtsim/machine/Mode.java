package org.vtsim.machine;

/** How the guest runs: on the bare model CPU, or under the monitor with EPT. */
public enum Mode {
    /** Bare metal: no VMM; the baseline every virtualization overhead is measured against. */
    NATIVE,
    /** Under the KVM-like monitor ({@code org.vtsim.monitor}) in VMX non-root operation with EPT. */
    EPT;

    /** {@code native} or {@code ept} (case-insensitive). */
    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (known: native, ept)");
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
