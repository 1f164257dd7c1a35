package org.vtsim.platform.devices;

import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.platform.IrqLine;

/**
 * One counter of the Intel 8254 (datasheet order 231164): all six modes — 0 (interrupt on terminal
 * count), 1 (hardware retriggerable one-shot), 2 (rate generator), 3 (square wave), 4 (software
 * triggered strobe), 5 (hardware triggered strobe) — counting in binary or BCD. The counter value and
 * OUT are computed from the PIT ticks elapsed since the count was loaded (modes 1 and 5: since the
 * last GATE rising edge after a count was written), so reads are exact at any cycle; a scheduler timer
 * drives OUT's transitions onto the IRQ line. On the PC the GATE of counters 0 and 1 is tied high, so
 * modes 1 and 5 are never triggered there; counter 2's GATE is port 0x61 bit 0.
 *
 * <p>BCD counting runs through 0-9999 (a count of 0 is 10000). A count whose digits are not all
 * decimal (a nibble above 9) counts as the sum of its digits' weights; what the chip does with such a
 * count is not in the datasheet.
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
    private boolean bcd;
    private int rwMode = RW_LSB_MSB;
    private boolean gate;
    /** The count register (CR) as loaded; 0 stands for 65536. */
    private int count;
    /** The count the counting element started from (modes 1 and 5 take a new count only at a trigger). */
    private int active;
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

    /** Modes 1 and 5 start on a GATE rising edge and are not stopped by GATE low. */
    private boolean hardwareTriggered() {
        return mode == 1 || mode == 5;
    }

    private int modulus() {
        return bcd ? 10000 : 0x10000;
    }

    private long period() {
        int c = active;
        if (c == 0) {
            return modulus();
        }
        if (!bcd) {
            return c;
        }
        return (c >>> 12 & 15) * 1000 + (c >>> 8 & 15) * 100 + (c >>> 4 & 15) * 10 + (c & 15);
    }

    /** A binary value 0..modulus-1 as the counting element holds it. */
    private int encode(long value) {
        int v = (int) Math.floorMod(value, (long) modulus());
        if (!bcd) {
            return v;
        }
        return v / 1000 << 12 | v / 100 % 10 << 8 | v / 10 % 10 << 4 | v % 10;
    }

    /** Ticks counted since the count was loaded. */
    private long elapsed() {
        return elapsedBefore + (counting && (gate || hardwareTriggered()) ? nowTick() - startTick : 0);
    }

    /** Control word for this counter (bits 5:0: RW, mode, BCD). */
    void control(int value) {
        int rw = (value >>> 4) & 3;
        if (rw == RW_LATCH) {
            latchCount();
            return;
        }
        int m = (value >>> 1) & 7;
        if (m >= 6) {
            m -= 4; // modes 6 and 7 are aliases of 2 and 3 (datasheet, control word format)
        }
        mode = m;
        bcd = (value & 1) != 0;
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
        // low in mode 0, high in every other mode.
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
        if (hardwareTriggered()) {
            return; // modes 1 and 5: the count is used at the next GATE rising edge (datasheet)
        }
        active = count;
        if (reload) {
            // Modes 0 and 4 (always) and 2/3 (first load): counting starts from the new count.
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
                    | (mode << 1) | (bcd ? 1 : 0);
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
            case 2 -> encode(n - d % n);
            case 3 -> encode(n - (2 * d) % n); // mode 3 counts down by two
            default -> encode(n - d); // modes 0, 1, 4, 5 count on through 0 (wrapping)
        };
    }

    /** OUT now. */
    public boolean output() {
        if (!counting) {
            return mode != 0; // mode 0 holds OUT low until counting ends; the others idle high
        }
        if (!gate && (mode == 2 || mode == 3)) {
            return true; // modes 2, 3: GATE low forces OUT high
        }
        long d = elapsed();
        long n = period();
        return switch (mode) {
            case 0, 1 -> d >= n; // mode 1: low from the trigger until terminal count
            case 2 -> d % n != n - 1; // low for the one clock the counter holds 1
            case 3 -> d % n < (n + 1) / 2; // high for ceil(N/2), low for floor(N/2)
            default -> d != n; // modes 4, 5: low for the one clock of terminal count
        };
    }

    /** PIT ticks from now to OUT's next transition, or -1 if it will not change. */
    private long ticksToNextTransition() {
        if (!counting || (!gate && !hardwareTriggered())) {
            return -1;
        }
        long d = elapsed();
        long n = period();
        long phase = d % n;
        return switch (mode) {
            case 0, 1 -> d < n ? n - d : -1;
            case 4, 5 -> d < n ? n - d : d == n ? 1 : -1;
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
            if (!hardwareTriggered()) {
                elapsedBefore = elapsed(); // modes 0 and 4 pause while GATE is low
            }
            gate = false;
        } else {
            gate = true;
            if (mode == 2 || mode == 3) {
                elapsedBefore = 0; // a rising GATE restarts the count in modes 2 and 3
            }
            if (hardwareTriggered()) {
                if (!nullCount || counting) {
                    // Modes 1 and 5: a rising GATE (re)triggers from the count register (datasheet).
                    elapsedBefore = 0;
                    counting = true;
                    nullCount = false;
                    active = count;
                } else {
                    return; // no count written yet: nothing to trigger
                }
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
