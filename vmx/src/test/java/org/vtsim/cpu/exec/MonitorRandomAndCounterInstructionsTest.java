package org.vtsim.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.decode.Decoder;
import org.vtsim.cpu.decode.Insn;
import org.vtsim.cpu.decode.Op;
import org.vtsim.cpu.system.CpuFeature;
import org.vtsim.cpu.system.CpuidModel;

/**
 * RDPMC, MONITOR, MWAIT, XSETBV, RDRAND and RDSEED outside VMX (SDM Vol. 2B/2D): decoded, #UD exactly when
 * CPUID does not advertise them, their privilege checks, native results — and a loud "unsupported" where the
 * model has no such unit (performance counters, XSAVE state). 64-bit code, no IDT: an exception ends the run
 * in a triple fault whose detail names it.
 */
class MonitorRandomAndCounterInstructionsTest {
    static final CpuidModel ALL = CpuidModel.skylake().with(CpuFeature.MONITOR, CpuFeature.RDRAND, CpuFeature.RDSEED,
            CpuFeature.XSAVE);

    private static Insn decode(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        return new Decoder().decode(k -> b[k] & 0xff, true, true, 0);
    }

    @Test
    void encodingsDecodeAndDisassemble() {
        String[][] cases = {
            {"0f33", "RDPMC", "rdpmc"},
            {"0f01c8", "MONITOR", "monitor rax,ecx,edx"},
            {"0f01c9", "MWAIT", "mwait eax,ecx"},
            {"0f01d1", "XSETBV", "xsetbv"},
            {"0fc7f0", "RDRAND", "rdrand eax"},
            {"480fc7f1", "RDRAND", "rdrand rcx"},
            {"660fc7f2", "RDRAND", "rdrand dx"},
            {"490fc7f8", "RDSEED", "rdseed r8"},
        };
        for (String[] c : cases) {
            Insn i = decode(c[0]);
            assertEquals(Op.valueOf(c[1]), i.op, c[0]);
            assertEquals(c[0].length() / 2, i.len, c[0]);
            assertEquals(c[2], i.disassemble(0), c[0]);
        }
        assertEquals(Op.UNIMPLEMENTED, decode("f30fc7f8").op, "F3 0F C7 /7 is RDPID");
        assertEquals(Op.UNIMPLEMENTED, decode("0f01d0").op, "XGETBV");
    }

    private static Cpu run(String hex, CpuidModel model, StopReason expected) {
        Cpu cpu = Machines.longMode(hex, CostProfile.skylake(), model);
        cpu.state().idtrLimit = 0; // any exception: #GP, #DF, triple fault
        StopReason r = cpu.run(20);
        assertEquals(expected, r, cpu.stopDetail());
        return cpu;
    }

    private static void assertFault(String hex, CpuidModel model, String fault) {
        Cpu cpu = run(hex, model, StopReason.SHUTDOWN);
        assertTrue(cpu.stopDetail().startsWith("triple fault after " + fault + " at rip 0x10000"), cpu.stopDetail());
    }

    @Test
    void unadvertisedFeaturesRaiseUndefinedOpcode() {
        // "#UD If CPUID.01H:ECX.RDRAND[bit 30] = 0" and the like (SDM Vol. 2B RDRAND, RDSEED, MONITOR, MWAIT).
        CpuidModel none = CpuidModel.skylake();
        assertFalse(none.has(CpuFeature.RDRAND) || none.has(CpuFeature.MONITOR));
        for (String hex : new String[] {"0fc7f0", "0fc7f8", "0f01c8", "0f01c9"}) {
            assertFault(hex, none, "#UD");
        }
        // XSETBV: #UD while CR4.OSXSAVE = 0 (SDM Vol. 2D).
        assertFault("0f01d1", ALL, "#UD");
    }

