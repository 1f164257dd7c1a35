package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.platform.devices.Uart16550.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Register facts of the PC16550D datasheet. */
class Uart16550Test {
    ByteArrayOutputStream out;
    List<Boolean> irq;
    Uart16550 uart;

    @BeforeEach
    void setUp() {
        out = new ByteArrayOutputStream();
        irq = new ArrayList<>();
        uart = new Uart16550(out, irq::add);
    }

    boolean irqHigh() {
        return !irq.isEmpty() && irq.get(irq.size() - 1);
    }

    @Test
    void thrWritesReachTheSinkByteExact() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
            uart.write(THR, i);
        }
        assertArrayEquals(all, out.toByteArray());
        assertEquals(256, uart.bytesTransmitted());
    }

    @Test
    void lsrAlwaysReportsTransmitterReady() {
        // THRE (bit 5) and TEMT (bit 6): transmission is instantaneous.
        uart.write(THR, 'x');
        assertEquals(LSR_THRE | LSR_TEMT, uart.read(LSR));
    }

    @Test
    void dlabSelectsTheDivisorLatchAtOffsetsZeroAndOne() {
        uart.write(LCR, LCR_DLAB | 0x03);
        uart.write(DLL, 0x01);
        uart.write(DLM, 0x02);
        assertEquals(0x01, uart.read(DLL));
        assertEquals(0x02, uart.read(DLM));
        assertEquals(0x0201, uart.divisor());
        assertEquals(0, out.size(), "a DLL write is not a transmission");
        uart.write(LCR, 0x03);
        assertEquals(0, uart.read(IER), "IER is untouched by DLM writes");
        assertEquals(0x03, uart.read(LCR));
    }

    @Test
    void enablingEtbeiRaisesThreInterruptWhichAnIirReadClears() {
        assertEquals(IIR_NO_INT, uart.read(IIR));
        uart.write(IER, IER_ETBEI);
        assertTrue(irqHigh());
        assertEquals(IIR_THR_EMPTY, uart.read(IIR));
        assertFalse(irqHigh(), "reading IIR with THRE as the source clears it");
        assertEquals(IIR_NO_INT, uart.read(IIR));
        uart.write(THR, 'a'); // the THR empties again at once
        assertTrue(irqHigh());
    }

    @Test
    void iirReportsFifoEnabledInBits7And6() {
        uart.write(FCR, FCR_ENABLE);
        assertEquals(IIR_FIFO_ENABLED | IIR_NO_INT, uart.read(IIR));
    }

    @Test
    void receivedDataSetsDrAndTheRdaInterruptHasPriorityOverThre() {
        uart.write(IER, IER_ERBFI | IER_ETBEI);
        uart.enqueueInput(new byte[] {'h', 'i'});
        assertEquals(LSR_DR, uart.read(LSR) & LSR_DR);
        assertEquals(IIR_RX_DATA, uart.read(IIR));
        assertEquals('h', uart.read(RBR));
        assertEquals('i', uart.read(RBR));
        assertEquals(0, uart.read(LSR) & LSR_DR);
        assertEquals(IIR_THR_EMPTY, uart.read(IIR));
    }

    @Test
    void belowTheFifoTriggerLevelTheCharacterTimeoutIsReported() {
        uart.write(FCR, FCR_ENABLE | 0xc0); // trigger at 14 bytes
        uart.write(IER, IER_ERBFI);
        uart.enqueueInput(new byte[] {1, 2});
        assertEquals(IIR_FIFO_ENABLED | IIR_CHAR_TIMEOUT, uart.read(IIR));
    }

    @Test
    void loopbackSendsThrToRbrAndModemOutputsToModemInputs() {
        uart.write(MCR, MCR_LOOP | MCR_RTS | MCR_OUT2);
        uart.write(THR, 0x5a);
        assertEquals(0, out.size(), "nothing leaves the UART in loopback");
        assertEquals(0x5a, uart.read(RBR));
        int msr = uart.read(MSR);
        assertEquals(MSR_CTS | MSR_DCD, msr & 0xf0, "CTS follows RTS, DCD follows OUT2");
        assertEquals(MSR_DCTS | MSR_DDCD, msr & 0x0f, "the changed lines report deltas");
        assertEquals(0, uart.read(MSR) & 0x0f, "deltas clear on read");
    }

    @Test
    void scratchRegisterHoldsAnyByte() {
        uart.write(SCR, 0xa5);
        assertEquals(0xa5, uart.read(SCR));
    }
}
