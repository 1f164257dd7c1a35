package org.vtsim.conformance.exits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.guests.Guests;
import org.vtsim.machine.Machine;
import org.vtsim.machine.MachineConfig;
import org.vtsim.machine.Mode;
import org.vtsim.machine.Outcome;
import org.vtsim.machine.RunResult;
import org.vtsim.monitor.MonitorArea;
import org.vtsim.monitor.UnassignedMemory;
import org.vtsim.platform.MemoryLayout;

/**
 * Resource control (Popek and Goldberg) with the {@code hostile} guest: garbage to every I/O port and
 * to MSRs, a scan of guest-physical memory to 64 GiB, then an endless loop. Whatever it does, the
 * simulator does not throw, the guest runs to its end — the devices take any byte as the PC's do, and
 * memory past the RAM behaves as a PC's unassigned memory (reads all ones, writes dropped) — and is
 * stopped exactly at the bound; under EPT, host memory outside the guest's RAM and the monitor's area
 * is never written and the monitor's control pages (VMXON region, MSR bitmap, host GDT/TSS/IDT/page
 * tables/stack) are unchanged. Native and EPT runs print the same.
 */
class HostileGuestTest {
    static final long BOUND = 20_000_000L;
    static final long RAM = 128L << 20;

    record Run(Machine machine, RunResult result, String output, byte[] controlBefore, byte[] controlAfter) {
    }

    static Run run(String args, Mode mode) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.defaults(serial).withRam(RAM).withAppend(args).withMaxInstructions(BOUND)
                .withMode(mode);
        Machine m = Machine.boot(config, "hostile", Guests.image("hostile"));
        byte[] before = mode == Mode.EPT ? control(m) : null;
        RunResult r = m.run();
        return new Run(m, r, serial.toString(StandardCharsets.ISO_8859_1), before, mode == Mode.EPT ? control(m) : null);
    }

    /** The monitor's pages below the EPT tables, without the VMCS region (the processor's to write back). */
    static byte[] control(Machine m) {
        MonitorArea area = m.vm().area();
        PhysicalMemory mem = m.cpu().memory();
        int len = 0x10000;
        byte[] b = new byte[len];
        mem.read(area.base(), b, 0, len);
        java.util.Arrays.fill(b, (int) MonitorArea.VMCS_REGION, (int) MonitorArea.VMCS_REGION + 0x1000, (byte) 0);
        return b;
    }

    /** Every word the memory scan aims at outside the guest's RAM and the monitor's area still reads 0. */
    static void hostMemoryUntouched(Run run) {
        PhysicalMemory mem = run.machine().cpu().memory();
        MonitorArea area = run.machine().vm().area();
        for (long pa = RAM; pa < (64L << 30); pa += 2L << 20) {
            long word = pa + (2L << 20) - 8;
            if (word >= area.base() && word < area.end()) {
                continue;
            }
            if (word >= 0xfe000000L && word < (4L << 30)) {
                continue; // the MMIO window: devices, not memory
            }
            long at = word;
            assertEquals(0, mem.read64(word), () -> "host memory at 0x" + Long.toHexString(at) + " was written");
        }
        long pagesAllowed = RAM / 4096 + MonitorArea.SIZE / 4096;
        assertTrue(mem.allocatedPages() <= pagesAllowed,
                () -> mem.allocatedPages() + " host pages allocated, the guest's RAM and the monitor's area have "
                        + pagesAllowed);
        assertArrayEquals(run.controlBefore(), run.controlAfter(), "the monitor's control pages changed");
    }

    /** Ran to the endless loop and was stopped exactly at the bound, with no internal error. */
    static void ranToTheBound(Run run) {
        RunResult r = run.result();
        assertNotEquals(Outcome.INTERNAL_ERROR, r.outcome(), () -> r.detail() + "\n" + r.report());
        assertEquals(Outcome.LIMIT_REACHED, r.outcome(), () -> r.mode() + ": " + r.detail() + "\n" + run.output());
        assertEquals(BOUND, r.instructions());
        assertTrue(run.output().endsWith("hostile: looping forever\n"), run.output());
    }

    @Test
    void garbageToMsrsThenAnEndlessLoopStopsExactlyAtTheBound() throws Exception {
        Run run = run(Guests.defaultArgs("hostile"), Mode.EPT);
        ranToTheBound(run);
        assertEquals(Guests.expectedOutput("hostile"), run.output());
        hostMemoryUntouched(run);
    }

    @Test
    void garbageToEveryPortAndMsrRunsToTheEndAsNatively() throws Exception {
        Run ept = run("ports=1 msrs=1 mem=0", Mode.EPT);
        Run nat = run("ports=1 msrs=1 mem=0", Mode.NATIVE);
        ranToTheBound(ept);
        ranToTheBound(nat);
        assertEquals(nat.output(), ept.output(), "the same output natively and under EPT");
        assertTrue(ept.output().contains("hostile: garbage written to 65517 ports\n"), ept.output());
        assertTrue(ept.output().contains("hostile: 16640 MSRs probed, 20 readable, 5 took garbage (undone), 16635 #GP\n"),
                ept.output());
        hostMemoryUntouched(ept);
    }

    @Test
    void aScanOfGuestPhysicalMemoryTo64GiBSeesUnassignedMemoryPastTheRam() throws Exception {
        Run run = run("ports=0 msrs=0 gib=64", Mode.EPT);
        ranToTheBound(run);
        // Only the RAM keeps what is written; the MMIO window's unclaimed bytes and unassigned memory read
        // all ones (QEMU's pc machine gives the same).
        assertTrue(run.output().contains("hostile: 32768 2 MiB frames up to 64 GiB read and written, "
                + RAM / (2L << 20) + " kept the garbage\n"), run.output());
        long unassignedFrames = 0;
        for (long pa = RAM; pa < (64L << 30); pa += 2L << 20) {
            long word = pa + (2L << 20) - 8;
            if (word < MemoryLayout.MMIO_START || word >= MemoryLayout.MMIO_END) {
                unassignedFrames++;
            }
        }
        // Per frame: two loads (the old word, the check) and two stores (the garbage, the restore).
        UnassignedMemory u = UnassignedMemory.of(run.machine().vm().vcpu());
        assertEquals(2 * unassignedFrames, u.reads());
        assertEquals(2 * unassignedFrames, u.writes());
        hostMemoryUntouched(run);
    }
}
