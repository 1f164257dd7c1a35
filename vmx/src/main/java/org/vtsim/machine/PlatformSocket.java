package org.vtsim.machine;

import org.vtsim.cpu.Platform;
import org.vtsim.platform.PcPlatform;

/**
 * The processor's one connection to the PC's devices, through which {@link Machine#reset()} swaps in a
 * freshly built {@link PcPlatform}: a system reset puts every device in its power-on state (QEMU's
 * qemu_system_reset walks its devices' reset handlers), and a new platform is that state by
 * construction, so no device needs a reset routine that could drift from its constructor. The CPU, the
 * VMX unit and the monitor keep this socket, never a particular platform. Every {@link Platform} method
 * is forwarded, the default ones too ({@code PlatformSocketTest} checks that none is left out).
 */
final class PlatformSocket implements Platform {
    private PcPlatform devices;

    PlatformSocket(PcPlatform devices) {
        this.devices = devices;
    }

    PcPlatform devices() {
        return devices;
    }

    /** Replaces the devices (at a system reset; never while the processor runs). */
    void plug(PcPlatform fresh) {
        this.devices = fresh;
    }

    @Override
    public int ioRead(int port, int size) {
        return devices.ioRead(port, size);
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        devices.ioWrite(port, size, value);
    }

    @Override
    public long mmioStart() {
        return devices.mmioStart();
    }

    @Override
    public long mmioEnd() {
        return devices.mmioEnd();
    }

    @Override
    public long mmioRead(long pa, int size) {
        return devices.mmioRead(pa, size);
    }

    @Override
    public void mmioWrite(long pa, int size, long value) {
        devices.mmioWrite(pa, size, value);
    }

    @Override
    public boolean ownsMsr(int msr) {
        return devices.ownsMsr(msr);
    }

    @Override
    public long readMsr(int msr) {
        return devices.readMsr(msr);
    }

    @Override
    public void writeMsr(int msr, long value) {
        devices.writeMsr(msr, value);
    }

    @Override
    public boolean interruptPending() {
        return devices.interruptPending();
    }

    @Override
    public boolean takeNmi() {
        return devices.takeNmi();
    }

    @Override
    public int acknowledgeInterrupt() {
        return devices.acknowledgeInterrupt();
    }

    @Override
    public void advanceTo(long cycle) {
        devices.advanceTo(cycle);
    }

    @Override
    public long nextEventCycle() {
        return devices.nextEventCycle();
    }

    @Override
    public boolean stopRequested() {
        return devices.stopRequested();
    }

    @Override
    public int taskPriorityClass() {
        return devices.taskPriorityClass();
    }

    @Override
    public void setTaskPriorityClass(int priorityClass) {
        devices.setTaskPriorityClass(priorityClass);
    }
}
