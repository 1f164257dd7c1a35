package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.platform.PcPlatform;

/** Facts of the 8254 datasheet, and the PIT driving IRQ0 through the 8259A on the scheduler. */
class Pit8254Test {
    static final long CPU_HZ = 2_000_000_000L;

    /** Records the cycles of OUT's rising edges. */
    static final class Edges {
        final EventScheduler s;
        final List<Long> rising = new ArrayList<>();
        boolean level;

        Edges(EventScheduler s) {
            this.s = s;
        }

        void set(boolean high) {
            if (high && !level) {
                rising.add(s.now());
            }
            level = high;
        }
    }

    @Test
    void mode2AtDivisorNRaisesOutEveryNPitClocks() {
        qt().withExamples(40).forAll(integers().between(2, 0x10000)).checkAssert(n -> {
            EventScheduler s = new EventScheduler();
            Edges e = new Edges(s);
            Pit8254 pit = new Pit8254(s, CPU_HZ, e::set);
            s.advanceTo(12345);
            pit.write(3, 0x34); // counter 0, lobyte/hibyte, mode 2
            pit.write(0, n & 0xff);
            pit.write(0, n >>> 8);
            e.rising.clear();
            DeviceClock clk = new DeviceClock(Pit8254.FREQUENCY_HZ, CPU_HZ);
            long start = clk.ticksAt(12345);
            s.advanceTo(clk.cycleOfTick(start + 5L * (n == 0x10000 ? 0x10000 : n)));
            assertEquals(5, e.rising.size());
            for (int k = 1; k <= 5; k++) {
                // k-th rising edge at the first cycle where N*k PIT clocks have elapsed: every
                // N * cpuHz / 1193182 cycles on average, with no drift.
                assertEquals(clk.cycleOfTick(start + (long) k * n), e.rising.get(k - 1));
            }
        });
    }

    @Test
    void pitMode2ReachesTheCpuAsVector0x20ThroughThePic() {
        PcPlatform p = PcPlatform.builder().cpuHz(CPU_HZ).build();
        p.ioWrite(0x40 + 3, 1, 0x34);
        p.ioWrite(0x40, 1, 1193 & 0xff); // ~1 kHz
        p.ioWrite(0x40, 1, 1193 >> 8);
        // Initialising the PIC after the PIT clears the IRR bit the control word's edge latched.
        Pic8259Test.initPc(p.pic().master(), p.pic().slave(), 0x01);
        List<Long> ticks = new ArrayList<>();
        long cycle = 0;
        while (ticks.size() < 3) {
            cycle = p.nextEventCycle();
            p.advanceTo(cycle);
            if (p.interruptPending()) {
                assertEquals(0x20, p.acknowledgeInterrupt());
                p.ioWrite(0x20, 1, 0x20); // EOI
                ticks.add(cycle);
            }
        }
        DeviceClock clk = new DeviceClock(Pit8254.FREQUENCY_HZ, CPU_HZ);
        assertEquals(List.of(clk.cycleOfTick(1193), clk.cycleOfTick(2 * 1193), clk.cycleOfTick(3 * 1193)), ticks);
    }

    @Test
    void mode3IsASquareWaveHighForHalfThePeriod() {
        EventScheduler s = new EventScheduler();
        Edges e = new Edges(s);
        Pit8254 pit = new Pit8254(s, Pit8254.FREQUENCY_HZ, e::set); // 1 cycle = 1 PIT clock
        pit.write(3, 0x36);
        pit.write(0, 10);
        pit.write(0, 0);
        s.advanceTo(4);
        assertTrue(pit.channel(0).output());
        s.advanceTo(5);
        assertEquals(false, pit.channel(0).output());
        s.advanceTo(10);
        assertTrue(pit.channel(0).output());
        // The control word itself sets OUT high ("initial state high" in mode 3), then every N clocks.
        assertEquals(List.of(0L, 10L), e.rising);
        assertEquals(10 - 2 * 3, counter(pit, s, 13), "mode 3 counts down by two");
    }

    static int counter(Pit8254 pit, EventScheduler s, long cycle) {
        s.advanceTo(cycle);
        pit.write(3, 0x00); // counter latch command, counter 0
        int lo = pit.read(0);
        return lo | pit.read(0) << 8;
    }

    @Test
    void mode0OutGoesHighAtTerminalCountAndStays() {
        EventScheduler s = new EventScheduler();
        Edges e = new Edges(s);
        Pit8254 pit = new Pit8254(s, Pit8254.FREQUENCY_HZ, e::set);
        pit.write(3, 0x30); // lohi, mode 0
        pit.write(0, 100);
        pit.write(0, 0);
        assertEquals(false, pit.channel(0).output());
        assertEquals(60, counter(pit, s, 40));
        s.advanceTo(100);
        assertEquals(List.of(100L), e.rising);
        s.advanceTo(1000);
        assertEquals(1, e.rising.size());
    }

    @Test
    void latchedCountIsHeldUntilReadEvenAsTheCounterMoves() {
        EventScheduler s = new EventScheduler();
        Pit8254 pit = new Pit8254(s, Pit8254.FREQUENCY_HZ, h -> { });
        pit.write(3, 0x34);
        pit.write(0, 0);
        pit.write(0, 0x10); // 0x1000
        s.advanceTo(0x10);
        pit.write(3, 0x00);
        s.advanceTo(0x20);
        pit.write(3, 0x00); // a second latch before reading is ignored
        assertEquals(0xf0, pit.read(0));
        assertEquals(0x0f, pit.read(0));
        assertEquals(0xe0, pit.read(0), "after the latch is read, reads follow the counter");
    }

