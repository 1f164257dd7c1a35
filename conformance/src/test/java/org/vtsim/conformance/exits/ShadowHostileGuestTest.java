package org.vtsim.conformance.exits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.vtsim.conformance.equivalence.AuditedRun;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.MonitorArea;

/**
 * Resource control (Popek and Goldberg) for memory under shadow paging, with the {@code hostile} guest:
 * under shadow paging the processor walks tables the monitor builds, so a guest reaches host memory only
 * through shadow leaves, and {@link org.vtsim.monitor.shadow.ShadowAudit}, run after every exit, fails on
 * any reachable shadow leaf whose guest-physical page lies outside every memory slot or whose host frame
 * is not the slot's. The guest maps every 2 MiB of guest-physical memory up to 34 GiB with its own page
 * tables — past its 128 MiB of RAM, through the MMIO window and over the host-physical range where the
 * monitor's own area (VMXON region, VMCS, shadow tables) lives at 32 GiB — reads, writes garbage,
 * reads back and restores. It must print what it prints natively and under EPT (only its RAM keeps the
 * garbage: the rest is unassigned memory, reading all ones as on a PC), keep running to the instruction
 * bound, and leave every aimed-at host word outside its RAM and the monitor's area at 0. The guest's window
 * maps RAM frames the kernel's own 2 MiB map has already written, a clean and a dirty PDE of one frame:
 * the audit also checks that the clean one's shadow leaves stay read-only until its dirty flag is set.
 */
class ShadowHostileGuestTest {
    static final long BOUND = 20_000_000L;
    static final long RAM = 128L << 20;
    /** How far the scan goes: past the monitor's area at 32 GiB (Machine.MONITOR_AREA); not 64 GiB, to stay quick. */
    static final int GIB = 34;

    static AuditedRun run(String args, Mode mode) throws Exception {
        MachineConfig base = MachineConfig.defaults(new ByteArrayOutputStream()).withRam(RAM);
        return AuditedRun.run(base, "hostile", args, mode, true, BOUND);
    }

    static void ranToTheBound(AuditedRun run) {
        RunResult r = run.result();
        assertNotEquals(Outcome.INTERNAL_ERROR, r.outcome(), () -> r.detail() + "\n" + r.report());
        assertEquals(Outcome.LIMIT_REACHED, r.outcome(), () -> r.mode() + ": " + r.detail() + "\n" + run.output());
        assertEquals(BOUND, r.instructions(), () -> r.mode().toString());
    }

    static void invariantHeldAfterEveryExit(AuditedRun shadow) {
        assertTrue(shadow.problems().isEmpty(), () -> "shadow invariant broken:\n" + String.join("\n",
                shadow.problems()));
        assertEquals(shadow.result().exits(), shadow.audits(), "audited after every exit");
        assertTrue(shadow.audits() > 1000, "audited after " + shadow.audits() + " exits");
    }

    @Test
    void aScanOfGuestPhysicalMemoryPastTheMonitorsAreaUnderShadowPagingPrintsAsNativelyAndNeverReachesHostMemory()
            throws Exception {
        String args = "ports=0 msrs=0 gib=" + GIB;
        AuditedRun nat = run(args, Mode.NATIVE);
        AuditedRun ept = run(args, Mode.EPT);
        AuditedRun shadow = run(args, Mode.SHADOW);
        ranToTheBound(nat);
        ranToTheBound(ept);
        ranToTheBound(shadow);
        assertEquals(nat.output(), ept.output(), "the same output natively and under EPT");
        assertEquals(ept.output(), shadow.output(), "the same output under EPT and under shadow paging");
        assertTrue(shadow.output().contains((GIB << 9) + " 2 MiB frames up to " + GIB + " GiB read and written, "
                + (RAM >> 21) + " kept the garbage\n"), shadow.output());
        invariantHeldAfterEveryExit(shadow);
        hostMemoryOutsideTheRamAndTheMonitorUntouched(shadow);
        System.out.printf("hostile %s under shadow: %,d exits, %,d hidden #PF, %,d reflected, %,d MMIO "
                + "accesses, %,d audits%n", args, shadow.result().exits(), shadow.memory("shadow.faults"),
                shadow.memory("shadow.guestFaults"), shadow.memory("shadow.mmio"), shadow.audits());
    }

    @Test
    void garbageToMsrsUnderShadowPagingPrintsAsUnderEptAndStopsAtTheBound() throws Exception {
        String args = "ports=0 msrs=1 mem=0";
        AuditedRun ept = run(args, Mode.EPT);
        AuditedRun shadow = run(args, Mode.SHADOW);
        ranToTheBound(ept);
        ranToTheBound(shadow);
        assertEquals(ept.output(), shadow.output());
        invariantHeldAfterEveryExit(shadow);
        hostMemoryOutsideTheRamAndTheMonitorUntouched(shadow);
    }

    /** Every word the memory scan aims at outside the RAM and the monitor's area still reads 0. */
    static void hostMemoryOutsideTheRamAndTheMonitorUntouched(AuditedRun run) {
        PhysicalMemory mem = run.machine().cpu().memory();
        MonitorArea area = run.machine().vm().area();
        long checked = 0;
        for (long pa = RAM; pa < ((long) GIB << 30); pa += 2L << 20) {
            long word = pa + (2L << 20) - 8;
            if (word >= area.base() && word < area.end() || word >= 0xfe000000L && word < (4L << 30)) {
                continue; // the monitor's own memory; the MMIO window (devices, not memory)
            }
            long at = word;
            assertEquals(0, mem.read64(word), () -> "host memory at 0x" + Long.toHexString(at) + " was written");
            checked++;
        }
        assertTrue(checked > (GIB - 2) << 9, "checked " + checked + " words");
        long pagesAllowed = RAM / 4096 + MonitorArea.SIZE / 4096;
        assertTrue(mem.allocatedPages() <= pagesAllowed, () -> mem.allocatedPages() + " host pages allocated");
    }
}
