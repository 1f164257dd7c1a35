package org.vtsim.platform.devices;

import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;

/**
 * The local APIC timer (SDM Vol. 3A 10.5.4): a 32-bit down-counter clocked by the bus clock
 * divided per the divide configuration register, in one-shot or periodic mode, and the
 * TSC-deadline mode of 10.5.4.1 (IA32_TSC_DEADLINE, MSR 0x6e0). The TSC is taken to be the CPU
 * cycle counter, i.e. simulated time.
 */
final class ApicTimer {
    private final DeviceClock bus;
    private final EventScheduler scheduler;
    private final EventScheduler.Timer timer;
    private final Runnable expire;

    private int mode;
    private long initialCount;
    private int divideConfig;
    /** Bus tick at which the counter held {@link #baseCount}; the counter runs when baseCount > 0. */
    private long baseTick;
    private long baseCount;
    private long deadline;

    ApicTimer(DeviceClock bus, EventScheduler scheduler, Runnable expire) {
        this.bus = bus;
        this.scheduler = scheduler;
        this.expire = expire;
        this.timer = scheduler.newTimer("APIC timer", this::fired);
    }

    /** Divide value from DCR bits 3, 1:0 (SDM Figure 10-10): 2, 4, ..., 128, then 1. */
    static int divisor(int dcr) {
        int v = ((dcr & 8) >>> 1) | (dcr & 3);
        return v == 7 ? 1 : 2 << v;
    }

    private long nowTick() {
        return bus.ticksAt(scheduler.now());
    }

    void reset() {
        timer.cancel();
        mode = ApicRegisters.TIMER_ONE_SHOT;
        initialCount = 0;
        divideConfig = 0;
        baseCount = 0;
        deadline = 0;
    }

    /** The LVT timer mode field changed (SDM 10.5.4.1: switching modes disarms the timer). */
    void setMode(int newMode) {
        if (newMode == mode) {
            return;
        }
        boolean deadlineBefore = mode == ApicRegisters.TIMER_TSC_DEADLINE;
        boolean deadlineAfter = newMode == ApicRegisters.TIMER_TSC_DEADLINE;
        mode = newMode;
        if (deadlineBefore != deadlineAfter) {
            timer.cancel();
            baseCount = 0;
            initialCount = 0;
            deadline = 0;
        }
    }

    int mode() {
        return mode;
    }

    void writeInitialCount(long value) {
        if (mode == ApicRegisters.TIMER_TSC_DEADLINE) {
            return; // ignored in TSC-deadline mode (SDM 10.5.4.1)
        }
        initialCount = value & 0xffffffffL;
        baseCount = initialCount; // writing the initial count starts the countdown; 0 stops it
        baseTick = nowTick();
        rearm();
    }

    long initialCount() {
        return initialCount;
    }

    long currentCount() {
        if (baseCount == 0 || mode == ApicRegisters.TIMER_TSC_DEADLINE) {
            return 0;
        }
        long units = (nowTick() - baseTick) / divisor(divideConfig);
        return Math.max(baseCount - units, 0);
    }

    void writeDivideConfig(int value) {
        long current = currentCount();
        divideConfig = value & 0xb;
        if (baseCount != 0 && current != 0) {
            baseCount = current; // keep counting from where it is with the new divisor
            baseTick = nowTick();
            rearm();
        }
    }

    int divideConfig() {
        return divideConfig;
    }

    private void rearm() {
        if (baseCount == 0) {
            timer.cancel();
        } else {
            timer.arm(bus.cycleOfTick(baseTick + baseCount * divisor(divideConfig)));
        }
    }

    private void fired(long cycle) {
        if (mode == ApicRegisters.TIMER_TSC_DEADLINE) {
            deadline = 0; // the MSR reads 0 once the deadline has passed
            expire.run();
            return;
        }
        long expiryTick = baseTick + baseCount * divisor(divideConfig);
        if (mode == ApicRegisters.TIMER_PERIODIC && initialCount != 0) {
            baseTick = expiryTick; // reload from the initial count (SDM 10.5.4)
            baseCount = initialCount;
            rearm();
        } else {
            baseCount = 0;
        }
        expire.run();
    }

    long readDeadline() {
        return mode == ApicRegisters.TIMER_TSC_DEADLINE ? deadline : 0;
    }

    void writeDeadline(long value) {
        if (mode != ApicRegisters.TIMER_TSC_DEADLINE) {
            return; // writes are ignored outside TSC-deadline mode (SDM 10.5.4.1)
        }
        deadline = value;
        if (value == 0) {
            timer.cancel(); // writing 0 disarms
        } else {
            timer.arm(value < 0 ? Long.MAX_VALUE : value); // unsigned; a past deadline fires at once
        }
    }
}