    @Test
    void lobyteOnlyAccessLoadsTheLowByte() {
        EventScheduler s = new EventScheduler();
        Pit8254 pit = new Pit8254(s, Pit8254.FREQUENCY_HZ, h -> { });
        pit.write(3, 0x14); // counter 0, LSB only, mode 2
        pit.write(0, 50);
        s.advanceTo(5);
        assertEquals(45, pit.read(0));
        assertEquals(45, pit.read(0), "LSB-only reads never toggle to the MSB");
    }

    @Test
    void readBackLatchesStatusThenCount() {
        EventScheduler s = new EventScheduler();
        Pit8254 pit = new Pit8254(s, Pit8254.FREQUENCY_HZ, h -> { });
        pit.write(3, 0xb6); // counter 2, lohi, mode 3
        pit.write(3, 0xc8); // read-back: count and status of counter 2
        int status = pit.read(2);
        assertEquals(0xf6, status, "OUT high (0x80), null count (0x40), RW=3 (0x30), mode 3 (0x06)");
        pit.write(2, 0x34);
        pit.write(2, 0x12);
        pit.write(3, 0xe8); // status only (bit 5 = 1: do not latch count)
        assertEquals(0x36, pit.read(2) & 0x7f, "count loaded: null count clear");
    }

    @Test
    void counter2GateAndOutAreOnPort0x61() {
        PcPlatform p = PcPlatform.builder().cpuHz(Pit8254.FREQUENCY_HZ).build();
        p.ioWrite(0x61, 1, 0x01); // gate high, speaker off: the Linux calibration set-up
        p.ioWrite(0x43, 1, 0xb0); // counter 2, lohi, mode 0
        p.ioWrite(0x42, 1, 100);
        p.ioWrite(0x42, 1, 0);
        p.advanceTo(99);
        assertEquals(0, p.ioRead(0x61, 1) & 0x20);
        p.advanceTo(100);
        assertEquals(0x20, p.ioRead(0x61, 1) & 0x20);
        assertEquals(0x01, p.ioRead(0x61, 1) & 0x03);
    }

    static final DeviceClock CLK = new DeviceClock(Pit8254.FREQUENCY_HZ, CPU_HZ);

    @Test
    void mode4StrobesOutLowForOneClockAtTerminalCountOnce() {
        EventScheduler s = new EventScheduler();
        Edges e = new Edges(s);
        Pit8254 pit = new Pit8254(s, CPU_HZ, e::set);
        s.advanceTo(1000);
        pit.write(3, 0x38); // counter 0, lobyte/hibyte, mode 4: OUT high
        assertTrue(pit.channel(0).output());
        pit.write(0, 100);
        pit.write(0, 0);
        long start = CLK.ticksAt(1000);
        e.rising.clear();
        s.advanceTo(CLK.cycleOfTick(start + 100));
        assertFalse(pit.channel(0).output(), "low at terminal count");
        s.advanceTo(CLK.cycleOfTick(start + 5000));
        assertTrue(pit.channel(0).output());
        assertEquals(List.of(CLK.cycleOfTick(start + 101)), e.rising, "one strobe, not repeated");
    }

    @Test
    void bcdCountingReadsDecimalDigitsAndEndsAfterTheDecimalCount() {
        EventScheduler s = new EventScheduler();
        Pit8254 pit = new Pit8254(s, CPU_HZ, h -> { });
        pit.write(3, 0x31); // counter 0, lobyte/hibyte, mode 0, BCD
        pit.write(0, 0x00);
        pit.write(0, 0x01); // 0100 BCD: one hundred
        long start = CLK.ticksAt(0);
        s.advanceTo(CLK.cycleOfTick(start + 1));
        pit.write(3, 0x00); // latch counter 0
        assertEquals(0x99, pit.read(0));
        assertEquals(0x00, pit.read(0));
        s.advanceTo(CLK.cycleOfTick(start + 99));
        assertFalse(pit.channel(0).output());
        s.advanceTo(CLK.cycleOfTick(start + 100));
        assertTrue(pit.channel(0).output(), "terminal count after 100 decimal clocks");
        s.advanceTo(CLK.cycleOfTick(start + 101));
        pit.write(3, 0x00);
        assertEquals(0x99, pit.read(0), "counting on through 0 wraps to 9999");
        assertEquals(0x99, pit.read(0));
        pit.write(3, 0xe2); // read-back: status of counter 0
        assertEquals(0x31, pit.read(0) & 0x3f, "status: lobyte/hibyte, mode 0, BCD");
    }

    @Test
    void mode1IsAOneShotTriggeredByTheGateRisingEdge() {
        EventScheduler s = new EventScheduler();
        Pit8254 pit = new Pit8254(s, CPU_HZ, h -> { });
        PitChannel c2 = pit.channel(2);
        c2.setGate(false);
        pit.write(3, 0xb2); // counter 2, lobyte/hibyte, mode 1
        pit.write(2, 50);
        pit.write(2, 0);
        s.advanceTo(CLK.cycleOfTick(CLK.ticksAt(0) + 500));
        assertTrue(c2.output(), "no trigger yet: OUT stays high");
        long t = CLK.ticksAt(s.now());
        c2.setGate(true);
        s.advanceTo(CLK.cycleOfTick(t + 49));
        assertFalse(c2.output(), "low from the trigger");
        c2.setGate(false); // GATE low does not stop a one-shot
        s.advanceTo(CLK.cycleOfTick(t + 50));
        assertTrue(c2.output(), "high at terminal count");
        c2.setGate(true); // retriggered
        assertFalse(c2.output());
    }
}
