package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;

class CpuidTest {
    private final Cpuid cpuid = new Cpuid(CpuidModel.skylake());

    private static String text(int... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return new String(b.array(), StandardCharsets.US_ASCII).replace("\0", "");
    }

    @Test
    void vendorIsGenuineIntelInEbxEdxEcx() {
        int[] r = cpuid.query(0, 0);
        assertEquals(0x0b, r[0]);
        assertEquals("GenuineIntel", text(r[1], r[3], r[2]));
    }

    @Test
    void brandStringSpansThreeLeaves() {
        int[] a = cpuid.query(0x80000002, 0);
        int[] b = cpuid.query(0x80000003, 0);
        int[] c = cpuid.query(0x80000004, 0);
        String brand = text(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3], c[0], c[1], c[2], c[3]);
        assertEquals("vtsim Skylake-class x86-64 model", brand);
    }

    @Test
    void leaf1AdvertisesIntegerAndSystemFeaturesButNoFpuSseOrVmx() {
        int[] r = cpuid.query(1, 0);
        assertEquals(0x00050654, r[0]);
        int edx = r[3];
        int ecx = r[2];
        for (int bit : new int[] {3, 4, 5, 6, 8, 9, 12, 13, 15, 16, 19}) {
            assertEquals(1, (edx >>> bit) & 1, "EDX bit " + bit);
        }
        for (int bit : new int[] {0, 11, 23, 24, 25, 26}) {
            assertEquals(0, (edx >>> bit) & 1, "EDX bit " + bit);
        }
        for (int bit : new int[] {13, 17, 21, 23}) {
            assertEquals(1, (ecx >>> bit) & 1, "ECX bit " + bit);
        }
        for (int bit : new int[] {0, 5, 9, 19, 20, 26, 28, 31}) {
            assertEquals(0, (ecx >>> bit) & 1, "ECX bit " + bit);
        }
    }

    @Test
    void extendedFeaturesAndAddressSizes() {
        int[] r = cpuid.query(0x80000001, 0);
        assertEquals((1 << 11) | (1 << 20) | (1 << 26) | (1 << 27) | (1 << 29), r[3]);
        assertEquals(1 | (1 << 5), r[2]);
        assertEquals(46 | (48 << 8), cpuid.query(0x80000008, 0)[0]);
        assertEquals(39, new Cpuid(CpuidModel.skylake().withMaxPhysAddr(39)).query(0x80000008, 0)[0] & 0xff);
    }

    @Test
    void leaf7HasSmepSmapInvpcidButNotBmi1() {
        int ebx = cpuid.query(7, 0)[1];
        assertEquals((1 << 7) | (1 << 10) | (1 << 20), ebx);
        assertEquals(0, cpuid.query(7, 1)[1]);
    }

    /** Leaves above the maximum return the highest basic leaf's data (SDM Vol. 2A CPUID). */
    @Test
    void outOfRangeLeavesReturnTheHighestBasicLeaf() {
        qt().withExamples(300).forAll(integers().all(), integers().between(0, 3)).checkAssert((leaf, sub) -> {
            boolean inRange = Integer.compareUnsigned(leaf, 0x0b) <= 0
                    || (Integer.compareUnsigned(leaf, 0x80000000) >= 0 && Integer.compareUnsigned(leaf, 0x80000008) <= 0);
            if (!inRange) {
                assertArrayEquals(cpuid.query(0x0b, sub), cpuid.query(leaf, sub));
            }
        });
    }

    @Test
    void executeWritesZeroExtendedRegisters() {
        CpuState s = new CpuState();
        s.gpr[CpuState.RAX] = 0xffffffff_80000008L;
        s.gpr[CpuState.RBX] = -1;
        cpuid.execute(s);
        assertEquals(46 | (48 << 8), s.gpr[CpuState.RAX]);
        assertEquals(0, s.gpr[CpuState.RBX]);
    }

    @Test
    void inconsistentModelsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CpuidModel.skylake().without(CpuFeature.PCID));
        assertThrows(IllegalArgumentException.class, () -> CpuidModel.skylake().with(CpuFeature.SSE));
    }
}
