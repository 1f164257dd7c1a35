package org.vtsim.platform.devices;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import org.vtsim.platform.ByteRegisters;
import org.vtsim.platform.IrqLine;

/**
 * A 16550A UART (TI/National PC16550D datasheet), as QEMU's {@code serial} presents it at COM1.
 *
 * <p>Transmission is instantaneous: a byte written to THR goes straight to the sink, so LSR
 * THRE and TEMT always read 1 (and the THR-empty interrupt re-arms at once). Received bytes come
 * from a deterministic input queue ({@link #enqueueInput(byte[])}) into a 16-byte FIFO. Line
 * settings (divisor, word length, parity) are stored and read back but do not change timing.
 *
 * <p>As in QEMU (not a real PC board), the interrupt output is not gated by MCR OUT2: the IRQ
 * line is high whenever IIR reports a pending interrupt.
 */
public final class Uart16550 implements ByteRegisters {
    // Register offsets (datasheet Table II); DLAB = LCR bit 7 selects DLL/DLM at 0 and 1.
    public static final int RBR = 0;
    public static final int THR = 0;
    public static final int DLL = 0;
    public static final int IER = 1;
    public static final int DLM = 1;
    public static final int IIR = 2;
    public static final int FCR = 2;
    public static final int LCR = 3;
    public static final int MCR = 4;
    public static final int LSR = 5;
    public static final int MSR = 6;
    public static final int SCR = 7;

    // IER bits.
    public static final int IER_ERBFI = 0x01; // received data available
    public static final int IER_ETBEI = 0x02; // transmitter holding register empty
    public static final int IER_ELSI = 0x04; // receiver line status
    public static final int IER_EDSSI = 0x08; // modem status
    private static final int IER_MASK = 0x0f;

    // IIR values: bit 0 = no interrupt pending, bits 3:1 identify the source, 7:6 FIFOs enabled.
    public static final int IIR_NO_INT = 0x01;
    public static final int IIR_MODEM_STATUS = 0x00;
    public static final int IIR_THR_EMPTY = 0x02;
    public static final int IIR_RX_DATA = 0x04;
    public static final int IIR_RX_LINE_STATUS = 0x06;
    public static final int IIR_CHAR_TIMEOUT = 0x0c;
    public static final int IIR_FIFO_ENABLED = 0xc0;

    // FCR bits.
    public static final int FCR_ENABLE = 0x01;
    public static final int FCR_CLEAR_RX = 0x02;
    public static final int FCR_CLEAR_TX = 0x04;
    public static final int FCR_DMA_MODE = 0x08;
    public static final int FCR_TRIGGER_MASK = 0xc0;

    // LCR bits.
    public static final int LCR_WORD_LENGTH_MASK = 0x03;
    public static final int LCR_STOP_BITS = 0x04;
    public static final int LCR_PARITY_ENABLE = 0x08;
    public static final int LCR_EVEN_PARITY = 0x10;
    public static final int LCR_STICK_PARITY = 0x20;
    public static final int LCR_BREAK = 0x40;
    public static final int LCR_DLAB = 0x80;

    // MCR bits.
    public static final int MCR_DTR = 0x01;
    public static final int MCR_RTS = 0x02;
    public static final int MCR_OUT1 = 0x04;
    public static final int MCR_OUT2 = 0x08;
    public static final int MCR_LOOP = 0x10;
    private static final int MCR_MASK = 0x1f;

    // LSR bits.
    public static final int LSR_DR = 0x01;
    public static final int LSR_OE = 0x02;
    public static final int LSR_PE = 0x04;
    public static final int LSR_FE = 0x08;
    public static final int LSR_BI = 0x10;
    public static final int LSR_THRE = 0x20;
    public static final int LSR_TEMT = 0x40;
    public static final int LSR_RX_FIFO_ERROR = 0x80;

    // MSR bits: deltas in 3:0, line states in 7:4.
    public static final int MSR_DCTS = 0x01;
    public static final int MSR_DDSR = 0x02;
    public static final int MSR_TERI = 0x04;
    public static final int MSR_DDCD = 0x08;
    public static final int MSR_CTS = 0x10;
    public static final int MSR_DSR = 0x20;
    public static final int MSR_RI = 0x40;
    public static final int MSR_DCD = 0x80;
    private static final int MSR_DELTAS = 0x0f;

