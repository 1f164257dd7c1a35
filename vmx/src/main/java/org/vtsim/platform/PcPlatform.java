package org.vtsim.platform;

import org.vtsim.cpu.UnsupportedFeature;
import java.io.OutputStream;
import java.time.Instant;
import java.util.OptionalInt;
import org.vtsim.cpu.Platform;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.devices.CmosRtc;
import org.vtsim.platform.devices.DebugExit;
import org.vtsim.platform.devices.DualPic8259;
import org.vtsim.platform.devices.FwCfg;
import org.vtsim.platform.devices.LocalApic;
import org.vtsim.platform.devices.Pit8254;
import org.vtsim.platform.devices.PostCodePort;
import org.vtsim.platform.devices.SystemControlPortA;
import org.vtsim.platform.devices.SystemControlPortB;
import org.vtsim.platform.devices.Uart16550;

/**
 * A one-processor PC at QEMU's conventions ({@code qemu-system-x86_64 -M pc -device
 * isa-debug-exit,iobase=0xf4,iosize=0x4}), as the CPU sees it through {@link Platform}.
 *
 * <pre>
 * I/O  0x20-0x21, 0xa0-0xa1  8259A master/slave     IRQ0 = PIT counter 0, IRQ4 = COM1
 *      0x40-0x43             8254 PIT               0x61 port B (counter 2 gate/out)
 *      0x70-0x71             CMOS/RTC               0x80 POST code, 0x92 port A (A20)
 *      0xf4-0xf7             isa-debug-exit         0x3f8-0x3ff COM1 16550A
 *      0x510, 0x511          fw_cfg selector/data
 * MMIO 0xfee00000-0xfee00fff local APIC (xAPIC)     window 0xfec00000-0x100000000
 * MSR  0x1b IA32_APIC_BASE, 0x6e0 IA32_TSC_DEADLINE, 0x800-0x8ff x2APIC
 * </pre>
 *
 * <p>Interrupts reach INTR as on a PC: the local APIC's fixed interrupts first, then the
 * 8259A pair through LINT0 in ExtINT mode, or the 8259A directly when the APIC is globally
 * disabled. Time is the CPU's cycle counter; device clocks are derived from {@code cpuHz}. The
 * CPU should call {@link #advanceTo(long)} before each I/O or MMIO access so that devices read
 * their state at the current cycle (a PIT count read in a polling loop, for instance).
 *
 * <p>Devices fail loudly with {@link UnsupportedFeature} for features they lack.
 */
public final class PcPlatform implements Platform {
    public static final int COM1_PORT = 0x3f8;
    public static final int COM1_IRQ = 4;
    public static final int PIT_IRQ = 0;
    public static final long DEFAULT_CPU_HZ = 2_000_000_000L;
    public static final long DEFAULT_RAM = 128L << 20; // QEMU's default -m
    /** 2024-01-01T00:00:00Z: the default fixed RTC epoch, so runs are deterministic. */
    public static final Instant DEFAULT_EPOCH = Instant.parse("2024-01-01T00:00:00Z");
    /** QEMU TCG's default phys-bits; bounds the IA32_APIC_BASE address field. */
    public static final int DEFAULT_MAX_PHYS_ADDR = 40;

    private final PhysicalMemory memory;
    private PhysicalMemory addressSpace;
    private final MemoryLayout layout;
    private final long cpuHz;
    private final EventScheduler scheduler = new EventScheduler();
    private final Bus io = new Bus("I/O ports");
    private final Bus mmio = new Bus("MMIO");
    private final DualPic8259 pic = new DualPic8259();
    private final Uart16550 com1;
    private final DebugExit debugExit = new DebugExit();
    private final Pit8254 pit;
    private final CmosRtc rtc;
    private final FwCfg fwCfg;
    private final LocalApic apic;
    /** The processor's NMI input: NMI IPIs of the local APIC and {@link #raiseNmi}. */
    private final NmiLine nmi = new NmiLine();
    private final PostCodePort post = new PostCodePort();
    private final SystemControlPortA portA = new SystemControlPortA();

