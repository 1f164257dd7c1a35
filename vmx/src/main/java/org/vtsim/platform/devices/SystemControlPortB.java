package org.vtsim.platform.devices;

import org.vtsim.platform.ByteRegisters;
import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;

/**
 * Port 0x61 of the PC/AT (system control port B): bit 0 gates PIT counter 2, bit 1 enables the
 * speaker data, bit 4 toggles with the DRAM refresh request (every 15.085 us, as QEMU models
 * it), bit 5 reflects counter 2's OUT. Software uses bits 0 and 5 to time delays.
 */
public final class SystemControlPortB implements ByteRegisters {
    public static final int PORT = 0x61;
    public static final int TIMER2_GATE = 0x01;
    public static final int SPEAKER_DATA = 0x02;
    public static final int REFRESH_TOGGLE = 0x10;
    public static final int TIMER2_OUT = 0x20;
    /** The refresh request period, 15.085 us, in ns. */
    private static final long REFRESH_PERIOD_NS = 15_085;

    private final Pit8254 pit;
    private final EventScheduler scheduler;
    private final DeviceClock nanos;
    private int value;

    public SystemControlPortB(Pit8254 pit, EventScheduler scheduler, long cpuHz) {
        this.pit = pit;
        this.scheduler = scheduler;
        this.nanos = new DeviceClock(1_000_000_000L, cpuHz);
    }

    @Override
    public int read(int offset) {
        boolean refresh = ((nanos.ticksAt(scheduler.now()) / REFRESH_PERIOD_NS) & 1) != 0;
        return (value & (TIMER2_GATE | SPEAKER_DATA)) | (refresh ? REFRESH_TOGGLE : 0)
                | (pit.channel(2).output() ? TIMER2_OUT : 0);
    }

    @Override
    public void write(int offset, int v) {
        value = v & (TIMER2_GATE | SPEAKER_DATA);
        pit.channel(2).setGate((value & TIMER2_GATE) != 0);
    }
}
