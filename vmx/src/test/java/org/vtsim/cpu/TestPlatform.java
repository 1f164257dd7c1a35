package org.vtsim.cpu;

import java.util.ArrayList;
import java.util.List;

/** A minimal platform for CPU tests: records port writes, a settable interrupt line and timer. */
public final class TestPlatform extends NoDevices {
    public final List<String> portWrites = new ArrayList<>();
    public int pendingVector = -1;
    public long timerAt = Long.MAX_VALUE;
    public int timerVector = -1;
    public boolean stop;
    public long lastAdvance;

    @Override
    public int ioRead(int port, int size) {
        return port == 0x42 ? 0x1234_5678 : -1;
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        portWrites.add(Integer.toHexString(port) + ":" + size + ":" + Integer.toHexString(value));
        if (port == 0xf4) {
            stop = true;
        }
    }

    @Override
    public long mmioStart() {
        return 0xfee00000L;
    }

    @Override
    public long mmioEnd() {
        return 0x100000000L;
    }

    @Override
    public boolean interruptPending() {
        return pendingVector >= 0;
    }

    @Override
    public int acknowledgeInterrupt() {
        int v = pendingVector;
        pendingVector = -1;
        return v;
    }

    @Override
    public void advanceTo(long cycle) {
        lastAdvance = cycle;
        if (cycle >= timerAt) {
            timerAt = Long.MAX_VALUE;
            pendingVector = timerVector;
        }
    }

    @Override
    public long nextEventCycle() {
        return timerAt;
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }
}
