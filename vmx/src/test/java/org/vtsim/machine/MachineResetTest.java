package org.vtsim.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vtsim.cpu.StopReason;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.monitor.Vcpu;
import org.vtsim.monitor.stats.ExitStatsReport;

/**
 * {@link Machine#reset()}: the run after a reset is a fresh boot — the same serial output, exit status,
 * instructions, cycles, translation and memory counters and exits by reason as the first run of a newly
 * booted machine — natively, under EPT and under shadow paging, whether the reset follows a finished run
 * or interrupts one.
 */
class MachineResetTest {
    private static final Path IMAGES = Path.of("..", "guests", "images");

    /** Everything a run shows that a fresh boot determines (host time excluded). */
    record Fingerprint(String serial, Outcome outcome, int exitStatus, String detail, long instructions, long cycles,
            Map<String, Long> unimplemented, Map<String, Long> translation, long exits, long idleCycles,
            Map<String, Long> memory, List<ExitStatsReport.Row> exitsByReason, ExitStatsReport.Totals totals) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Machine boot(String name, Mode mode) throws Exception {
        Path argsFile = IMAGES.resolve(name + ".args");
        String args = Files.exists(argsFile) ? Files.readString(argsFile).strip() : "";
        MachineConfig config = MachineConfig.defaults(out).withAppend(args).withMaxInstructions(50_000_000)
                .withMode(mode);
        return Machine.boot(config, name + ".elf", Files.readAllBytes(IMAGES.resolve(name + ".elf")));
    }

    private Fingerprint run(Machine m) {
        out.reset();
        RunResult r = m.run();
        String serial = out.toString(StandardCharsets.UTF_8);
        ExitStatsReport report = m.vm() == null ? null : m.vm().vcpu().recorder().report();
        Map<String, Long> translation = r.translation();
        return new Fingerprint(serial, r.outcome(), r.exitStatus(), r.detail(), r.instructions(), r.cycles(),
                r.unimplemented(), translation, r.exits(), r.idleCycles(), r.memory(),
                report == null ? List.of() : report.reasons(), report == null ? null : report.totals());
    }

    /** Runs up to {@code n} instructions without finishing the run (the guest stays where it is). */
    private static void runPart(Machine m, long n) {
        StopReason r = m.vm() != null ? m.vm().vcpu().run(n) : m.cpu().run(n);
        assertEquals(StopReason.INSTRUCTION_LIMIT, r, "the guest should still be running after " + n);
    }

    @ParameterizedTest
    @CsvSource({"hello, EPT", "timer, EPT", "syscall, EPT", "hello, SHADOW", "timer, SHADOW", "pt-churn, SHADOW",
        "hello, NATIVE", "timer, NATIVE", "syscall, NATIVE"})
    void aRunAfterResetIsAFreshBoot(String name, Mode mode) throws Exception {
        Machine m = boot(name, mode);
        Fingerprint first = run(m);
        assertEquals(Outcome.GUEST_EXIT, first.outcome(), first.detail());
        assertTrue(first.serial().length() > 0);
        List<ExitStatsReport.Row> before = first.exitsByReason();
        Vcpu vcpu = m.vm() == null ? null : m.vm().vcpu();

        m.reset();
        assertSameRun(first, run(m));
        m.reset();
        assertSameRun(first, run(m));
        if (vcpu != null) {
            // The statistics restart; the run before a reset stays with the vCPU it retired.
            assertNotSame(vcpu, m.vm().vcpu());
            assertTrue(vcpu.retired());
            assertEquals(before, vcpu.recorder().report().reasons());
            assertEquals(before, m.previousVcpu().recorder().report().reasons());
            assertThrows(IllegalStateException.class, () -> vcpu.run(1));
        }
    }

    @ParameterizedTest
    @CsvSource({"timer, EPT, 1000", "timer, EPT, 200000", "pt-churn, SHADOW, 300000", "timer, NATIVE, 200000",
        "syscall, EPT, 150000"})
    void resetInTheMiddleOfARunGivesAFreshBoot(String name, Mode mode, long part) throws Exception {
        Fingerprint fresh = run(boot(name, mode));
        Machine m = boot(name, mode);
        runPart(m, part);
        m.reset();
        assertSameRun(fresh, run(m));
    }

