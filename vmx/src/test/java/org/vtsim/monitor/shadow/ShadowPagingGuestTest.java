package org.vtsim.monitor.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.stats.ExitSink;

/**
 * Every bundled guest, unmodified, under shadow paging: the same serial output, exit status and number of
 * page faults its handler receives as natively (as under EPT for the exit microbenchmark, which tells a VM
 * by its VMCALL), and the shadow MMU's invariant ({@link ShadowAudit})
 * holding after every exit of the run.
 */
class ShadowPagingGuestTest {
    private static final Path IMAGES = Path.of("..", "guests", "images");

    record Run(RunResult result, String serial, List<String> problems, long audits) {
    }

    static Run run(String name, Mode mode, boolean audit, boolean largePages) throws Exception {
        Path argsFile = IMAGES.resolve(name + ".args");
        return run(name, Files.exists(argsFile) ? Files.readString(argsFile).strip() : "", mode, audit, largePages);
    }

    static Run run(String name, String args, Mode mode, boolean audit, boolean largePages) throws Exception {
        return run(name, args, mode, audit, largePages, 0);
    }

    static Run run(String name, String args, Mode mode, boolean audit, boolean largePages, long ram)
            throws Exception {
        return run(name, args, mode, audit, largePages, ram, m -> { });
    }

