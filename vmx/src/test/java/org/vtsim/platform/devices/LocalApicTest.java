package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.platform.devices.ApicRegisters.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Vectors;
import org.vtsim.platform.PcPlatform;
import org.vtsim.cpu.UnsupportedFeature;

/** Local APIC facts of SDM Vol. 3A ch. 10, through the platform's MMIO window and MSRs. */
class LocalApicTest {
    static final long BASE = 0xfee00000L;
    PcPlatform p;
    LocalApic apic;

    @BeforeEach
    void setUp() {
        // 1 GHz CPU and 1 GHz APIC bus: one cycle per bus clock keeps the arithmetic visible.
        p = PcPlatform.builder().cpuHz(1_000_000_000L).build();
        apic = p.localApic();
    }

    int reg(int offset) {
        return (int) p.mmioRead(BASE + offset, 4);
    }

    void reg(int offset, int value) {
        p.mmioWrite(BASE + offset, 4, value & 0xffffffffL);
    }

    /** Runs to {@code cycle} and returns the vectors the CPU would take, with EOIs. */
    List<Integer> runTo(long cycle) {
        List<Integer> taken = new ArrayList<>();
        while (true) {
            long next = Math.min(p.nextEventCycle(), cycle);
            p.advanceTo(next);
            while (p.interruptPending()) {
                taken.add(p.acknowledgeInterrupt());
                reg(EOI, 0);
            }
            if (next == cycle) {
                return taken;
            }
        }
    }

    @Test
    void versionAndIdAfterReset() {
        assertEquals(0x00050014, reg(VERSION), "version 0x14, max LVT entry 5");
        assertEquals(0, reg(ID));
        assertEquals(BASE | APIC_BASE_BSP | APIC_BASE_EN, p.readMsr(MSR_IA32_APIC_BASE));
        assertEquals(0xffffffff, reg(DFR), "DFR resets to all ones (SDM 10.4.7.1)");
    }

    @Test
    void fixedInterruptIsDeliveredOnlyAbovePprClassAndEoiClearsHighestIsr() {
        // SDM 10.8.3.1: accepted only if IRRV[7:4] > PPR[7:4].
        reg(TPR, 0x50);
        apic.acceptFixed(0x55);
        assertFalse(p.interruptPending(), "class 5 does not beat TPR class 5");
        apic.acceptFixed(0x61);
        assertTrue(p.interruptPending());
        assertEquals(0x61, p.acknowledgeInterrupt());
        assertEquals(0x60, reg(PPR), "ISRV class 6 above TPR class 5: PPR = 0x60");
        apic.acceptFixed(0x70);
        assertEquals(0x70, p.acknowledgeInterrupt(), "a higher class nests");
        assertEquals((1 << 1) | (1 << 16), reg(ISR + 0x30), "0x61 and 0x70: ISR register 3, bits 1 and 16");
        reg(EOI, 0);
        assertEquals(0x61, apic.highestInServiceVector(), "EOI retires the highest in-service vector");
        reg(EOI, 0);
        reg(TPR, 0);
        assertEquals(0x55, p.acknowledgeInterrupt());
    }

    @Test
    void acknowledgeWithNothingDeliverableGivesTheSpuriousVector() {
        reg(SVR, 0x1ef);
        assertEquals(0xef, p.acknowledgeInterrupt());
    }

    @Test
    void oneShotTimerCountsDownAtBusClockOverDivisorAndFiresOnce() {
        reg(TIMER_DIVIDE_CONFIG, 0x3); // divide by 16
        reg(LVT_TIMER, 0x40);
        reg(TIMER_INITIAL_COUNT, 1000);
        p.advanceTo(160);
        assertEquals(990, reg(TIMER_CURRENT_COUNT));
        assertEquals(List.of(), runTo(15_999));
        assertEquals(List.of(0x40), runTo(16_000));
        assertEquals(0, reg(TIMER_CURRENT_COUNT));
        assertEquals(List.of(), runTo(100_000));
    }