    @ParameterizedTest
    @CsvSource({"syscall, EPT", "pt-churn, SHADOW", "syscall, NATIVE"})
    void afterResetRamHoldsOnlyTheImageAsAtBoot(String name, Mode mode) throws Exception {
        Machine fresh = boot(name, mode);
        Machine m = boot(name, mode);
        long ram = m.platform().layout().ramBelow4g();
        assertEquals(-1, firstDifferentPage(fresh.platform().memory(), m.platform().memory(), ram));
        run(m);
        // The guest wrote its stack, data and page tables: RAM is no longer as at boot.
        assertNotEquals(-1, firstDifferentPage(fresh.platform().memory(), m.platform().memory(), ram));

        m.reset();
        long page = firstDifferentPage(fresh.platform().memory(), m.platform().memory(), ram);
        assertEquals(-1, page, () -> "guest-physical page 0x" + Long.toHexString(page) + " differs from boot");
        if (m.vm() != null) {
            // The VM's memory counters (EPT pages populated, shadow pages) are as a fresh VM's.
            assertEquals(fresh.vm().memoryCounters(), m.vm().memoryCounters());
        }
    }

    @Test
    void theGuestsMsrsAreBackAtTheirPowerOnValues() throws Exception {
        for (Mode mode : Mode.values()) {
            Machine m = boot("hello", mode);
            long lstarAtBoot = m.cpu().readMsr(0xc0000082);
            run(m);
            m.cpu().writeMsr(0xc0000082, 0xffffffff81000000L); // what an old guest may leave behind
            m.cpu().writeMsr(0xc0000102, 0x1234000L); // KERNEL_GS_BASE
            m.reset();
            assertEquals(lstarAtBoot, m.cpu().readMsr(0xc0000082), mode.toString());
            assertEquals(0, m.cpu().readMsr(0xc0000102), mode.toString());
        }
    }

    @Test
    void devicesAreNewAndThePlatformIsTakenAgain() throws Exception {
        Machine m = boot("hello", Mode.EPT);
        var devices = m.platform();
        run(m);
        assertTrue(devices.exitStatus().isPresent());
        m.reset();
        assertNotSame(devices, m.platform());
        assertTrue(m.platform().exitStatus().isEmpty(), "the exit device is at power-on");
        assertEquals(0, m.cpu().cycles());
        assertEquals(0, m.cpu().instructions());
    }

    @Test
    void aSecondRunWithoutResetIsRefusedWithAClearError() throws Exception {
        for (Mode mode : List.of(Mode.NATIVE, Mode.EPT)) {
            Machine m = boot("hello", mode);
            m.run();
            IllegalStateException e = assertThrows(IllegalStateException.class, m::run);
            assertTrue(e.getMessage().contains("reset()"), e.getMessage());
            m.reset();
            assertEquals(Outcome.GUEST_EXIT, m.run().outcome(), "a reset machine runs again");
        }
    }

    /** Equal fingerprints; on failure, the components (and counters by name) that differ. */
    private static void assertSameRun(Fingerprint expected, Fingerprint actual) {
        if (expected.equals(actual)) {
            return;
        }
        StringBuilder b = new StringBuilder("the run after the reset differs from a fresh boot:");
        for (var c : Fingerprint.class.getRecordComponents()) {
            try {
                Object e = c.getAccessor().invoke(expected);
                Object a = c.getAccessor().invoke(actual);
                if (e instanceof Map<?, ?> em && a instanceof Map<?, ?> am) {
                    for (Object k : em.keySet()) {
                        if (!java.util.Objects.equals(em.get(k), am.get(k))) {
                            b.append("\n  ").append(c.getName()).append('.').append(k).append(": ").append(em.get(k))
                                    .append(" -> ").append(am.get(k));
                        }
                    }
                    for (Object k : am.keySet()) {
                        if (!em.containsKey(k)) {
                            b.append("\n  ").append(c.getName()).append('.').append(k).append(": new ").append(am.get(k));
                        }
                    }
                } else if (!java.util.Objects.equals(e, a)) {
                    b.append("\n  ").append(c.getName()).append(": ").append(e).append(" -> ").append(a);
                }
            } catch (ReflectiveOperationException x) {
                throw new AssertionError(x);
            }
        }
        throw new AssertionError(b.toString());
    }

    /** The first 4 KiB page in [0, size) whose bytes differ, or -1. */
    private static long firstDifferentPage(PhysicalMemory a, PhysicalMemory b, long size) {
        byte[] pa = new byte[4096];
        byte[] pb = new byte[4096];
        for (long p = 0; p < size; p += 4096) {
            a.read(p, pa, 0, 4096);
            b.read(p, pb, 0, 4096);
            if (!Arrays.equals(pa, pb)) {
                return p;
            }
        }
        return -1;
    }
}
