package org.vtsim.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;

class IoPermissionTest {
    private static boolean allowed(Machine m, int port, int size) {
        try {
            new IoPermission(m.mem).check(m.s, port, size);
            return true;
        } catch (CpuFault f) {
            return false;
        }
    }

    /**
     * With CPL > IOPL, an access is allowed exactly when all its bitmap bits are clear and lie in
     * the TSS (SDM Vol. 1 19.5.2). The TSS limit is chosen so that only ports below 0x400 are mapped.
     */
    @Test
    void bitmapDecidesWhenCplExceedsIopl() {
        qt().withExamples(1000).forAll(integers().between(0, 0xffff), integers().between(0, 2),
                integers().between(0, 1 << 20)).checkAssert((port, sizeIndex, seed) -> {
                    int size = new int[] {1, 2, 4}[sizeIndex];
                    Machine m = new Machine(true);
                    m.user();
                    int mapBase = 0x68;
                    m.mem.write(Machine.TSS + 0x66, 2, mapBase);
                    m.s.tr.limit = mapBase + 0x80; // bitmap bytes 0..0x7f usable (+1 for the 2-byte read)
                    BitSet denied = new BitSet();
                    Random r = new Random(seed);
                    for (int i = 0; i < 0x81; i++) {
                        int b = r.nextInt(4) == 0 ? r.nextInt(256) : 0;
                        m.mem.write(Machine.TSS + mapBase + i, 1, b);
                        for (int k = 0; k < 8; k++) {
                            if ((b >> k & 1) != 0) {
                                denied.set(i * 8 + k);
                            }
                        }
                    }
                    boolean inTss = mapBase + (port >> 3) + 1 <= m.s.tr.limit;
                    boolean expected = inTss && denied.get(port, port + size).isEmpty();
                    assertEquals(expected, allowed(m, port, size), "port " + port + " size " + size);
                });
    }

    @Test
    void ioplAllowsEverythingAtOrBelowIopl() {
        Machine m = new Machine(true);
        m.user();
        assertEquals(false, allowed(m, 0x3f8, 1));
        m.s.setRflags(CpuState.IOPL);
        assertEquals(true, allowed(m, 0x3f8, 1));
        Machine k = new Machine(true);
        assertEquals(true, allowed(k, 0xf4, 4));
    }
}