    @Test
    void periodicTimerReloadsFromTheInitialCount() {
        reg(TIMER_DIVIDE_CONFIG, 0xb); // divide by 1
        reg(LVT_TIMER, (TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT) | 0x41);
        reg(TIMER_INITIAL_COUNT, 500);
        List<Long> at = new ArrayList<>();
        for (long c = 0; c <= 2000; c = p.nextEventCycle()) {
            p.advanceTo(c);
            if (p.interruptPending()) {
                assertEquals(0x41, p.acknowledgeInterrupt());
                reg(EOI, 0);
                at.add(c);
            }
        }
        assertEquals(List.of(500L, 1000L, 1500L, 2000L), at);
    }

    @Test
    void maskedTimerCountsButRaisesNothing() {
        reg(LVT_TIMER, LVT_MASKED | 0x42);
        reg(TIMER_INITIAL_COUNT, 10);
        assertEquals(List.of(), runTo(1000));
        assertEquals(0, reg(TIMER_CURRENT_COUNT));
    }

    @Test
    void tscDeadlineFiresWhenTheCycleCounterReachesItAndClearsTheMsr() {
        p.writeMsr(MSR_IA32_TSC_DEADLINE, 777);
        assertEquals(0, p.readMsr(MSR_IA32_TSC_DEADLINE), "ignored outside TSC-deadline mode (SDM 10.5.4.1)");
        reg(LVT_TIMER, (TIMER_TSC_DEADLINE << LVT_TIMER_MODE_SHIFT) | 0x43);
        reg(TIMER_INITIAL_COUNT, 5);
        assertEquals(0, reg(TIMER_INITIAL_COUNT), "initial-count writes are ignored in TSC-deadline mode");
        p.writeMsr(MSR_IA32_TSC_DEADLINE, 777);
        assertEquals(777, p.readMsr(MSR_IA32_TSC_DEADLINE));
        assertEquals(List.of(), runTo(776));
        assertEquals(List.of(0x43), runTo(777));
        assertEquals(0, p.readMsr(MSR_IA32_TSC_DEADLINE));
        p.writeMsr(MSR_IA32_TSC_DEADLINE, 900);
        p.writeMsr(MSR_IA32_TSC_DEADLINE, 0);
        assertEquals(List.of(), runTo(2000), "writing 0 disarms");
    }