    private PcPlatform(Builder b) {
        this.layout = MemoryLayout.of(b.ramSize);
        this.memory = b.memory != null ? b.memory : new SparseMemory(Math.max(SparseMemory.DEFAULT_SIZE, layout.topOfRam()));
        if (memory.size() < layout.topOfRam()) {
            throw new IllegalArgumentException("physical memory of 0x" + Long.toHexString(memory.size())
                    + " bytes cannot hold RAM up to 0x" + Long.toHexString(layout.topOfRam()));
        }
        this.cpuHz = b.cpuHz;
        this.com1 = new Uart16550(b.serialOut, pic.irqLine(COM1_IRQ));
        if (b.serialIn != null) {
            com1.enqueueInput(b.serialIn);
        }
        this.pit = new Pit8254(scheduler, cpuHz, pic.irqLine(PIT_IRQ));
        this.rtc = new CmosRtc(scheduler, cpuHz, b.epoch.getEpochSecond());
        rtc.setMemorySizes(layout.ramBelow4g(), layout.ramAbove4g());
        this.fwCfg = new FwCfg(layout.ramSize(), 1, b.cmdline);
        this.apic = new LocalApic(scheduler, cpuHz, b.apicBusHz, b.maxPhysAddr);
        apic.connectNmi(nmi);

        io.register("8259A master", DualPic8259.MASTER_PORT, 2, pic.master().asBusDevice());
        io.register("8259A slave", DualPic8259.SLAVE_PORT, 2, pic.slave().asBusDevice());
        io.register("8254 PIT", Pit8254.BASE_PORT, 4, pit.asBusDevice());
        io.register("port B", SystemControlPortB.PORT, 1, new SystemControlPortB(pit, scheduler, cpuHz).asBusDevice());
        io.register("CMOS/RTC", CmosRtc.INDEX_PORT, 2, rtc.asBusDevice());
        io.register("POST code", PostCodePort.PORT, 1, post.asBusDevice());
        io.register("port A", SystemControlPortA.PORT, 1, portA.asBusDevice());
        io.register("isa-debug-exit", b.debugExitPort, DebugExit.DEFAULT_SIZE, debugExit);
        io.register("COM1", COM1_PORT, 8, com1.asBusDevice());
        io.register("fw_cfg selector", FwCfg.SELECTOR_PORT, 1, fwCfg.selectorPort());
        io.register("fw_cfg data", FwCfg.DATA_PORT, 1, fwCfg.dataPort());
        firmwareHandoff();
        mmio.register("local APIC", org.vtsim.platform.devices.ApicRegisters.DEFAULT_BASE, LocalApic.MMIO_SIZE,
                new XapicWindow(apic));
    }

