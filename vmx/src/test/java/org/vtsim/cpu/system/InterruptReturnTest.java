package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.Vectors;

class InterruptReturnTest {
    private static Machine userMachineAfterInterrupt(long userFlags) {
        Machine m = new Machine(true);
        m.gate(0x30, Descriptor.SYS_INTERRUPT_GATE, Machine.CODE64_0, 0xffffffff80000000L, 0, 0);
        m.mem.write(Machine.TSS + 4, 8, 0x20000);
        m.user();
        m.load(CpuState.DS, Machine.DATA_3);
        m.s.gpr[CpuState.RSP] = 0x7fff0000;
        m.s.rip = 0x401000;
        m.s.setRflags(userFlags);
        new EventDelivery(m.mem).deliver(m.s, Event.externalInterrupt(0x30, 0x401000));
        return m;
    }

    @Test
    void iretqUndoesAnInterruptFromUserMode() {
        Machine m = userMachineAfterInterrupt(CpuState.IF | CpuState.ZF);
        new InterruptReturn(m.mem).iret(m.s, 8);
        assertEquals(3, m.s.cpl);
        assertEquals(Machine.CODE64_3, m.s.seg[CpuState.CS].selector);
        assertEquals(Machine.DATA_3, m.s.seg[CpuState.SS].selector);
        assertEquals(3, m.s.seg[CpuState.SS].dpl());
        assertEquals(0x7fff0000, m.s.gpr[CpuState.RSP]);
        assertEquals(0x401000, m.s.rip);
        assertEquals(CpuState.IF | CpuState.ZF | CpuState.FIXED1, m.s.getRflags());
        assertEquals(Machine.DATA_3, m.s.seg[CpuState.DS].selector); // DPL 3 data stays usable
    }

    @Test
    void returnToUserNullsKernelDataSegmentsButKeepsTheirBase() {
        Machine m = userMachineAfterInterrupt(CpuState.IF);
        m.load(CpuState.ES, Machine.DATA_0);
        m.s.seg[CpuState.FS].set(0, 0x7000_0000L, 0, org.vtsim.cpu.Segment.ATTR_UNUSABLE);
        new InterruptReturn(m.mem).iret(m.s, 8);
        assertEquals(0, m.s.seg[CpuState.ES].selector);
        assertTrue(m.s.seg[CpuState.ES].isUnusable());
        assertEquals(0x7000_0000L, m.s.seg[CpuState.FS].base);
    }

    @Test
    void iretqToUserWithKernelCodeSelectorRplMismatchIsGp() {
        Machine m = userMachineAfterInterrupt(CpuState.IF);
        long sp = m.s.gpr[CpuState.RSP];
        m.mem.write(sp + 8, 8, Machine.CODE64_0 | 3); // DPL 0 code with RPL 3
        CpuFault f = assertThrows(CpuFault.class, () -> new InterruptReturn(m.mem).iret(m.s, 8));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(Machine.CODE64_0, f.errorCode);
        assertEquals(0, m.s.cpl); // nothing committed
        assertEquals(sp, m.s.gpr[CpuState.RSP]);
    }

    @Test
    void userCannotRaiseIoplOrClearIfBeyondIopl() {
        Machine m = new Machine(true);
        m.user();
        m.s.setRflags(CpuState.IF);
        long sp = 0x8000;
        m.s.gpr[CpuState.RSP] = sp;
        m.mem.write(sp, 8, 0x401000);
        m.mem.write(sp + 8, 8, Machine.CODE64_3);
        m.mem.write(sp + 16, 8, CpuState.IOPL | CpuState.CF);
        m.mem.write(sp + 24, 8, 0x7000);
        m.mem.write(sp + 32, 8, Machine.DATA_3);
        new InterruptReturn(m.mem).iret(m.s, 8);
        assertEquals(CpuState.IF | CpuState.CF | CpuState.FIXED1, m.s.getRflags());
        assertEquals(0x7000, m.s.gpr[CpuState.RSP]);
    }

    @Test
    void nestedTaskFlagInIa32eModeIsGpAndInProtectedModeUnsupported() {
        Machine l = new Machine(true);
        l.s.setRflags(CpuState.NT);
        assertEquals(Vectors.GP, assertThrows(CpuFault.class, () -> new InterruptReturn(l.mem).iret(l.s, 8)).vector);
        Machine p = new Machine(false);
        p.s.setRflags(CpuState.NT);
        assertThrows(UnsupportedFeature.class, () -> new InterruptReturn(p.mem).iret(p.s, 4));
    }

    @Test
    void protectedModeSameLevelIretPopsThreeDwords() {
        Machine m = new Machine(false);
        m.gate(0x21, Descriptor.SYS_TRAP_GATE, Machine.CODE32_0, 0x100000, 0, 0);
        m.s.setRflags(CpuState.IF | CpuState.SF);
        new EventDelivery(m.mem).deliver(m.s, Event.softwareInterrupt(0x21, 0x2000, 2));
        m.s.setRflags(0);
        new InterruptReturn(m.mem).iret(m.s, 4);
        assertEquals(0x2002, m.s.rip);
        assertEquals(0x9000, m.s.gpr[CpuState.RSP]);
        assertEquals(CpuState.IF | CpuState.SF | CpuState.FIXED1, m.s.getRflags());
    }

    /** SDM Vol. 2B IRET: which flags the popped image may change, by CPL, IOPL and operand size. */
    @Test
    void returnFlagsFollowThePrivilegeTable() {
        qt().withExamples(2000).forAll(longs().all(), longs().all(), integers().between(0, 3),
                integers().between(0, 2)).checkAssert((old, popped, cpl, sizeIndex) -> {
                    int size = new int[] {2, 4, 8}[sizeIndex];
                    long merged = ReturnFlags.merge(old, popped, size, cpl);
                    int iopl = (int) (old >>> 12) & 3;
                    for (int bit = 0; bit < 64; bit++) {
                        long b = 1L << bit;
                        boolean mayChange;
                        if (size == 2 && bit >= 16) {
                            mayChange = false;
                        } else if (b == CpuState.IF) {
                            mayChange = cpl <= iopl;
                        } else if (bit == 12 || bit == 13) {
                            mayChange = cpl == 0;
                        } else if (b == CpuState.VIF || b == CpuState.VIP) {
                            mayChange = cpl == 0;
                        } else if (b == CpuState.VM) {
                            mayChange = false;
                        } else {
                            mayChange = (b & (CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
                                    | CpuState.TF | CpuState.DF | CpuState.OF | CpuState.NT | CpuState.RF | CpuState.AC
                                    | CpuState.ID)) != 0;
                        }
                        long expected = mayChange ? popped & b : old & b;
                        assertEquals(expected, merged & b, "bit " + bit);
                    }
                });
    }
}