    /** The receive FIFO depth of the 16550A. */
    public static final int FIFO_SIZE = 16;
    private static final int[] TRIGGER_LEVELS = {1, 4, 8, 14};

    private final OutputStream sink;
    private final IrqLine irq;

    private final ArrayDeque<Integer> rxFifo = new ArrayDeque<>();
    private final ArrayDeque<Integer> input = new ArrayDeque<>();
    private int ier;
    private int lcr;
    private int mcr;
    private int lsrErrors;
    private int msr;
    private int scr;
    private int fcr;
    private int divisor = 12; // 9600 baud at 1.8432 MHz, QEMU's reset value
    private boolean thrEmptyPending;
    private boolean irqLevel;
    private long bytesTransmitted;

    public Uart16550(OutputStream sink, IrqLine irq) {
        this.sink = sink;
        this.irq = irq;
        // Modem lines as a null-modem connection presents them (QEMU: CTS, DSR, DCD asserted).
        this.msr = MSR_DCD | MSR_DSR | MSR_CTS;
    }

    /** Queues bytes for the guest to receive (deterministic input, e.g. from the command line). */
    public void enqueueInput(byte[] bytes) {
        for (byte b : bytes) {
            input.add(b & 0xff);
        }
        refillRx();
        updateIrq();
    }

    public long bytesTransmitted() {
        return bytesTransmitted;
    }

    /** The programmed divisor latch (DLM:DLL). */
    public int divisor() {
        return divisor;
    }

    @Override
    public int read(int offset) {
        switch (offset) {
            case RBR: {
                if ((lcr & LCR_DLAB) != 0) {
                    return divisor & 0xff;
                }
                Integer b = rxFifo.poll();
                refillRx();
                updateIrq();
                return b == null ? 0 : b;
            }
            case IER:
                return (lcr & LCR_DLAB) != 0 ? (divisor >>> 8) & 0xff : ier;
            case IIR: {
                int id = interruptId();
                // Datasheet: reading IIR when it reports THRE clears that interrupt.
                if (id == IIR_THR_EMPTY) {
                    thrEmptyPending = false;
                    updateIrq();
                }
                return id | ((fcr & FCR_ENABLE) != 0 ? IIR_FIFO_ENABLED : 0);
            }
            case LCR:
                return lcr;
            case MCR:
                return mcr;
            case LSR: {
                int v = LSR_THRE | LSR_TEMT | lsrErrors | (rxFifo.isEmpty() ? 0 : LSR_DR);
                lsrErrors = 0; // error bits clear on read (datasheet, LSR)
                updateIrq();
                return v;
            }
            case MSR: {
                int v = modemStatus();
                msr &= ~MSR_DELTAS; // delta bits clear on read
                updateIrq();
                return v;
            }
            case SCR:
                return scr;
            default:
                throw new IllegalArgumentException("UART register offset " + offset);
        }
    }

