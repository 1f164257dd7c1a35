package org.vtsim.monitor.stats;

/**
 * The per-qualification tables of the exit statistics. Each groups the exits of the reasons it names
 * by the key {@link ExitDetail} packs; the key column is headed the way {@code perf kvm stat report
 * --event=ioport|msr} heads it where perf has such an event.
 */
public enum Breakdown {
    IO_PORT("io_port", "IO Port Access", "IO_INSTRUCTION"),
    MSR("msr", "MSR Access", "RDMSR + WRMSR"),
    CR("cr", "CR Access", "CONTROL_REGISTER_ACCESSES"),
    EPT_VIOLATION("ept_violation", "EPT Violation", "EPT_VIOLATION"),
    EXCEPTION("exception", "Exception", "EXCEPTION_OR_NMI");

    /** The name in JSON and CSV output. */
    public final String id;
    /** The heading of the key column in the text table. */
    public final String heading;
    /** The exit reasons whose exits this table breaks down. */
    public final String reasons;

    Breakdown(String id, String heading, String reasons) {
        this.id = id;
        this.heading = heading;
        this.reasons = reasons;
    }
}
