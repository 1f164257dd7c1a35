package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Vectors;

class SystemCallsTest {
    private final Msrs msrs = new Msrs(CpuidModel.skylake(), new ApicOnlyPlatform(), () -> 0, PagingEvents.NONE);
    private final SystemCalls calls = new SystemCalls(msrs);

    private Machine kernelWithStar() {
        Machine m = new Machine(true);
        // Linux layout: kernel CS 0x08 / SS 0x10; SYSRET base 0x18 -> CS32 0x1b, SS 0x23, CS64 0x2b.
        msrs.write(m.s, Msr.IA32_STAR, (0x18L << 48) | (0x08L << 32));
        msrs.write(m.s, Msr.IA32_LSTAR, 0xffffffff81000000L);
        msrs.write(m.s, Msr.IA32_FMASK, CpuState.IF | CpuState.DF | CpuState.TF);
        return m;
    }

    @Test
    void syscallThenSysretRoundTrip() {
        Machine m = kernelWithStar();
        m.user();
        m.s.setRflags(CpuState.IF | CpuState.DF | CpuState.CF);
        calls.syscall(m.s, 0x401002);
        assertEquals(0, m.s.cpl);
        assertEquals(0xffffffff81000000L, m.s.rip);
        assertEquals(0x401002, m.s.gpr[CpuState.RCX]);
        assertEquals(CpuState.IF | CpuState.DF | CpuState.CF | CpuState.FIXED1, m.s.gpr[11]);
        assertEquals(CpuState.CF | CpuState.FIXED1, m.s.getRflags());
        assertEquals(0x08, m.s.seg[CpuState.CS].selector);
        assertEquals(0x10, m.s.seg[CpuState.SS].selector);
        assertTrue(m.s.mode64());

        calls.sysret(m.s, 8);
        assertEquals(3, m.s.cpl);
        assertEquals(0x2b, m.s.seg[CpuState.CS].selector);
        assertEquals(0x23, m.s.seg[CpuState.SS].selector);
        assertEquals(3, m.s.seg[CpuState.SS].dpl());
        assertEquals(0x401002, m.s.rip);
        assertEquals(CpuState.IF | CpuState.DF | CpuState.CF | CpuState.FIXED1, m.s.getRflags());
        assertTrue(m.s.mode64());
    }

    @Test
    void sysretWith32BitOperandReturnsToCompatibilityMode() {
        Machine m = kernelWithStar();
        m.s.gpr[CpuState.RCX] = 0xdead_0000_1234L;
        calls.sysret(m.s, 4);
        assertEquals(0x1b, m.s.seg[CpuState.CS].selector);
        assertEquals(0x1234, m.s.rip);
        assertTrue(m.s.longModeActive() && !m.s.mode64());
    }

    @Test
    void sysretToNonCanonicalRcxFaultsAtCpl0() {
        Machine m = kernelWithStar();
        m.s.gpr[CpuState.RCX] = 0x0000800000000000L;
        CpuFault f = assertThrows(CpuFault.class, () -> calls.sysret(m.s, 8));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(0, m.s.cpl);
        assertEquals(Machine.CODE64_0, m.s.seg[CpuState.CS].selector);
    }

    @Test
    void syscallIsUdWithoutSceOrOutside64BitMode() {
        Machine m = kernelWithStar();
        m.s.efer &= ~CpuState.EFER_SCE;
        assertEquals(Vectors.UD, assertThrows(CpuFault.class, () -> calls.syscall(m.s, 0)).vector);
        Machine p = new Machine(false);
        assertEquals(Vectors.UD, assertThrows(CpuFault.class, () -> calls.syscall(p.s, 0)).vector);
    }

    @Test
    void sysretFromUserIsGp() {
        Machine m = kernelWithStar();
        m.user();
        assertEquals(Vectors.GP, assertThrows(CpuFault.class, () -> calls.sysret(m.s, 8)).vector);
    }

    @Test
    void swapgsExchangesGsBaseWithKernelGsBase() {
        Machine m = kernelWithStar();
        m.s.seg[CpuState.GS].base = 0x1111;
        msrs.write(m.s, Msr.IA32_KERNEL_GS_BASE, 0xffff888000000000L);
        calls.swapgs(m.s);
        assertEquals(0xffff888000000000L, m.s.seg[CpuState.GS].base);
        assertEquals(0x1111, msrs.kernelGsBase());
        m.user();
        assertEquals(Vectors.GP, assertThrows(CpuFault.class, () -> calls.swapgs(m.s)).vector);
        Machine p = new Machine(false);
        assertEquals(Vectors.UD, assertThrows(CpuFault.class, () -> calls.swapgs(p.s)).vector);
    }
}
