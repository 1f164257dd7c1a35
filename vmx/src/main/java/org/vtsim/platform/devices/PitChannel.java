package org.vtsim.platform.devices;

import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.platform.IrqLine;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * One counter of the Intel 8254 (datasheet order 231164): modes 0 (interrupt on terminal count),
 * 2 (rate generator) and 3 (square wave), binary counting. The counter value and OUT are
 * computed from the PIT ticks elapsed since the count was loaded, so reads are exact at any
 * cycle; a scheduler timer drives OUT's transitions onto the IRQ line.
 */
public final class PitChannel {
    // Read/write access modes (control word bits 5:4).
    public static final int RW_LATCH = 0;
    public static final int RW_LSB = 1;
    public static final int RW_MSB = 2;
    public static final int RW_LSB_MSB = 3;

    // Read-back status byte bits (datasheet, "Read-Back Command").
    public static final int STATUS_OUTPUT = 0x80;
    public static final int STATUS_NULL_COUNT = 0x40;

    private final int index;
    private final DeviceClock clock;
    private final EventScheduler scheduler;
    private final IrqLine out;
    private final EventScheduler.Timer timer;

    private int mode;
    private int rwMode = RW_LSB_MSB;
    private boolean gate;
    /** The count register (CR) as loaded; 0 stands for 65536. */
    private int count;
    private boolean counting;
    private boolean nullCount = true;
    /** Ticks counted before the last gate pause (mode 0 pauses while GATE is low). */
    private long elapsedBefore;
    /** Tick at which counting (re)started. */
    private long startTick;

    private boolean writeHighNext;
    private int writeLow;
    private boolean readHighNext;
    private boolean latched;
    private int latchedCount;
    private boolean latchedHighNext;
    private boolean statusLatched;
    private int latchedStatus;
    private boolean lastOut;

    PitChannel(int index, DeviceClock clock, EventScheduler scheduler, IrqLine out, boolean gate) {
        this.index = index;
        this.clock = clock;
        this.scheduler = scheduler;
        this.out = out;
        this.gate = gate;
        this.timer = scheduler.newTimer("PIT channel " + index, c -> refreshOutput());
    }

    private long nowTick() {
        return clock.ticksAt(scheduler.now());
    }

    private long period() {
        return count == 0 ? 0x10000 : count;
    }

    /** Ticks counted since the count was loaded. */
    private long elapsed() {
        return elapsedBefore + (counting && gate ? nowTick() - startTick : 0);
    }

    /** Control word for this counter (bits 5:0: RW, mode, BCD). */
    void control(int value) {
        int rw = (value >>> 4) & 3;
        if (rw == RW_LATCH) {
            latchCount();
            return;
        }
        if ((value & 1) != 0) {
            throw new UnsupportedFeature("8254 BCD counting (counter " + index + ")");
        }
        int m = (value >>> 1) & 7;
        if (m >= 6) {
            m -= 4; // modes 6 and 7 are aliases of 2 and 3 (datasheet, control word format)
        }
        if (m != 0 && m != 2 && m != 3) {
            throw new UnsupportedFeature("8254 mode " + m + " (counter " + index + ")");
        }
        mode = m;
        rwMode = rw;
        writeHighNext = false;
        readHighNext = false;
        latched = false;
        statusLatched = false;
        counting = false;
        elapsedBefore = 0;
        nullCount = true;
        timer.cancel();
        // "When a Control Word is written to a Counter ... OUT goes to a known initial state":
        // low in mode 0, high in modes 2 and 3.
        setOut(mode != 0);
    }

    void writeCount(int value) {
        value &= 0xff;
        switch (rwMode) {
            case RW_LSB -> load(value);
            case RW_MSB -> load(value << 8);
            default -> {
                if (!writeHighNext) {
                    writeLow = value;
                    writeHighNext = true;
                    if (mode == 0) {
                        // Mode 0: writing the first byte disables counting (datasheet, mode 0).
                        elapsedBefore = elapsed();
                        counting = false;
                        setOut(false);
                        timer.cancel();
                    }
                } else {
                    writeHighNext = false;
                    load(writeLow | (value << 8));
                }
            }
        }
    }

