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

/**
 * Resource control (Popek and Goldberg) with the {@code hostile} guest under EPT: garbage to MSRs,
 * to every I/O port, a scan of guest-physical memory to 64 GiB, then an endless loop. Whatever it
 * does, the simulator does not throw, host memory outside the guest's RAM and the monitor's area is
 * never written, the monitor's control pages (VMXON region, MSR bitmap, host GDT/TSS/IDT/page
 * tables/stack) are unchanged, and a guest that keeps running is stopped exactly at the bound.
 */
class HostileGuestTest {
    static final long BOUND = 20_000_000L;
    static final long RAM = 128L << 20;

    record Run(Machine machine, RunResult result, String output, byte[] controlBefore, byte[] controlAfter) {
    }

    static Run run(String args) throws Exception {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        MachineConfig config = MachineConfig.defaults(serial).withRam(RAM).withAppend(args).withMaxInstructions(BOUND)
                .withMode(Mode.EPT);
        Machine m = Machine.boot(config, "hostile", Guests.image("hostile"));
        byte[] before = control(m);
        RunResult r = m.run();
        return new Run(m, r, serial.toString(StandardCharsets.ISO_8859_1), before, control(m));
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

    static void neverThrew(Run run) {
        assertNotEquals(Outcome.INTERNAL_ERROR, run.result().outcome(), () -> run.result().detail() + "\n"
                + run.result().report());
    }

    @Test
    void garbageToMsrsThenAnEndlessLoopStopsExactlyAtTheBound() throws Exception {
        Run run = run(Guests.defaultArgs("hostile"));
        neverThrew(run);
        assertEquals(Outcome.LIMIT_REACHED, run.result().outcome(), () -> run.result().detail() + "\n" + run.output());
        assertEquals(BOUND, run.result().instructions());
        assertEquals(Guests.expectedOutput("hostile"), run.output());
        hostMemoryUntouched(run);
    }

    @Test
    void aScanOfGuestPhysicalMemoryTo64GiBNeverReachesHostMemory() throws Exception {
        Run run = run("ports=0 msrs=0 gib=64");
        neverThrew(run);
        // The monitor refuses a guest-physical access outside every slot and stops the VM (EptViolationExit);
        // a monitor that gave such accesses unassigned-memory semantics (KVM + QEMU: reads all ones,
        // writes dropped) would run on to the bound. Either way the guest is stopped and host memory is safe.
        RunResult r = run.result();
        assertTrue(r.outcome() == Outcome.LIMIT_REACHED && r.instructions() == BOUND
                || r.outcome() == Outcome.SHUTDOWN && r.detail().contains("outside the guest's memory slots"),
                () -> r.outcome() + ": " + r.detail());
        if (r.outcome() == Outcome.SHUTDOWN) {
            // The first refused frame is the first one past the RAM: everything inside was served.
            assertTrue(r.detail().contains("at 0x" + Long.toHexString(RAM + (2L << 20) - 8) + " "), r.detail());
        }
        hostMemoryUntouched(run);
    }

    @Test
    void garbageToEveryPortNeverCrashesTheSimulator() throws Exception {
        Run run = run("msrs=0 mem=0");
        neverThrew(run);
        // Device models fail loudly on a mode they do not model (the project's rule): the VM then stops
        // with "unsupported: ..." and the guest state; otherwise the guest loops to the bound.
        RunResult r = run.result();
        assertTrue(r.outcome() == Outcome.LIMIT_REACHED && r.instructions() == BOUND
                || r.outcome() == Outcome.UNSUPPORTED && r.detail().startsWith("unsupported"),
                () -> r.outcome() + ": " + r.detail());
        System.out.println("hostile ports=1 under EPT: " + r.outcome() + ": " + r.detail());
        hostMemoryUntouched(run);
    }
}
