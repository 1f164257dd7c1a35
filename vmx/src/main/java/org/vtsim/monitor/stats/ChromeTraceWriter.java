package org.vtsim.monitor.stats;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.exit.ExitQualification;
import org.vtsim.vmx.exit.InterruptionInformation;

/**
 * Streams exits as a Chrome trace-event file (the "JSON Array Format" of Google's Trace Event Format
 * document) that Perfetto (ui.perfetto.dev) and chrome://tracing open: one "X" (complete) event per exit on
 * the timeline of vCPU 0, {@code ts} = cycle at exit and {@code dur} = cycles to the next entry, both
 * converted to simulated microseconds at the model CPU's frequency; {@code args} carry the reason number,
 * guest RIP, qualification (raw and explained), breakdown key and the raw cycle figures.
 *
 * <p>Bounded: after {@code maxEvents} exit events further exits are counted, not written, and
 * {@link #close} appends one instant event named "dropped N events" (args {@code dropped}, {@code cap}).
 * Crash-tolerant: every event is handed to the buffered stream in one write, so the file always ends at
 * an event boundary, and each event is preceded by its separator, so a file cut off before {@link #close}
 * lacks only the closing "]" — which the format document allows and Perfetto's JSON importer accepts.
 */
public final class ChromeTraceWriter implements ExitSink {
    private static final int PID = 1;
    private static final int TID = 1;

    private final OutputStream out;
    private final double cpuFrequencyMhz;
    private final long maxEvents;
    private final StringBuilder event = new StringBuilder(256);
    private long written;
    private long dropped;
    private long lastNs;
    private boolean first = true;
    private boolean closed;

    /**
     * @param out receives the trace; closed by {@link #close}
     * @param cpuFrequencyMhz cycles per simulated microsecond
     * @param maxEvents exit events to write at most (the bound on the file's size)
     */
    public ChromeTraceWriter(OutputStream out, double cpuFrequencyMhz, long maxEvents) {
        if (!(cpuFrequencyMhz > 0) || maxEvents < 0) {
            throw new IllegalArgumentException("frequency " + cpuFrequencyMhz + " MHz, cap " + maxEvents);
        }
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.cpuFrequencyMhz = cpuFrequencyMhz;
        this.maxEvents = maxEvents;
        write("[");
        event.setLength(0);
        event.append("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"vtsim guest\"}}");
        emit();
        event.append("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"vCPU 0 exits\"}}");
        emit();
    }

    /** A writer to {@code file} (created or truncated). */
    public static ChromeTraceWriter open(Path file, double cpuFrequencyMhz, long maxEvents) throws IOException {
        return new ChromeTraceWriter(Files.newOutputStream(file), cpuFrequencyMhz, maxEvents);
    }

    @Override
    public synchronized void exit(long cycleAtExit, long handlingCycles, int exitReason, long qualification,
            long guestRip, long detail) {
        if (closed) {
            throw new IllegalStateException("trace closed");
        }
        long ns = nanos(cycleAtExit + handlingCycles);
        lastNs = Math.max(lastNs, ns);
        if (written >= maxEvents) {
            dropped++;
            return;
        }
        written++;
        event.append("{\"name\":");
        JsonText.string(event, ExitRecorder.reasonName(exitReason));
        event.append(",\"cat\":\"vmexit\",\"ph\":\"X\",\"ts\":");
        micros(nanos(cycleAtExit));
        event.append(",\"dur\":");
        micros(nanos(cycleAtExit + handlingCycles) - nanos(cycleAtExit));
        event.append(",\"pid\":1,\"tid\":1,\"args\":{\"reason\":").append(exitReason & 0xffffffffL)
                .append(",\"rip\":\"0x").append(Long.toHexString(guestRip))
                .append("\",\"qualification\":\"0x").append(Long.toHexString(qualification)).append("\",\"describe\":");
        JsonText.string(event, describe(exitReason, qualification, detail));
        event.append(",\"detail\":");
        JsonText.string(event, ExitDetail.label(detail));
        event.append(",\"exit_cycle\":").append(cycleAtExit).append(",\"handling_cycles\":").append(handlingCycles)
                .append("}}");
        emit();
    }

    /** Exit events written so far. */
    public synchronized long written() {
        return written;
    }

    /** Exit events not written because of the cap. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Writes the "dropped N events" record (if any were dropped) and the closing "]"; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (dropped > 0) {
                event.append("{\"name\":\"dropped ").append(dropped).append(" events\",\"cat\":\"vtsim\",\"ph\":\"i\","
                        + "\"s\":\"g\",\"ts\":");
                micros(lastNs);
                event.append(",\"pid\":1,\"tid\":1,\"args\":{\"dropped\":").append(dropped).append(",\"cap\":")
                        .append(maxEvents).append("}}");
                emit();
            }
            write("\n]\n");
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the exit trace", e);
        }
    }

    private static String describe(int exitReason, long qualification, long detail) {
        ExitReason r = ExitReason.byNumber(exitReason);
        if (r == null) {
            return "unknown exit reason";
        }
        long info = ExitDetail.breakdown(detail) == Breakdown.EXCEPTION
                ? InterruptionInformation.hardwareException((int) detail & 0xff) : 0;
        return ExitQualification.describe(r, qualification, info);
    }

    private long nanos(long cycles) {
        return Math.round(cycles * 1000.0 / cpuFrequencyMhz);
    }

    /** Microseconds with three decimals (nanosecond resolution), e.g. 12.345. */
    private void micros(long ns) {
        event.append(ns / 1000).append('.');
        long frac = ns % 1000;
        if (frac < 100) {
            event.append('0');
        }
        if (frac < 10) {
            event.append('0');
        }
        event.append(frac);
    }

    /** The event in {@link #event}, preceded by its separator, in one write; clears the buffer. */
    private void emit() {
        String sep = first ? "\n" : ",\n";
        first = false;
        event.insert(0, sep);
        write(event.toString());
        event.setLength(0);
    }

    private void write(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("writing the exit trace", e);
        }
    }
}
