package org.vtsim.platform;

import java.math.BigInteger;

/**
 * Converts between CPU cycles (the simulation's time base) and the ticks of a device clock
 * (the PIT's 1.193182 MHz, the APIC bus clock, the RTC's seconds), exactly and without drift:
 * both directions are computed from absolute counts since cycle 0, never by accumulating
 * rounded intervals.
 */
public final class DeviceClock {
    private final long deviceHz;
    private final long cpuHz;

    public DeviceClock(long deviceHz, long cpuHz) {
        if (deviceHz <= 0 || cpuHz <= 0) {
            throw new IllegalArgumentException("clock frequencies must be positive: " + deviceHz + ", " + cpuHz);
        }
        this.deviceHz = deviceHz;
        this.cpuHz = cpuHz;
    }

    public long deviceHz() {
        return deviceHz;
    }

    public long cpuHz() {
        return cpuHz;
    }

    /** Whole device ticks elapsed at CPU cycle {@code cycle}: floor(cycle * deviceHz / cpuHz). */
    public long ticksAt(long cycle) {
        return mulDiv(cycle, deviceHz, cpuHz, false);
    }

    /** The first CPU cycle at which {@code tick} ticks have elapsed: ceil(tick * cpuHz / deviceHz). */
    public long cycleOfTick(long tick) {
        return mulDiv(tick, cpuHz, deviceHz, true);
    }

    static long mulDiv(long a, long b, long d, boolean ceil) {
        if (a < 0) {
            throw new IllegalArgumentException("negative time: " + a);
        }
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0) {
            long q = lo / d;
            return ceil && q * d != lo ? q + 1 : q;
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(d));
        BigInteger q = ceil && qr[1].signum() != 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return q.bitLength() < 63 ? q.longValue() : Long.MAX_VALUE;
    }
}