    @Test
    void selfIpiThroughIcrShorthandAndThroughTheX2apicSelfIpiMsr() {
        reg(ICR_LOW, (SHORTHAND_SELF << ICR_SHORTHAND_SHIFT) | 0x50);
        assertEquals(0x50, p.acknowledgeInterrupt());
        reg(EOI, 0);
        p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN | APIC_BASE_EXTD);
        p.writeMsr(0x83f, 0x51);
        assertEquals(0x51, p.acknowledgeInterrupt());
        p.writeMsr(0x80b, 0);
        assertEquals(-1, apic.highestInServiceVector());
    }

    @Test
    void otherIpisAreUnsupportedLoudly() {
        assertThrows(UnsupportedFeature.class, () -> reg(ICR_LOW, 0x000c4500)); // INIT to all but self
        reg(ICR_HIGH, 3 << 24);
        assertThrows(UnsupportedFeature.class, () -> reg(ICR_LOW, 0x30)); // fixed to APIC ID 3
    }

    @Test
    void illegalVectorSetsEsrAfterTheNextEsrWrite() {
        reg(ICR_LOW, (SHORTHAND_SELF << ICR_SHORTHAND_SHIFT) | 0x05);
        assertEquals(0, reg(ESR), "ESR updates on write (SDM 10.5.3)");
        reg(ESR, 0);
        assertEquals(ESR_SEND_ILLEGAL_VECTOR, reg(ESR));
    }

    @Test
    void softwareDisableMasksEveryLvtAndTheMaskCannotBeCleared() {
        reg(LVT_TIMER, 0x40);
        reg(SVR, 0xff);
        assertEquals(LVT_MASKED, reg(LVT_TIMER) & LVT_MASKED);
        reg(LVT_TIMER, 0x40);
        assertEquals(LVT_MASKED, reg(LVT_TIMER) & LVT_MASKED);
    }

    @Test
    void x2apicMsrsFollowTheAccessRulesOfSdm10_12() {
        assertThrows(CpuFault.class, () -> p.readMsr(0x802), "x2APIC MSRs #GP in xAPIC mode");
        p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN | APIC_BASE_EXTD);
        assertEquals(0xffffffffL, p.mmioRead(BASE + VERSION, 4), "the MMIO page is gone in x2APIC mode");
        assertEquals(0, p.readMsr(0x802), "32-bit x2APIC ID");
        assertEquals(1, p.readMsr(0x80d), "logical ID derived from the x2APIC ID");
        CpuFault gp = assertThrows(CpuFault.class, () -> p.readMsr(0x80e), "no DFR in x2APIC mode");
        assertEquals(Vectors.GP, gp.vector);
        assertThrows(CpuFault.class, () -> p.writeMsr(0x80b, 1), "non-zero EOI write");
        assertThrows(CpuFault.class, () -> p.readMsr(0x83f), "SELF IPI is write-only");
        assertThrows(CpuFault.class, () -> p.writeMsr(0x803, 0), "version is read-only");
        p.writeMsr(0x808, 0x20);
        assertEquals(0x20, apic.taskPriority());
    }

    @Test
    void apicBaseModeTransitionsOfFigure10_27() {
        assertThrows(CpuFault.class, () -> p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EXTD), "EN=0 EXTD=1");
        p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN | APIC_BASE_EXTD);
        assertThrows(CpuFault.class, () -> p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN), "x2APIC to xAPIC");
        p.writeMsr(MSR_IA32_APIC_BASE, BASE);
        assertFalse(apic.globallyEnabled());
        p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN);
        assertEquals(0xff, reg(SVR), "re-enabled from disabled: power-up state");
        assertThrows(CpuFault.class, () -> p.writeMsr(MSR_IA32_APIC_BASE, BASE | APIC_BASE_EN | 1), "reserved bit 0");
        assertThrows(UnsupportedFeature.class,
                () -> p.writeMsr(MSR_IA32_APIC_BASE, 0xfed00000L | APIC_BASE_EN));
    }

    @Test
    void picInterruptsReachTheCpuThroughLint0InExtIntMode() {
        Pic8259Test.initPc(p.pic().master(), p.pic().slave(), 0x01);
        p.com1().write(1, Uart16550.IER_ETBEI); // COM1 raises IRQ4
        assertTrue(p.interruptPending(), "LINT0 = ExtINT after reset (QEMU BSP)");
        apic.acceptFixed(0x80);
        assertEquals(0x80, p.acknowledgeInterrupt(), "APIC fixed interrupts come first");
        assertEquals(0x24, p.acknowledgeInterrupt(), "then the 8259A supplies the vector via INTA");
        reg(LVT_LINT0, LVT_MASKED | (DM_EXTINT << LVT_DELIVERY_MODE_SHIFT));
        p.ioWrite(0x20, 1, 0x20);
        p.com1().read(2);
        p.com1().write(0, 'x'); // THRE again: a new edge on IRQ4
        assertFalse(p.interruptPending(), "LINT0 masked: the PIC is cut off");
        p.writeMsr(MSR_IA32_APIC_BASE, BASE);
        assertTrue(p.interruptPending(), "APIC globally disabled: the PIC drives INTR directly");
        assertEquals(0x24, p.acknowledgeInterrupt());
    }

    @Test
    void lint0InAnotherModeWithThePicRaisingItFailsLoudly() {
        Pic8259Test.initPc(p.pic().master(), p.pic().slave(), 0x01);
        reg(LVT_LINT0, DM_NMI << LVT_DELIVERY_MODE_SHIFT);
        p.com1().write(1, Uart16550.IER_ETBEI);
        assertThrows(UnsupportedFeature.class, () -> p.interruptPending());
    }
}
