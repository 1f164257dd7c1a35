package org.vtsim.platform.devices;

import static org.vtsim.platform.devices.ApicRegisters.*;

import org.vtsim.cpu.CpuFault;
import org.vtsim.platform.BusDevice;
import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * The local APIC of the one processor (SDM Vol. 3A ch. 10 "Advanced Programmable Interrupt
 * Controller"): xAPIC registers at 0xfee00000, x2APIC MSRs 0x800-0x8ff ({@link X2ApicMsrs}),
 * IA32_APIC_BASE, the timer ({@link ApicTimer}) and fixed interrupt acceptance with
 * priorities (10.8.3). LINT0 takes the 8259A's output in ExtINT mode, as on a PC.
 *
 * <p>State after construction: the power-up values of SDM 10.4.7.1, IA32_APIC_BASE =
 * 0xfee00000 | BSP | EN, LINT0 = ExtINT unmasked (QEMU's reset value for the BSP,
 * hw/intc/apic_common.c) and the SVR software-enabled with vector 0xff, the virtual-wire state
 * the firmware leaves a multiboot kernel so 8259A interrupts reach the CPU.
 *
 * <p>NMI IPIs to this processor raise the processor's NMI input ({@link #connectNmi}).
 *
 * <p>Unsupported (fails loudly): IPIs other than fixed-mode or NMI to this processor, logical
 * destination mode, relocating the APIC base, LINT0 in a mode other than ExtINT while the PIC
 * raises it, partial-width writes.
 */
public final class LocalApic implements BusDevice {
    public static final long MMIO_SIZE = 0x1000;
    /** QEMU and KVM clock the APIC timer at 1 GHz (1 ns per bus cycle). */
    public static final long DEFAULT_BUS_HZ = 1_000_000_000L;
    private static final int LVT_COUNT = 7;

    private final int apicId;
    private final int maxPhysAddr;
    private final ApicTimer timer;
    private final X2ApicMsrs x2apic;

    private long apicBase;
    private final int[] irr = new int[8];
    private final int[] isr = new int[8];
    private final int[] tmr = new int[8];
    private int tpr;
    private int ldr;
    private int dfr;
    private int svr;
    private int esr;
    private int esrPending;
    private int icrLow;
    private int icrHigh;
    private final int[] lvt = new int[LVT_COUNT];
    private org.vtsim.platform.NmiLine nmi;

    public LocalApic(EventScheduler scheduler, long cpuHz, long busHz, int maxPhysAddr) {
        this.apicId = 0;
        this.maxPhysAddr = maxPhysAddr;
        this.timer = new ApicTimer(new DeviceClock(busHz, cpuHz), scheduler, this::timerExpired);
        this.x2apic = new X2ApicMsrs(this);
        this.apicBase = DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_EN;
        powerUp();
        lvt[lvtIndex(LVT_LINT0)] = DM_EXTINT << LVT_DELIVERY_MODE_SHIFT;
        svr = SVR_APIC_ENABLED | 0xff;
    }

    /** Register values after power-up or INIT (SDM 10.4.7.1). */
    private void powerUp() {
        java.util.Arrays.fill(irr, 0);
        java.util.Arrays.fill(isr, 0);
        java.util.Arrays.fill(tmr, 0);
        tpr = 0;
        ldr = 0;
        dfr = 0xffffffff;
        svr = 0xff;
        esr = 0;
        esrPending = 0;
        icrLow = 0;
        icrHigh = 0;
        java.util.Arrays.fill(lvt, LVT_MASKED);
        timer.reset();
    }

    /** The processor's NMI input, which NMI IPIs to this processor drive (SDM Vol. 3A 10.6.1, delivery mode 100B). */
    public void connectNmi(org.vtsim.platform.NmiLine line) {
        this.nmi = line;
    }

    // ----- state the platform and the CPU look at -----

    /** IA32_APIC_BASE.EN: the APIC is not globally disabled (SDM 10.4.3). */
    public boolean globallyEnabled() {
        return (apicBase & APIC_BASE_EN) != 0;
    }

    public boolean x2apicMode() {
        return (apicBase & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
    }

    public boolean softwareEnabled() {
        return (svr & SVR_APIC_ENABLED) != 0;
    }

    public long apicBase() {
        return apicBase;
    }

    public int apicId() {
        return apicId;
    }

    /** The TPR (bits 7:0). MOV to/from CR8 reads and writes TPR[7:4] (SDM 10.8.6.1). */
    public int taskPriority() {
        return tpr;
    }

    public void setTaskPriority(int value) {
        tpr = value & 0xff;
    }

    /** PPR (SDM 10.8.3.1): TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0000. */
    public int processorPriority() {
        int isrv = highestBit(isr);
        int isrClass = isrv < 0 ? 0 : isrv & 0xf0;
        return (tpr & 0xf0) >= isrClass ? tpr : isrClass;
    }

    /** Whether LINT0 passes the 8259A's INTR as ExtINT (unmasked, ExtINT delivery mode). */
    public boolean acceptsExtInt() {
        int l = lvt[lvtIndex(LVT_LINT0)];
        return (l & LVT_MASKED) == 0 && ((l & LVT_DELIVERY_MODE) >>> LVT_DELIVERY_MODE_SHIFT) == DM_EXTINT;
    }

    /** The PIC raised INTR on LINT0 while LINT0 is unmasked in a mode this model lacks. */
    public void checkLint0ForPic() {
        int l = lvt[lvtIndex(LVT_LINT0)];
        if ((l & LVT_MASKED) == 0 && !acceptsExtInt()) {
            throw new UnsupportedFeature("8259A output on LINT0 in delivery mode "
                    + ((l & LVT_DELIVERY_MODE) >>> LVT_DELIVERY_MODE_SHIFT));
        }
    }

    /** A fixed interrupt in IRR whose priority class beats the PPR (SDM 10.8.3.1). */
    public boolean hasDeliverableInterrupt() {
        int v = highestBit(irr);
        return v >= 0 && (v & 0xf0) > (processorPriority() & 0xf0);
    }

    /**
     * The INTA cycle for a fixed interrupt: the highest IRR vector moves to ISR (SDM 10.8.4). If
     * nothing is deliverable any more (TPR raised meanwhile), the spurious vector of the SVR
     * (SDM 10.9), which sets no ISR bit.
     */
    public int acknowledge() {
        if (!hasDeliverableInterrupt()) {
            return svr & SVR_VECTOR;
        }
        int v = highestBit(irr);
        clearBit(irr, v);
        setBit(isr, v);
        return v;
    }

    /** Accepts a fixed interrupt into IRR (SDM 10.8.4); vectors 0-15 are illegal (10.5.3). */
    public void acceptFixed(int vector) {
        if (vector < 16) {
            error(ESR_RECEIVED_ILLEGAL_VECTOR);
            return;
        }
        setBit(irr, vector);
    }

    /** The vector of the highest bit set in IRR, or -1 (for tests and the run summary). */
    public int highestPendingVector() {
        return highestBit(irr);
    }

    public int highestInServiceVector() {
        return highestBit(isr);
    }

    private void error(int bit) {
        esrPending |= bit;
        int l = lvt[lvtIndex(LVT_ERROR)];
        if ((l & LVT_MASKED) == 0 && (l & LVT_VECTOR) >= 16) {
            setBit(irr, l & LVT_VECTOR);
        }
    }

    private void timerExpired() {
        int l = lvt[lvtIndex(LVT_TIMER)];
        if ((l & LVT_MASKED) == 0) {
            acceptFixed(l & LVT_VECTOR); // masking suppresses the interrupt, not the count
        }
    }

    // ----- IA32_APIC_BASE and the MSR interface -----

    public boolean ownsMsr(int msr) {
        return msr == MSR_IA32_APIC_BASE || msr == MSR_IA32_TSC_DEADLINE
                || (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
    }

    public long readMsr(int msr) {
        if (msr == MSR_IA32_APIC_BASE) {
            return apicBase;
        }
        if (msr == MSR_IA32_TSC_DEADLINE) {
            return timer.readDeadline();
        }
        return x2apic.read(msr);
    }

    public void writeMsr(int msr, long value) {
        if (msr == MSR_IA32_APIC_BASE) {
            writeApicBase(value);
        } else if (msr == MSR_IA32_TSC_DEADLINE) {
            timer.writeDeadline(value);
        } else {
            x2apic.write(msr, value);
        }
    }

    /** SDM 10.12.5, Figure 10-27: the legal transitions between xAPIC, x2APIC and disabled. */
    private void writeApicBase(long value) {
        long reserved = ~(APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_EN | (((1L << maxPhysAddr) - 1) & ~0xfffL));
        if ((value & reserved) != 0) {
            throw CpuFault.gp(0);
        }
        boolean en = (value & APIC_BASE_EN) != 0;
        boolean extd = (value & APIC_BASE_EXTD) != 0;
        if (extd && !en) {
            throw CpuFault.gp(0); // invalid state EN = 0, EXTD = 1
        }
        if (x2apicMode() && en && !extd) {
            throw CpuFault.gp(0); // x2APIC to xAPIC directly is illegal
        }
        long base = value & ~0xfffL & ((1L << maxPhysAddr) - 1);
        if (en && base != DEFAULT_BASE) {
            throw new UnsupportedFeature("relocating the local APIC to 0x" + Long.toHexString(base));
        }
        boolean wasEnabled = globallyEnabled();
        boolean wasX2 = x2apicMode();
        apicBase = (value & ~APIC_BASE_BSP) | (apicBase & APIC_BASE_BSP);
        if (wasEnabled && !en) {
            powerUp(); // a disabled APIC is reset to its power-up state (SDM 10.12.5.1)
        }
        if (!wasX2 && x2apicMode()) {
            ldr = x2apicLogicalId(); // derived from the x2APIC ID (SDM 10.12.10.2)
        }
    }

    int x2apicLogicalId() {
        return ((apicId >>> 4) << 16) | (1 << (apicId & 0xf));
    }

    // ----- the register file, shared by the MMIO and MSR interfaces -----

    int readRegister(int offset) {
        if (offset >= ISR && offset < ISR + 0x80) {
            return isr[(offset - ISR) >>> 4];
        }
        if (offset >= TMR && offset < TMR + 0x80) {
            return tmr[(offset - TMR) >>> 4];
        }
        if (offset >= IRR && offset < IRR + 0x80) {
            return irr[(offset - IRR) >>> 4];
        }
        return switch (offset) {
            case ID -> x2apicMode() ? apicId : apicId << 24;
            case VERSION -> VERSION_VALUE | ((LVT_COUNT - 2) << VERSION_MAX_LVT_SHIFT); // CMCI not counted
            case TPR -> tpr;
            case APR -> 0; // arbitration priority: not meaningful with one processor
            case PPR -> processorPriority();
            case EOI -> 0;
            case LDR -> ldr;
            case DFR -> dfr;
            case SVR -> svr;
            case ESR -> esr;
            case ICR_LOW -> icrLow & ~ICR_DELIVERY_STATUS; // sent at once: always idle
            case ICR_HIGH -> icrHigh;
            case LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR ->
                lvt[lvtIndex(offset)] | (offset == LVT_TIMER ? timer.mode() << LVT_TIMER_MODE_SHIFT : 0);
            case TIMER_INITIAL_COUNT -> (int) timer.initialCount();
            case TIMER_CURRENT_COUNT -> (int) timer.currentCount();
            case TIMER_DIVIDE_CONFIG -> timer.divideConfig();
            default -> {
                error(ESR_ILLEGAL_REGISTER);
                yield 0;
            }
        };
    }

    void writeRegister(int offset, int value) {
        switch (offset) {
            case ID -> { } // xAPIC ID writes are model-specific; kept read-only here
            case TPR -> tpr = value & 0xff;
            case EOI -> endOfInterrupt();
            case LDR -> ldr = value & 0xff000000;
            case DFR -> dfr = value | 0x0fffffff;
            case SVR -> writeSvr(value);
            case ESR -> {
                esr = esrPending; // a write latches the errors seen since the last one (10.5.3)
                esrPending = 0;
            }
            case ICR_LOW -> {
                icrLow = value & ~ICR_DELIVERY_STATUS;
                sendIpi(icrLow, x2apicMode() ? icrHigh : icrHigh >>> 24);
            }
            case ICR_HIGH -> icrHigh = x2apicMode() ? value : value & 0xff000000;
            case LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR -> writeLvt(offset, value);
            case TIMER_INITIAL_COUNT -> timer.writeInitialCount(value);
            case TIMER_DIVIDE_CONFIG -> timer.writeDivideConfig(value);
            case SELF_IPI -> acceptFixed(value & 0xff);
            case VERSION, APR, PPR, RRD, TIMER_CURRENT_COUNT -> { } // read-only
            default -> {
                if (!(offset >= ISR && offset < IRR + 0x80)) {
                    error(ESR_ILLEGAL_REGISTER);
                }
            }
        }
    }

    /** x2APIC writes ICR as one 64-bit MSR (SDM 10.12.9). */
    void writeIcr64(long value) {
        icrHigh = (int) (value >>> 32);
        icrLow = (int) value & ~ICR_DELIVERY_STATUS;
        sendIpi(icrLow, icrHigh);
    }

    long readIcr64() {
        return ((long) icrHigh << 32) | (icrLow & 0xffffffffL);
    }

    private void endOfInterrupt() {
        int v = highestBit(isr);
        if (v >= 0) {
            clearBit(isr, v); // no I/O APIC: level-triggered EOI broadcast has no receiver
        }
    }

    private void writeSvr(int value) {
        boolean wasEnabled = softwareEnabled();
        svr = value & (SVR_VECTOR | SVR_APIC_ENABLED | SVR_FOCUS_DISABLED);
        if (wasEnabled && !softwareEnabled()) {
            // Software disable masks every LVT entry (SDM 10.4.7.2).
            for (int i = 0; i < LVT_COUNT; i++) {
                lvt[i] |= LVT_MASKED;
            }
        }
    }

    private void writeLvt(int offset, int value) {
        int writable = switch (offset) {
            case LVT_TIMER -> LVT_VECTOR | LVT_MASKED;
            case LVT_LINT0, LVT_LINT1 -> LVT_VECTOR | LVT_DELIVERY_MODE | LVT_POLARITY | LVT_TRIGGER_LEVEL | LVT_MASKED;
            case LVT_ERROR -> LVT_VECTOR | LVT_MASKED;
            default -> LVT_VECTOR | LVT_DELIVERY_MODE | LVT_MASKED; // CMCI, thermal, perf
        };
        int v = value & writable;
        if (!softwareEnabled()) {
            v |= LVT_MASKED; // mask bits cannot be cleared while software-disabled (10.4.7.2)
        }
        if (offset == LVT_TIMER) {
            int mode = (value & LVT_TIMER_MODE) >>> LVT_TIMER_MODE_SHIFT;
            if (mode == 3) {
                throw new UnsupportedFeature("APIC timer mode 3 (reserved)");
            }
            timer.setMode(mode);
        }
        lvt[lvtIndex(offset)] = v;
    }

    /** SDM 10.6.1: only fixed IPIs that reach this processor are modelled. */
    private void sendIpi(int low, int destination) {
        int mode = (low >>> ICR_DELIVERY_MODE_SHIFT) & 7;
        int shorthand = (low >>> ICR_SHORTHAND_SHIFT) & 3;
        int vector = low & ICR_VECTOR;
        if (mode == DM_NMI) {
            sendNmi(low, shorthand, destination);
            return;
        }
        if (mode != DM_FIXED) {
            throw new UnsupportedFeature("IPI delivery mode " + mode + " (ICR 0x" + Integer.toHexString(low) + ")");
        }
        boolean toSelf;
        switch (shorthand) {
            case SHORTHAND_SELF, SHORTHAND_ALL_INCLUDING_SELF -> toSelf = true;
            case SHORTHAND_ALL_EXCLUDING_SELF -> toSelf = false; // there is no other processor
            default -> {
                if ((low & ICR_DEST_LOGICAL) != 0) {
                    throw new UnsupportedFeature("IPI logical destination mode");
                }
                int broadcast = x2apicMode() ? 0xffffffff : 0xff;
                if (destination != apicId && destination != broadcast) {
                    throw new UnsupportedFeature("IPI to APIC ID " + Integer.toUnsignedString(destination)
                            + " (the machine has one processor, APIC ID " + apicId + ")");
                }
                toSelf = true;
            }
        }
        if (vector < 16) {
            error(ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        if (toSelf) {
            acceptFixed(vector);
        }
    }

    /**
     * An NMI IPI (SDM Vol. 3A 10.6.1: "Delivers an NMI interrupt to the target processor or processors. The
     * vector information is ignored"). Table 10-3 allows NMI with no shorthand (here: this processor's APIC
     * ID or broadcast), all including self and all excluding self; the self shorthand is valid only with the
     * fixed mode, so it fails loudly here, as do logical destinations.
     */
    private void sendNmi(int low, int shorthand, int destination) {
        boolean toSelf = switch (shorthand) {
            case SHORTHAND_ALL_INCLUDING_SELF -> true;
            case SHORTHAND_ALL_EXCLUDING_SELF -> false; // there is no other processor
            case SHORTHAND_SELF -> throw new UnsupportedFeature(
                    "NMI IPI with the self shorthand (invalid, SDM Vol. 3A Table 10-3)");
            default -> {
                if ((low & ICR_DEST_LOGICAL) != 0) {
                    throw new UnsupportedFeature("IPI logical destination mode");
                }
                int broadcast = x2apicMode() ? 0xffffffff : 0xff;
                if (destination != apicId && destination != broadcast) {
                    throw new UnsupportedFeature("IPI to APIC ID " + Integer.toUnsignedString(destination)
                            + " (the machine has one processor, APIC ID " + apicId + ")");
                }
                yield true;
            }
        };
        if (toSelf) {
            if (nmi == null) {
                throw new UnsupportedFeature("NMI IPI: this local APIC's NMI output is not connected");
            }
            nmi.raise();
        }
    }

    private static int lvtIndex(int offset) {
        return switch (offset) {
            case LVT_CMCI -> 0;
            case LVT_TIMER -> 1;
            case LVT_THERMAL -> 2;
            case LVT_PERF -> 3;
            case LVT_LINT0 -> 4;
            case LVT_LINT1 -> 5;
            default -> 6;
        };
    }

    // ----- xAPIC MMIO (SDM 10.4.1: 32-bit registers on 16-byte boundaries) -----

    @Override
    public long read(long offset, int size) {
        int reg = (int) offset & 0xff0;
        int shift = (int) (offset & 0xf) * 8;
        if (shift >= 32) {
            return 0; // bytes 4-15 of each 16-byte slot are reserved
        }
        return (readRegister(reg) & 0xffffffffL) >>> shift;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4 || (offset & 0xf) != 0) {
            throw new UnsupportedFeature("xAPIC register write of " + size + " bytes at offset 0x"
                    + Long.toHexString(offset) + " (the SDM requires aligned 32-bit accesses)");
        }
        writeRegister((int) offset, (int) value);
    }

    @Override
    public int maxAccessSize() {
        return 4;
    }

    // ----- 256-bit register helpers -----

    static int highestBit(int[] regs) {
        for (int i = 7; i >= 0; i--) {
            if (regs[i] != 0) {
                return i * 32 + 31 - Integer.numberOfLeadingZeros(regs[i]);
            }
        }
        return -1;
    }

    private static void setBit(int[] regs, int v) {
        regs[v >>> 5] |= 1 << (v & 31);
    }

    private static void clearBit(int[] regs, int v) {
        regs[v >>> 5] &= ~(1 << (v & 31));
    }
}
