package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.Vectors;

class EventDeliveryTest {
    static final long HANDLER = 0xffffffff80001000L;

    private static Machine longMachine() {
        Machine m = new Machine(true);
        for (int v = 0; v < 256; v++) {
            m.gate(v, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE64_0, HANDLER + v * 16L, 0, 0);
        }
        m.mem.write(Machine.TSS + 4, 8, 0x20000); // RSP0
        return m;
    }

    @Test
    void userInterruptSwitchesToRsp0AndPushesFullFrame() {
        Machine m = longMachine();
        m.user();
        m.s.gpr[CpuState.RSP] = 0x7ffff123;
        m.s.rip = 0x401000;
        m.s.setRflags(CpuState.IF | CpuState.TF | CpuState.CF);
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.PF, 0x6, 0x401000));
        assertFalse(r.shutdown());
        CpuState s = m.s;
        assertEquals(0, s.cpl);
        assertEquals(Machine.CODE64_0, s.seg[CpuState.CS].selector);
        assertEquals(HANDLER + 14 * 16, s.rip);
        // SS is a null selector with RPL = new CPL (SDM 6.14.4).
        assertEquals(0, s.seg[CpuState.SS].selector);
        assertTrue(s.seg[CpuState.SS].isUnusable());
        assertEquals(0x20000 - 48, s.gpr[CpuState.RSP]);
        long sp = s.gpr[CpuState.RSP];
        assertEquals(0x6, m.mem.read(sp, 8));
        assertEquals(0x401000, m.mem.read(sp + 8, 8));
        assertEquals(Machine.CODE64_3, m.mem.read(sp + 16, 8));
        assertEquals(CpuState.IF | CpuState.TF | CpuState.CF | CpuState.FIXED1, m.mem.read(sp + 24, 8));
        assertEquals(0x7ffff123, m.mem.read(sp + 32, 8));
        assertEquals(Machine.DATA_3, m.mem.read(sp + 40, 8));
        // Interrupt gate: IF and TF cleared.
        assertEquals(0, s.getRflags() & (CpuState.IF | CpuState.TF));
        assertEquals(CpuState.CF, s.getRflags() & CpuState.CF);
    }

    @Test
    void sameLevelDeliveryAlignsStackTo16AndTrapGateKeepsIf() {
        Machine m = longMachine();
        m.gate(0x80, Descriptor.SYS_TRAP_GATE, Machine.CODE64_0, HANDLER, 0, 0);
        m.s.gpr[CpuState.RSP] = 0x8008;
        m.s.setRflags(CpuState.IF);
        new EventDelivery(m.mem).deliver(m.s, Event.softwareInterrupt(0x80, 0x5000, 2));
        assertEquals(0x8000 - 40, m.s.gpr[CpuState.RSP]);
        assertEquals(0x5002, m.mem.read(0x8000 - 40, 8)); // return address after INT n
        assertEquals(0x8008, m.mem.read(0x8000 - 16, 8)); // old RSP pushed unconditionally
        assertEquals(CpuState.IF, m.s.getRflags() & CpuState.IF);
    }

    @Test
    void istSelectsItsOwnStackEvenWithoutPrivilegeChange() {
        Machine m = longMachine();
        m.gate(Vectors.DF, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE64_0, HANDLER, 0, 3);
        m.mem.write(Machine.TSS + 0x24 + 16, 8, 0x30008); // IST3
        new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.DF, 0, 0x1234));
        assertEquals(0x30000 - 48, m.s.gpr[CpuState.RSP]);
    }

    @Test
    void softwareInterruptThroughDpl0GateFromUserIsGpNamingTheGate() {
        Machine m = longMachine();
        m.user();
        m.s.rip = 0x401000;
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.softwareInterrupt(0x80, 0x401000, 2));
        assertEquals(Vectors.GP, r.delivered().vector());
        assertEquals(0x80 * 8 + 2, r.delivered().errorCode()); // EXT = 0 for INT n
        assertEquals(0x401000, m.mem.read(m.s.gpr[CpuState.RSP] + 8, 8)); // #GP points at INT n itself
    }

    @Test
    void hardwareInterruptIgnoresGateDpl() {
        Machine m = longMachine();
        m.user();
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x80, 0x401000));
        assertEquals(0x80, r.delivered().vector());
    }

    @Test
    void vectorBeyondIdtLimitIsGpWithIdtAndExtBits() {
        Machine m = longMachine();
        m.s.idtrLimit = 0x30 * 16 - 1;
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x30, 0x1000));
        assertEquals(Vectors.GP, r.delivered().vector());
        assertEquals(0x30 * 8 + 2 + 1, r.delivered().errorCode());
    }

    @Test
    void notPresentGateWhileDeliveringGpIsDoubleFault() {
        Machine m = longMachine();
        m.mem.write(Machine.IDT + Vectors.GP * 16L + 5, 1, 0x0e); // clear P
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.GP, 0, 0x1000));
        assertEquals(Vectors.DF, r.delivered().vector());
        assertEquals(0, r.delivered().errorCode());
    }

    @Test
    void pageFaultOnStackWhileDeliveringPageFaultIsDoubleFault() {
        Machine m = longMachine();
        m.user();
        m.mem.unmap(0x1f000);
        m.gate(Vectors.DF, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE64_0, HANDLER, 0, 1);
        m.mem.write(Machine.TSS + 0x24, 8, 0x50000); // IST1
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.PF, 2, 0x1000));
        assertEquals(Vectors.DF, r.delivered().vector());
        assertEquals(0x50000 - 48, m.s.gpr[CpuState.RSP]);
    }

    @Test
    void faultWhileDeliveringDoubleFaultIsShutdownAndLeavesStateAlone() {
        Machine m = longMachine();
        m.s.idtrLimit = 0; // nothing deliverable
        m.s.rip = 0x1234;
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.GP, 0, 0x1234));
        assertTrue(r.shutdown());
        assertNull(r.delivered());
        assertEquals(Vectors.DF, r.failed().vector());
        assertEquals(0x1234, m.s.rip);
        assertEquals(0x9000, m.s.gpr[CpuState.RSP]);
    }

    @Test
    void benignFirstThenGpIsDeliveredSeriallyWithExt() {
        Machine m = longMachine();
        m.mem.write(Machine.IDT + 0x40 * 16L + 5, 1, 0x0e); // vector 0x40 not present
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x40, 0x1000));
        assertEquals(Vectors.NP, r.delivered().vector());
        assertEquals(0x40 * 8 + 2 + 1, r.delivered().errorCode());
    }

    @Test
    void nonCanonicalHandlerIsGp() {
        Machine m = longMachine();
        m.gate(0x41, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE64_0, 0x0000800000000000L, 0, 0);
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x41, 0x1000));
        assertEquals(Vectors.GP, r.delivered().vector());
        assertEquals(1, r.delivered().errorCode()); // #GP(EXT)
    }

    @Test
    void handlerMustBe64BitCodeInIa32eMode() {
        Machine m = longMachine();
        m.gate(0x42, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE32_0, 0x1000, 0, 0);
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x42, 0x1000));
        assertEquals(Vectors.GP, r.delivered().vector());
        assertEquals(Machine.CODE32_0 | 1, r.delivered().errorCode());
    }

    @Test
    void protectedModeSameLevelPushesThreeDwordsAndErrorCode() {
        Machine m = new Machine(false);
        m.gate(Vectors.GP, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE32_0, 0x100000, 0, 0);
        m.s.gpr[CpuState.RSP] = 0x9000;
        new EventDelivery(m.mem).deliver(m.s, Event.exception(Vectors.GP, 0x28, 0x2000));
        assertEquals(0x9000 - 16, m.s.gpr[CpuState.RSP]);
        assertEquals(0x28, m.mem.read(0x9000 - 16, 4));
        assertEquals(0x2000, m.mem.read(0x9000 - 12, 4));
        assertEquals(Machine.CODE32_0, m.mem.read(0x9000 - 8, 4));
        assertEquals(0x100000, m.s.rip);
    }

    @Test
    void protectedModeUserInterruptUsesSs0Esp0FromTss() {
        Machine m = new Machine(false);
        m.user();
        m.gate(0x20, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE32_0, 0x100000, 0, 0);
        m.mem.write(Machine.TSS + 4, 4, 0x70000);
        m.mem.write(Machine.TSS + 8, 2, Machine.DATA_0);
        m.s.gpr[CpuState.RSP] = 0x5555;
        new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x20, 0x3000));
        assertEquals(0, m.s.cpl);
        assertEquals(Machine.DATA_0, m.s.seg[CpuState.SS].selector);
        assertEquals(0x70000 - 20, m.s.gpr[CpuState.RSP]);
        assertEquals(Machine.DATA_3, m.mem.read(0x70000 - 4, 4));
        assertEquals(0x5555, m.mem.read(0x70000 - 8, 4));
    }

    @Test
    void protectedModeBadTssStackSegmentIsTs() {
        Machine m = new Machine(false);
        m.user();
        m.gate(0x20, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE32_0, 0x100000, 0, 0);
        m.gate(Vectors.TS, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE32_3, 0x100000, 0, 0);
        m.mem.write(Machine.TSS + 8, 2, Machine.CODE32_0); // SS0 = a code segment
        DeliveryResult r = new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x20, 0x3000));
        assertEquals(Vectors.TS, r.delivered().vector());
        assertEquals(Machine.CODE32_0 | 1, r.delivered().errorCode());
    }

    @Test
    void taskGatesAreUnsupportedLoudly() {
        Machine m = new Machine(false);
        m.gate(0x21, Descriptor.SYS_TASK_GATE, Machine.TSS_SEL, 0, 0, 0);
        assertThrows(UnsupportedFeature.class,
                () -> new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x21, 0)));
    }

    @Test
    void afterFaultAddsExtOnlyForExternalEventsAndNeverToPageFaults() {
        Event ext = Event.externalInterrupt(0x30, 0);
        Event soft = Event.softwareInterrupt(0x30, 0, 2);
        assertEquals(0x10 | 1, EventDelivery.afterFault(ext, CpuFault.gp(0x10)).errorCode());
        assertEquals(0x10, EventDelivery.afterFault(soft, CpuFault.gp(0x10)).errorCode());
        assertEquals(0x2, EventDelivery.afterFault(ext, CpuFault.withError(Vectors.PF, 2)).errorCode());
    }
}