    static Run run(String name, String args, Mode mode, boolean audit, boolean largePages, long ram,
            java.util.function.Consumer<Machine> beforeRun) throws Exception {
        Path image = IMAGES.resolve(name + ".elf");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        Machine[] holder = new Machine[1];
        long[] audits = {0};
        ExitSink sink = new ExitSink() {
            @Override
            public void exit(long cycle, long handling, int reason, long q, long rip, long detail) {
                ShadowMmu mmu = holder[0] == null ? null : holder[0].vm().shadowMmu();
                if (mmu != null && problems.isEmpty()) {
                    audits[0]++;
                    for (String p : ShadowAudit.check(mmu, 5)) {
                        problems.add("after exit " + reason + " at rip 0x" + Long.toHexString(rip) + ": " + p);
                    }
                }
            }

            @Override
            public void close() {
            }
        };
        MachineConfig config = MachineConfig.defaults(out).withAppend(args).withMaxInstructions(200_000_000)
                .withMode(mode).withHostLargePages(largePages);
        if (audit) {
            config = config.withTrace(sink);
        }
        if (ram > 0) {
            config = config.withRam(ram);
        }
        Machine m = Machine.boot(config, name + ".elf", Files.readAllBytes(image));
        holder[0] = m;
        beforeRun.accept(m);
        RunResult r = m.run();
        return new Run(r, out.toString(java.nio.charset.StandardCharsets.UTF_8), problems, audits[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "syscall", "timer", "pt-churn", "vmexit"})
    void runsAsNativelyWithTheInvariantAfterEveryExit(String name) throws Exception {
        // The exit microbenchmark asks whether it runs in a VM (VMCALL): its reference is the EPT run.
        Run nat = run(name, name.equals("vmexit") ? Mode.EPT : Mode.NATIVE, false, true);
        Run shadow = run(name, Mode.SHADOW, true, true);
        assertEquals(Outcome.GUEST_EXIT, shadow.result().outcome(), shadow.result().detail());
        assertEquals(nat.serial(), shadow.serial());
        assertEquals(nat.result().exitStatus(), shadow.result().exitStatus());
        assertEquals(nat.result().memory().get("guest.pageFaults"), shadow.result().memory().get("guest.pageFaults"),
                "page faults the guest's handler receives");
        assertTrue(shadow.problems().isEmpty(), () -> String.join("\n", shadow.problems()));
        assertTrue(shadow.audits() > 100, "audited after " + shadow.audits() + " exits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute", "memwalk", "io"})
    void longerGuestsRunAsNativelyWith4KiBAnd2MiBHostPages(String name) throws Exception {
        Run nat = run(name, Mode.NATIVE, false, true);
        for (boolean large : new boolean[] {true, false}) {
            Run shadow = run(name, Mode.SHADOW, false, large);
            assertEquals(Outcome.GUEST_EXIT, shadow.result().outcome(), shadow.result().detail());
            assertEquals(nat.serial(), shadow.serial());
            assertEquals(nat.result().memory().get("guest.pageFaults"),
                    shadow.result().memory().get("guest.pageFaults"));
        }
    }

    /**
     * Two address spaces map the same frames with guest 2 MiB pages, shadowed by 4 KiB leaves (4 KiB host
     * pages): a write through the second mapping must still fault and set its own dirty flag, so the two
     * clean/dirty mappings must not share shadow leaves.
     */
    @org.junit.jupiter.api.Test
    void aGuest2MiBPageMappedTwiceGetsItsDirtyFlagThroughEachMapping() throws Exception {
        String args = "ws=1024 touches=20000 pages=2m procs=2 switch=500";
        Run nat = run("memwalk", args, Mode.NATIVE, false, true);
        Run shadow = run("memwalk", args, Mode.SHADOW, true, false);
        assertEquals(nat.serial(), shadow.serial());
        assertTrue(shadow.problems().isEmpty(), () -> String.join("\n", shadow.problems()));
    }

    /**
     * With "enable VPID" and without EPT the guest's translations are tagged with its VPID and survive VM
     * exits and entries (SDM Vol. 3C 28.4.3.1): a TLB-miss-heavy guest then misses about as often as natively,
     * plus at most a couple of refills per exit (the hidden faults themselves and what the monitor's INVVPIDs
     * drop). Flushing at every entry instead costs far more (memwalk: ~25,000 extra misses for ~4,400 exits).
     */
    @org.junit.jupiter.api.Test
    void guestTranslationsSurviveExitsUnderVpidWithoutEpt() throws Exception {
        RunResult nat = run("memwalk", Mode.NATIVE, false, true).result();
        RunResult shadow = run("memwalk", Mode.SHADOW, false, true).result();
        long nativeMisses = nat.translation().get("tlb.misses");
        long shadowMisses = shadow.translation().get("tlb.misses");
        assertTrue(shadowMisses <= nativeMisses + 2 * shadow.exits(),
                "shadow " + shadowMisses + " misses, native " + nativeMisses + ", exits " + shadow.exits());
    }

    /**
     * A small guest (16 MiB: a pool of 81 shadow pages, KVM's 20 per mille) with 64 address spaces
     * switched every 50 touches needs far more shadow pages than the pool holds: the oldest unpinned ones
     * are reclaimed again and again, the live pages never exceed the pool, and the guest runs as natively
     * with the invariant after every exit.
     */
    @org.junit.jupiter.api.Test
    void aBoundedPoolReclaimsAndStaysCorrect() throws Exception {
        String args = "ws=4096 procs=64 switch=50 touches=20000";
        Run nat = run("memwalk", args, Mode.NATIVE, false, true, 16L << 20);
        Run shadow = run("memwalk", args, Mode.SHADOW, true, true, 16L << 20);
        assertEquals(nat.serial(), shadow.serial());
        assertTrue(shadow.problems().isEmpty(), () -> String.join("\n", shadow.problems()));
        Map<String, Long> c = shadow.result().memory();
        assertTrue(c.get("shadow.pagesReclaimed") > 100, c::toString);
        assertTrue(c.get("shadow.livePages") <= c.get("shadow.maxPages"), c::toString);
        assertEquals(81L, c.get("shadow.maxPages"));
    }

    /**
     * Guest leaf tables go out of sync when written and come back at the next MOV to CR3 or INVLPG; with
     * out-of-sync tables disabled every write is emulated instead. Both run pt-churn's random page-table
     * operations as natively, with the invariant after every exit (out-of-sync leaves exempt until their
     * flush point), and out of sync takes fewer exits.
     */
    @org.junit.jupiter.api.Test
    void outOfSyncLeafTablesAndEmulatedWritesBothRunAsNatively() throws Exception {
        String args = "rounds=6 pages=40 seed=11 ops=200";
        Run nat = run("pt-churn", args, Mode.NATIVE, false, true, 0);
        Run unsync = run("pt-churn", args, Mode.SHADOW, true, true, 0);
        Run emulate = run("pt-churn", args, Mode.SHADOW, true, true, 0, m -> m.vm().shadowMmu().setUnsync(false));
        for (Run r : new Run[] {unsync, emulate}) {
            assertEquals(nat.serial(), r.serial());
            assertTrue(r.problems().isEmpty(), () -> String.join("\n", r.problems()));
        }
        Map<String, Long> u = unsync.result().memory();
        Map<String, Long> e = emulate.result().memory();
        assertTrue(u.get("shadow.unsyncs") > 0 && u.get("shadow.resyncs") > 0, u::toString);
        assertEquals(0L, e.get("shadow.unsyncs"), e::toString);
        assertTrue(e.get("shadow.emulatedWrites") > u.get("shadow.emulatedWrites"), u + " / " + e);
        assertTrue(unsync.result().exits() < emulate.result().exits(),
                unsync.result().exits() + " exits out of sync, " + emulate.result().exits() + " emulating");
    }

    @org.junit.jupiter.api.Test
    void ptChurnExercisesEveryPartOfTheShadowMmu() throws Exception {
        Map<String, Long> c = run("pt-churn", Mode.SHADOW, false, true).result().memory();
        assertTrue(c.get("shadow.faults") > 0, c::toString);
        assertTrue(c.get("shadow.emulatedWrites") > 0, c::toString);
        assertTrue(c.get("shadow.cr3Switches") > 0, c::toString);
        assertTrue(c.get("shadow.pagesZapped") > 0, c::toString);
        assertTrue(c.get("shadow.livePages") <= c.get("shadow.maxPages"), c::toString);
    }
}