    @Test
    void rdrandAndRdseedSetTheRegisterAndCarryAndRepeatFromRunToRun() {
        // rdrand rax; rdseed ecx; rdrand dx; hlt — CF = 1, OF/SF/ZF/AF/PF = 0 (SDM Vol. 2B RDRAND Operation).
        String code = "480fc7f0 0fc7f9 660fc7f2 f4".replace(" ", "");
        Cpu a = run(code, ALL, StopReason.HALTED);
        CpuState s = a.state();
        s.flags.materialize();
        long flags = s.getRflags();
        assertEquals(CpuState.CF, flags & (CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
                | CpuState.OF));
        assertEquals(0, s.gpr[CpuState.RCX] >>> 32, "a 32-bit destination is zero-extended");
        assertNotEquals(s.gpr[CpuState.RAX], s.gpr[CpuState.RCX] & 0xffffffffL);
        Cpu b = run(code, ALL, StopReason.HALTED);
        assertEquals(s.gpr[CpuState.RAX], b.state().gpr[CpuState.RAX], "deterministic: same values every run");
        assertEquals(s.gpr[CpuState.RDX] & 0xffff, b.state().gpr[CpuState.RDX] & 0xffff);
    }

    @Test
    void rdpmcIsPrivilegedWithoutPceAndOtherwiseUnsupported() {
        // "#GP(0) If the current privilege level is not 0 and the PCE flag in the CR4 register is clear."
        Cpu user = Machines.longMode("0f33", CostProfile.skylake(), ALL);
        user.state().idtrLimit = 0;
        user.state().cpl = 3;
        assertEquals(StopReason.SHUTDOWN, user.run(5));
        assertTrue(user.stopDetail().startsWith("triple fault after #GP(0x0)"), user.stopDetail());
        // At CPL 0 (or with CR4.PCE) a counter would be read: the model has none.
        Cpu kernel = run("0f33", ALL, StopReason.UNSUPPORTED);
        assertTrue(kernel.stopDetail().startsWith("unsupported: RDPMC (performance-monitoring counters"),
                kernel.stopDetail());
    }

    @Test
    void monitorArmsAndMwaitReturnsAndDisarms() {
        // monitor; mwait; hlt with RAX = a mapped address, ECX = EDX = 0.
        Cpu cpu = Machines.longMode("0f01c8 0f01c9 f4".replace(" ", ""), CostProfile.skylake(), ALL);
        cpu.state().gpr[CpuState.RAX] = 0x5000;
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.run(1), cpu.stopDetail());
        assertTrue(cpu.monitorArmed());
        assertEquals(StopReason.HALTED, cpu.run(5), cpu.stopDetail());
        assertFalse(cpu.monitorArmed());
        assertEquals(Machines.CODE + 7, cpu.state().rip);

        // "#GP(0) If ECX != 0" (MONITOR: no extensions; MWAIT: bit 0 needs CPUID.05H:ECX[1]); #UD at CPL 3.
        for (String hex : new String[] {"0f01c8", "0f01c9"}) {
            Cpu bad = Machines.longMode(hex, CostProfile.skylake(), ALL);
            bad.state().idtrLimit = 0;
            bad.state().gpr[CpuState.RCX] = 1;
            assertEquals(StopReason.SHUTDOWN, bad.run(5));
            assertTrue(bad.stopDetail().startsWith("triple fault after #GP(0x0)"), hex + ": " + bad.stopDetail());
            Cpu user = Machines.longMode(hex, CostProfile.skylake(), ALL);
            user.state().idtrLimit = 0;
            user.state().cpl = 3;
            assertEquals(StopReason.SHUTDOWN, user.run(5));
            assertTrue(user.stopDetail().startsWith("triple fault after #UD"), hex + ": " + user.stopDetail());
        }
    }

    @Test
    void xsetbvWithOsxsaveIsUnsupportedLoudly() {
        Cpu cpu = Machines.longMode("0f01d1", CostProfile.skylake(), ALL);
        cpu.state().cr4 |= CpuState.CR4_OSXSAVE;
        assertEquals(StopReason.UNSUPPORTED, cpu.run(5));
        assertTrue(cpu.stopDetail().startsWith("unsupported: XSETBV"), cpu.stopDetail());
    }
}
