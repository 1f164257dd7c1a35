package org.vtsim.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.cpu.StopReason;

/**
 * String instructions with a 67 (address-size) prefix in 64-bit mode: the count is ECX and the
 * indexes are ESI/EDI (SDM Vol. 1 3.3.7, Vol. 2B REP), written back as 32-bit registers. With
 * ECX = 0 no iteration runs, yet the host CPU still clears the upper half of RCX, and for MOVS
 * and STOS (not LODS, SCAS, CMPS) of the index registers they use (conformance differential,
 * family STRING_ADDR32, over 100,000 random sequences).
 */
class StringAddressSizeTest {
    /** Opcode, and which index registers it uses: 1 = RSI, 2 = RDI. */
    private static final int[][] OPS = {{0xa5, 3}, {0xab, 2}, {0xad, 1}, {0xa7, 3}, {0xaf, 2}};

    private static Cpu run(String hex, long rcx, long rsi, long rdi) {
        Cpu cpu = Machines.longMode(hex, CostProfile.skylake());
        CpuState s = cpu.state();
        s.gpr[CpuState.RCX] = rcx;
        s.gpr[CpuState.RSI] = rsi;
        s.gpr[CpuState.RDI] = rdi;
        assertEquals(StopReason.INSTRUCTION_LIMIT, cpu.step(), cpu.stopDetail());
        return cpu;
    }

    @Test
    void repStosqWithEcxZeroClearsUpperHalvesOfRcxAndRdi() {
        // f3 67 48 ab: rep stos qword [edi], rax (differential case 0x8b215623ff44964a)
        Cpu cpu = run("f36748ab", 0xdf98ce4e00000000L, 0x1234567800000000L, 0xdf98ce4e40001279L);
        CpuState s = cpu.state();
        assertEquals(0, s.gpr[CpuState.RCX]);
        assertEquals(0x40001279L, s.gpr[CpuState.RDI]);
        assertEquals(0x1234567800000000L, s.gpr[CpuState.RSI], "RSI is not used by STOS");
    }

    @Test
    void repMovswWithEcxZeroClearsUpperHalvesOfRcxRsiRdi() {
        // f3 67 66 a5: rep movs word [edi],[esi] (differential case 0xcd3e383b2aba2b4)
        Cpu cpu = run("f36766a5", 0x0e6e818100000000L, 0x0e6e818140001546L, 0x0e6e818140001563L);
        CpuState s = cpu.state();
        assertEquals(0, s.gpr[CpuState.RCX]);
        assertEquals(0x40001546L, s.gpr[CpuState.RSI]);
        assertEquals(0x40001563L, s.gpr[CpuState.RDI]);
    }

    @Test
    void anyRepeatedAddr32StringLeavesUsedRegistersZeroExtended() {
        qt().withExamples(200).forAll(integers().between(0, OPS.length - 1), integers().between(0, 3),
                longs().all(), integers().between(0, 1)).checkAssert((k, ecx, garbage, repne) -> {
                    int[] op = OPS[k];
                    String hex = (repne == 1 ? "f2" : "f3") + "67" + String.format("%02x", op[0]);
                    long upper = garbage & 0xffffffff00000000L;
                    Cpu cpu = run(hex, upper | ecx, upper | 0x40001000L, upper | 0x40003000L);
                    CpuState s = cpu.state();
                    assertEquals(0, s.gpr[CpuState.RCX] >>> 32, "RCX upper half");
                    // With ECX = 0 only MOVS (a5) and STOS (ab) write their index registers.
                    boolean writesIndexes = ecx != 0 || op[0] == 0xa5 || op[0] == 0xab;
                    long rsiUpper = writesIndexes && (op[1] & 1) != 0 ? 0 : upper >>> 32;
                    long rdiUpper = writesIndexes && (op[1] & 2) != 0 ? 0 : upper >>> 32;
                    assertEquals(rsiUpper, s.gpr[CpuState.RSI] >>> 32, "RSI upper half");
                    assertEquals(rdiUpper, s.gpr[CpuState.RDI] >>> 32, "RDI upper half");
                    boolean compares = op[0] == 0xa7 || op[0] == 0xaf;
                    if (!compares) {
                        assertEquals(0, s.gpr[CpuState.RCX]);
                        if ((op[1] & 2) != 0) {
                            assertEquals(0x40003000L + 4L * ecx, s.gpr[CpuState.RDI]);
                        }
                    }
                });
    }
}