    private void load(int value) {
        boolean reload = !(counting && (mode == 2 || mode == 3));
        count = value & 0xffff;
        nullCount = false;
        if (reload) {
            // Modes 0 (always) and 2/3 (first load): counting starts from the new count.
            elapsedBefore = 0;
            startTick = nowTick();
            counting = true;
            if (mode == 0) {
                setOut(false);
            }
        } else {
            // Modes 2/3 while counting: the new count takes effect at the end of the current
            // period (datasheet). Rebase so the current period completes with the old count.
            // Simplification: the new period starts now (QEMU behaves the same way).
            elapsedBefore = 0;
            startTick = nowTick();
        }
        refreshOutput();
    }

    void latchCount() {
        if (!latched) {
            latched = true;
            latchedCount = counterValue();
            latchedHighNext = false;
        }
    }

    void latchStatus() {
        if (!statusLatched) {
            statusLatched = true;
            latchedStatus = (output() ? STATUS_OUTPUT : 0) | (nullCount ? STATUS_NULL_COUNT : 0) | (rwMode << 4)
                    | (mode << 1);
        }
    }

    int read() {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        int value;
        boolean high;
        if (latched) {
            value = latchedCount;
            if (rwMode == RW_LSB_MSB && !latchedHighNext) {
                latchedHighNext = true;
                return value & 0xff;
            }
            latched = false;
            high = rwMode == RW_MSB || rwMode == RW_LSB_MSB;
        } else {
            value = counterValue();
            if (rwMode == RW_LSB_MSB) {
                high = readHighNext;
                readHighNext = !readHighNext;
            } else {
                high = rwMode == RW_MSB;
            }
        }
        return high ? (value >>> 8) & 0xff : value & 0xff;
    }

    /** The counting element (CE) now. */
    public int counterValue() {
        if (!counting) {
            return count;
        }
        long d = elapsed();
        long n = period();
        return switch (mode) {
            case 0 -> (int) ((n - d) & 0xffff);
            case 2 -> (int) (n - d % n) & 0xffff;
            default -> (int) (n - (2 * d) % n) & 0xffff; // mode 3 counts down by two
        };
    }

    /** OUT now. */
    public boolean output() {
        if (!counting) {
            return mode != 0; // mode 0 holds OUT low until counting ends; 2 and 3 idle high
        }
        if (!gate && mode != 0) {
            return true; // modes 2, 3: GATE low forces OUT high
        }
        long d = elapsed();
        long n = period();
        return switch (mode) {
            case 0 -> d >= n;
            case 2 -> d % n != n - 1; // low for the one clock the counter holds 1
            default -> d % n < (n + 1) / 2; // high for ceil(N/2), low for floor(N/2)
        };
    }

    /** PIT ticks from now to OUT's next transition, or -1 if it will not change. */
    private long ticksToNextTransition() {
        if (!counting || (!gate)) {
            return -1;
        }
        long d = elapsed();
        long n = period();
        long phase = d % n;
        return switch (mode) {
            case 0 -> d < n ? n - d : -1;
            case 2 -> n == 1 ? -1 : (phase < n - 1 ? n - 1 - phase : 1);
            default -> {
                long high = (n + 1) / 2;
                if (n == 1) {
                    yield -1;
                }
                yield phase < high ? high - phase : n - phase;
            }
        };
    }

    private void refreshOutput() {
        setOut(output());
        long t = ticksToNextTransition();
        if (t < 0) {
            timer.cancel();
        } else {
            timer.arm(clock.cycleOfTick(nowTick() + t));
        }
    }

    private void setOut(boolean level) {
        if (level != lastOut) {
            lastOut = level;
            out.setLevel(level);
        }
    }

    void setGate(boolean level) {
        if (level == gate) {
            return;
        }
        if (!level) {
            elapsedBefore = elapsed();
            gate = false;
        } else {
            gate = true;
            if (mode == 2 || mode == 3) {
                elapsedBefore = 0; // a rising GATE restarts the count in modes 2 and 3
            }
            startTick = nowTick();
        }
        if (counting) {
            refreshOutput();
        } else {
            setOut(output());
        }
    }

    public int mode() {
        return mode;
    }
}
