package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.UnsupportedFeature;
import org.vtsim.cpu.Vectors;

class FarTransferTest {
    @Test
    void farJumpFromCompatibilityModeEnters64BitMode() {
        Machine m = new Machine(true);
        m.load(CpuState.CS, Machine.CODE32_0);
        new FarTransfer(m.mem).jump(m.s, Machine.CODE64_0, 0x100000, 4);
        assertTrue(m.s.mode64());
        assertEquals(0x100000, m.s.rip);
        assertEquals(1, m.mem.read(Machine.GDT + Machine.CODE64_0 + 5, 1) & 1); // accessed
    }

    @Test
    void farJumpBeyondLimitIsGp0() {
        Machine m = new Machine(false);
        m.setGdt(12, Descriptor.encode(0, 0xffff, 0xa, true, 0, true, false, true, false));
        CpuFault f = assertThrows(CpuFault.class, () -> new FarTransfer(m.mem).jump(m.s, Machine.CODE16_0, 0x10000, 4));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(0, f.errorCode);
    }

    @Test
    void farJumpToMorePrivilegedNonConformingCodeIsGpSelector() {
        Machine m = new Machine(true);
        m.user();
        CpuFault f = assertThrows(CpuFault.class, () -> new FarTransfer(m.mem).jump(m.s, Machine.CODE64_0, 0, 8));
        assertEquals(Machine.CODE64_0, f.errorCode);
    }

    @Test
    void farJumpToConformingCodeKeepsCpl() {
        Machine m = new Machine(true);
        m.user();
        new FarTransfer(m.mem).jump(m.s, Machine.CONFORMING64_0, 0x1000, 8);
        assertEquals(3, m.s.cpl);
        assertEquals(Machine.CONFORMING64_0 | 3, m.s.seg[CpuState.CS].selector);
    }

    @Test
    void farJumpToDataSegmentIsGpAndNotPresentIsNp() {
        Machine m = new Machine(false);
        assertEquals(Vectors.GP, assertThrows(CpuFault.class,
                () -> new FarTransfer(m.mem).jump(m.s, Machine.DATA_0, 0, 4)).vector);
        m.mem.write(Machine.GDT + Machine.CODE32_0 + 5, 1, 0x1a); // clear P
        assertEquals(Vectors.NP, assertThrows(CpuFault.class,
                () -> new FarTransfer(m.mem).jump(m.s, Machine.CODE32_0, 0, 4)).vector);
    }

    @Test
    void callGatesAreUnsupportedLoudly() {
        Machine m = new Machine(false);
        m.setGdt(12, Descriptor.encode(0, 0, Descriptor.SYS_CALL_GATE, false, 3, true, false, false, false));
        assertThrows(UnsupportedFeature.class, () -> new FarTransfer(m.mem).call(m.s, 0x60, 0, 4, 0));
    }

    @Test
    void farCallThenFarRetRoundTrip() {
        Machine m = new Machine(true);
        m.s.gpr[CpuState.RSP] = 0x8000;
        m.load(CpuState.CS, Machine.CODE32_0);
        FarTransfer far = new FarTransfer(m.mem);
        far.call(m.s, Machine.CODE64_0, 0x200000, 4, 0x1234);
        assertEquals(0x8000 - 8, m.s.gpr[CpuState.RSP]);
        assertEquals(0x1234, m.mem.read(0x8000 - 8, 4));
        assertEquals(Machine.CODE32_0, m.mem.read(0x8000 - 4, 4));
        assertTrue(m.s.mode64());
        far.ret(m.s, 4, 0);
        assertEquals(0x1234, m.s.rip);
        assertEquals(0x8000, m.s.gpr[CpuState.RSP]);
        assertEquals(Machine.CODE32_0, m.s.seg[CpuState.CS].selector);
    }

    @Test
    void farRetToOuterLevelPopsSsAndReleasesParameters() {
        Machine m = new Machine(false);
        long sp = 0x8000;
        m.s.gpr[CpuState.RSP] = sp;
        m.mem.write(sp, 4, 0x401000);
        m.mem.write(sp + 4, 4, Machine.CODE32_3);
        // 8 bytes of parameters, then the caller's ESP and SS.
        m.mem.write(sp + 16, 4, 0x7000);
        m.mem.write(sp + 20, 4, Machine.DATA_3);
        m.load(CpuState.DS, Machine.DATA_0);
        new FarTransfer(m.mem).ret(m.s, 4, 8);
        assertEquals(3, m.s.cpl);
        assertEquals(0x401000, m.s.rip);
        assertEquals(0x7000 + 8, m.s.gpr[CpuState.RSP]);
        assertEquals(Machine.DATA_3, m.s.seg[CpuState.SS].selector);
        assertTrue(m.s.seg[CpuState.DS].isUnusable()); // DPL 0 data is not usable at CPL 3
    }

    @Test
    void farRetToInnerLevelIsGp() {
        Machine m = new Machine(false);
        m.user();
        m.s.gpr[CpuState.RSP] = 0x8000;
        m.mem.write(0x8000, 4, 0x1000);
        m.mem.write(0x8004, 4, Machine.CODE32_0);
        CpuFault f = assertThrows(CpuFault.class, () -> new FarTransfer(m.mem).ret(m.s, 4, 0));
        assertEquals(Machine.CODE32_0, f.errorCode);
        assertEquals(0x8000, m.s.gpr[CpuState.RSP]);
    }
}