    /**
     * The device state a PC BIOS (SeaBIOS under QEMU) leaves for the kernel it boots: the 8259A
     * pair initialised (vectors 0x08 and 0x70, cascade on IR2, 8086 mode) but, unlike SeaBIOS,
     * with every input masked, so no interrupt arrives before the kernel programs the PICs; PIT
     * counter 0 running in mode 3 with count 65536 (18.2 Hz), as the BIOS programs it.
     */
    private void firmwareHandoff() {
        int[][] icws = {{DualPic8259.MASTER_PORT, 0x08, 0x04}, {DualPic8259.SLAVE_PORT, 0x70, 0x02}};
        for (int[] icw : icws) {
            io.write(icw[0], 1, 0x11); // ICW1: edge, cascade, ICW4 needed
            io.write(icw[0] + 1, 1, icw[1]); // ICW2: vector base
            io.write(icw[0] + 1, 1, icw[2]); // ICW3: slave on IR2 / slave identity 2
            io.write(icw[0] + 1, 1, 0x01); // ICW4: 8086 mode
            io.write(icw[0] + 1, 1, 0xff); // OCW1: all masked
        }
        io.write(Pit8254.BASE_PORT + Pit8254.CONTROL, 1, 0x36); // counter 0, lobyte/hibyte, mode 3
        io.write(Pit8254.BASE_PORT, 1, 0);
        io.write(Pit8254.BASE_PORT, 1, 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Construction parameters; every one has a default. */
    public static final class Builder {
        private long ramSize = DEFAULT_RAM;
        private long cpuHz = DEFAULT_CPU_HZ;
        private long apicBusHz = LocalApic.DEFAULT_BUS_HZ;
        private OutputStream serialOut = OutputStream.nullOutputStream();
        private byte[] serialIn;
        private Instant epoch = DEFAULT_EPOCH;
        private String cmdline;
        private PhysicalMemory memory;
        private int maxPhysAddr = DEFAULT_MAX_PHYS_ADDR;
        private final int debugExitPort = DebugExit.DEFAULT_PORT;

        /** RAM in bytes (see {@link MemorySize#parse(String)} for "512M"-style text). */
        public Builder ramSize(long bytes) {
            this.ramSize = bytes;
            return this;
        }

        /** The CPU clock: how many cycles make one simulated second. */
        public Builder cpuHz(long hz) {
            if (hz <= 0) {
                throw new IllegalArgumentException("cpuHz must be positive: " + hz);
            }
            this.cpuHz = hz;
            return this;
        }

        /** The APIC timer's input clock (default 1 GHz, as QEMU and KVM). */
        public Builder apicBusHz(long hz) {
            if (hz <= 0) {
                throw new IllegalArgumentException("apicBusHz must be positive: " + hz);
            }
            this.apicBusHz = hz;
            return this;
        }

        /** Where COM1's transmitted bytes go, byte for byte (like {@code -serial stdio}). */
        public Builder serialOut(OutputStream out) {
            this.serialOut = out;
            return this;
        }

        /** Bytes COM1 receives, all available from the start. */
        public Builder serialIn(byte[] in) {
            this.serialIn = in.clone();
            return this;
        }

        /** The RTC's wall-clock time at cycle 0. */
        public Builder epoch(Instant t) {
            this.epoch = t;
            return this;
        }

        /** The kernel command line published through fw_cfg (items 0x14/0x15). */
        public Builder cmdline(String s) {
            this.cmdline = s;
            return this;
        }

        /** The physical memory to use (default: a fresh {@link SparseMemory} of 64 GiB). */
        public Builder memory(PhysicalMemory m) {
            this.memory = m;
            return this;
        }

        /** The CPU's MAXPHYADDR, to match CPUID leaf 0x80000008. */
        public Builder maxPhysAddr(int bits) {
            this.maxPhysAddr = bits;
            return this;
        }

        public PcPlatform build() {
            return new PcPlatform(this);
        }
    }

    /** The xAPIC page answers only while the APIC is enabled in xAPIC mode (SDM 10.4.3, 10.12.2). */
    private static final class XapicWindow implements BusDevice {
        private final LocalApic apic;

        XapicWindow(LocalApic apic) {
            this.apic = apic;
        }

        private boolean decoded() {
            return apic.globallyEnabled() && !apic.x2apicMode();
        }

        @Override
        public long read(long offset, int size) {
            return decoded() ? apic.read(offset, size) : -1L;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (decoded()) {
                apic.write(offset, size, value);
            }
        }

        @Override
        public int maxAccessSize() {
            return apic.maxAccessSize();
        }
    }

    // ----- accessors for the machine and tests -----

    public PhysicalMemory memory() {
        return memory;
    }

    /**
     * {@link #memory()} as a processor running natively on this PC should see it: RAM where the layout
     * puts RAM, unassigned memory (reads all ones, writes dropped) elsewhere ({@link PcPhysicalMemory}).
     * A monitor gives its guest the same behaviour, so native and virtualized runs agree.
     */
    public PhysicalMemory addressSpace() {
        if (addressSpace == null) {
            addressSpace = new PcPhysicalMemory(memory, layout);
        }
        return addressSpace;
    }

    public MemoryLayout layout() {
        return layout;
    }

    public long cpuHz() {
        return cpuHz;
    }

    public EventScheduler scheduler() {
        return scheduler;
    }

    public Bus ioBus() {
        return io;
    }

    public Bus mmioBus() {
        return mmio;
    }

    public DualPic8259 pic() {
        return pic;
    }

    public Uart16550 com1() {
        return com1;
    }

    public Pit8254 pit() {
        return pit;
    }

    public CmosRtc rtc() {
        return rtc;
    }

    public FwCfg fwCfg() {
        return fwCfg;
    }

    public LocalApic localApic() {
        return apic;
    }

    public PostCodePort postCodes() {
        return post;
    }

    /** The isa-debug-exit status (v << 1) | 1, once the guest has written the device. */
    public OptionalInt exitStatus() {
        return debugExit.exited() ? OptionalInt.of(debugExit.exitStatus()) : OptionalInt.empty();
    }

    /** Why the run should stop, or null while it should go on. */
    public String stopReason() {
        if (debugExit.exited()) {
            return "guest wrote the exit device: status " + debugExit.exitStatus();
        }
        if (portA.resetRequested()) {
            return "guest requested a system reset (port 0x92 bit 0)";
        }
        return null;
    }

    // ----- Platform -----

    @Override
    public int ioRead(int port, int size) {
        return (int) io.read(port & 0xffff, size);
    }

    @Override
    public void ioWrite(int port, int size, int value) {
        io.write(port & 0xffff, size, value & 0xffffffffL);
    }

    @Override
    public long mmioStart() {
        return MemoryLayout.MMIO_START;
    }

    @Override
    public long mmioEnd() {
        return MemoryLayout.MMIO_END;
    }

    @Override
    public long mmioRead(long pa, int size) {
        return mmio.read(pa, size);
    }

    @Override
    public void mmioWrite(long pa, int size, long value) {
        mmio.write(pa, size, value);
    }

    @Override
    public boolean ownsMsr(int msr) {
        return apic.ownsMsr(msr);
    }

    @Override
    public long readMsr(int msr) {
        return apic.readMsr(msr);
    }

    @Override
    public void writeMsr(int msr, long value) {
        apic.writeMsr(msr, value);
    }

    @Override
    public boolean interruptPending() {
        boolean picIntr = pic.intr();
        if (!apic.globallyEnabled()) {
            return picIntr; // no APIC: the 8259A drives INTR (SDM 10.4.3)
        }
        if (apic.hasDeliverableInterrupt()) {
            return true;
        }
        if (picIntr) {
            if (apic.acceptsExtInt()) {
                return true;
            }
            apic.checkLint0ForPic();
        }
        return false;
    }

    /**
     * An NMI edge on the processor's NMI input, for a test or a device model; the PC devices modelled raise
     * none of their own (no chipset NMI sources: SERR, IOCHK, watchdog). The local APIC's NMI IPIs arrive here.
     */
    public void raiseNmi() {
        nmi.raise();
    }

    @Override
    public boolean takeNmi() {
        return nmi.take();
    }

    @Override
    public int acknowledgeInterrupt() {
        if (!apic.globallyEnabled()) {
            return pic.acknowledge();
        }
        if (apic.hasDeliverableInterrupt()) {
            return apic.acknowledge();
        }
        if (apic.acceptsExtInt() && pic.intr()) {
            return pic.acknowledge(); // ExtINT: the vector comes from the 8259A's INTA cycle
        }
        return apic.acknowledge(); // nothing left: the APIC's spurious vector
    }

    @Override
    public void advanceTo(long cycle) {
        scheduler.advanceTo(cycle);
    }

    @Override
    public long nextEventCycle() {
        return scheduler.nextEventCycle();
    }

    /** CR8[3:0] = TPR[7:4] (SDM Vol. 3A 10.8.6.1). */
    @Override
    public int taskPriorityClass() {
        return (apic.taskPriority() >>> 4) & 0xf;
    }

    /** MOV to CR8 writes TPR[7:4] and clears TPR[3:0] (SDM Vol. 3A 10.8.6.1). */
    @Override
    public void setTaskPriorityClass(int priorityClass) {
        apic.setTaskPriority((priorityClass & 0xf) << 4);
    }

    @Override
    public boolean stopRequested() {
        return debugExit.exited() || portA.resetRequested();
    }
}