    @Override
    public void write(int offset, int value) {
        value &= 0xff;
        switch (offset) {
            case THR:
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xff00) | value;
                } else {
                    transmit(value);
                }
                break;
            case IER:
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = (divisor & 0xff) | (value << 8);
                } else {
                    int enabling = value & ~ier;
                    ier = value & IER_MASK;
                    // Enabling ETBEI with THR already empty raises the THRE interrupt at once.
                    if ((enabling & IER_ETBEI) != 0) {
                        thrEmptyPending = true;
                    }
                    updateIrq();
                }
                break;
            case FCR:
                if ((value & FCR_ENABLE) != ((fcr & FCR_ENABLE)) || (value & FCR_CLEAR_RX) != 0) {
                    // Changing the FIFO enable clears both FIFOs (datasheet, FCR bit 0).
                    rxFifo.clear();
                    refillRx();
                }
                fcr = value & (FCR_ENABLE | FCR_DMA_MODE | FCR_TRIGGER_MASK);
                updateIrq();
                break;
            case LCR:
                lcr = value;
                break;
            case MCR: {
                int old = mcr;
                mcr = value & MCR_MASK;
                if ((mcr & MCR_LOOP) != 0) {
                    int before = loopbackLines(old);
                    int after = loopbackLines(mcr);
                    msr = (msr & MSR_DELTAS) | after;
                    msr |= deltas(before, after);
                }
                updateIrq();
                break;
            }
            case LSR:
            case MSR:
                break; // read-only (factory test registers on the 16550A): writes ignored, as QEMU
            case SCR:
                scr = value;
                break;
            default:
                throw new IllegalArgumentException("UART register offset " + offset);
        }
    }

    private void transmit(int value) {
        if ((mcr & MCR_LOOP) != 0) {
            // Loopback: the transmitter output is wired to the receiver input (datasheet, MCR bit 4).
            if (rxFifo.size() < rxCapacity()) {
                rxFifo.add(value);
            } else {
                lsrErrors |= LSR_OE;
            }
        } else {
            try {
                sink.write(value);
            } catch (IOException e) {
                throw new UncheckedIOException("serial output", e);
            }
            bytesTransmitted++;
        }
        thrEmptyPending = true;
        updateIrq();
    }

    private int rxCapacity() {
        return (fcr & FCR_ENABLE) != 0 ? FIFO_SIZE : 1;
    }

    private void refillRx() {
        if ((mcr & MCR_LOOP) != 0) {
            return; // the external input is disconnected in loopback
        }
        while (rxFifo.size() < rxCapacity() && !input.isEmpty()) {
            rxFifo.add(input.poll());
        }
    }

    private int modemStatus() {
        if ((mcr & MCR_LOOP) != 0) {
            return (msr & MSR_DELTAS) | loopbackLines(mcr);
        }
        return msr;
    }

    /** In loopback the modem inputs follow the outputs: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2. */
    private static int loopbackLines(int m) {
        int v = 0;
        if ((m & MCR_RTS) != 0) {
            v |= MSR_CTS;
        }
        if ((m & MCR_DTR) != 0) {
            v |= MSR_DSR;
        }
        if ((m & MCR_OUT1) != 0) {
            v |= MSR_RI;
        }
        if ((m & MCR_OUT2) != 0) {
            v |= MSR_DCD;
        }
        return v;
    }

    private static int deltas(int before, int after) {
        int changed = before ^ after;
        int d = 0;
        if ((changed & MSR_CTS) != 0) {
            d |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            d |= MSR_DDSR;
        }
        if ((changed & MSR_DCD) != 0) {
            d |= MSR_DDCD;
        }
        // TERI: RI went from on to off (trailing edge).
        if ((before & MSR_RI) != 0 && (after & MSR_RI) == 0) {
            d |= MSR_TERI;
        }
        return d;
    }

    /** The pending interrupt of highest priority (datasheet Table IV), or IIR_NO_INT. */
    private int interruptId() {
        if ((ier & IER_ELSI) != 0 && (lsrErrors & (LSR_OE | LSR_PE | LSR_FE | LSR_BI)) != 0) {
            return IIR_RX_LINE_STATUS;
        }
        if ((ier & IER_ERBFI) != 0 && !rxFifo.isEmpty()) {
            int trigger = (fcr & FCR_ENABLE) != 0 ? TRIGGER_LEVELS[(fcr & FCR_TRIGGER_MASK) >>> 6] : 1;
            // Below the trigger level the 16550A reports a character timeout once the line is
            // idle; input arrives all at once here, so the line is always idle.
            return rxFifo.size() >= trigger ? IIR_RX_DATA : IIR_CHAR_TIMEOUT;
        }
        if ((ier & IER_ETBEI) != 0 && thrEmptyPending) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_EDSSI) != 0 && (modemStatus() & MSR_DELTAS) != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NO_INT;
    }

    private void updateIrq() {
        boolean level = interruptId() != IIR_NO_INT;
        if (level != irqLevel) {
            irqLevel = level;
            irq.setLevel(level);
        }
    }
}
