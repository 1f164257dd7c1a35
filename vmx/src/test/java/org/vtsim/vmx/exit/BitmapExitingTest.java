package org.vtsim.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/** I/O bitmaps and MSR bitmaps (SDM Vol. 3C 25.1.3, 24.6.4, 24.6.9) against a plain reading of the text. */
class BitmapExitingTest {
    private static final long BITMAP_A = 0x10000;
    private static final long BITMAP_B = 0x21000;
    private static final long MSR_BITMAPS = 0x33000;
    private static final int UNCOND = PrimaryProcessorBasedControls.UNCONDITIONAL_IO_EXITING;
    private static final int USE_IO = PrimaryProcessorBasedControls.USE_IO_BITMAPS;
    private static final int USE_MSR = PrimaryProcessorBasedControls.USE_MSR_BITMAPS;

    /** A random set of bits, dense near {@code hot} so that both hits and misses occur. */
    private static BitSet randomBits(long seed, int nbits, int hot) {
        Random r = new Random(seed);
        BitSet bits = new BitSet(nbits);
        int density = r.nextInt(4); // 0: empty near hot, 3: about 3/4 set
        for (int i = Math.max(0, hot - 8); i < Math.min(nbits, hot + 8); i++) {
            if (r.nextInt(4) < density) {
                bits.set(i);
            }
        }
        for (int i = 0; i < 64; i++) {
            bits.set(r.nextInt(nbits));
        }
        return bits;
    }

    private static void store(PhysicalMemory m, long address, BitSet bits, int from, int nbits) {
        for (int i = 0; i < nbits; i++) {
            if (bits.get(from + i)) {
                m.write8(address + i / 8, m.read8(address + i / 8) | 1 << (i % 8));
            }
        }
    }

    // ---- I/O ----

    /** SDM 25.1.3 as written, one port at a time. */
    private static boolean ioReference(int controls, BitSet ports, int port, int size) {
        if ((controls & USE_IO) == 0) {
            return (controls & UNCOND) != 0;
        }
        for (int i = 0; i < size; i++) {
            int p = port + i;
            if (p > 0xffff) {
                return true; // the access wraps from FFFFH to 0000H
            }
            if (ports.get(p)) {
                return true; // bitmap A for 0–7FFFH, B for 8000H–FFFFH: one bit per port
            }
        }
        return false;
    }

    @Test
    void ioExitingAgreesWithTheSdmText() {
        qt().withExamples(400).forAll(integers().between(0, 0xffff), integers().between(0, 3 * 4 - 1),
                integers().between(0, 3), longs().all()).checkAssert((raw, where, ctl, seed) -> {
                    int size = 1 << (where % 3);
                    // Bias a third of the ports to the bitmap A/B seam and the top of the port space.
                    int port = switch (where / 3) {
                        case 0 -> 0xfffc + (raw & 3);
                        case 1 -> 0x7ffc + (raw & 7);
                        default -> raw;
                    };
                    int controls = (ctl & 1) * UNCOND | (ctl >> 1) * USE_IO;
                    BitSet ports = randomBits(seed, 0x10000, port);
                    SparseMemory m = new SparseMemory();
                    store(m, BITMAP_A, ports, 0, 0x8000);
                    store(m, BITMAP_B, ports, 0x8000, 0x8000);
                    assertEquals(ioReference(controls, ports, port, size),
                            IoExiting.exits(controls, m, BITMAP_A, BITMAP_B, port, size),
                            "port " + Integer.toHexString(port) + " size " + size + " controls " + controls);
                });
    }

    @Test
    void ioExamples() {
        SparseMemory m = new SparseMemory();
        // Port 0x3f8 is bit 0 of byte 0x7f of bitmap A; port 0x8001 is bit 1 of byte 0 of bitmap B.
        m.write8(BITMAP_A + 0x7f, 0x01);
        m.write8(BITMAP_B, 0x02);
        assertTrue(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0x3f8, 1));
        assertFalse(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0x3f9, 1));
        assertTrue(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0x3f6, 4), "a 4-byte access touching 0x3f8");
        assertTrue(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0x7fff, 4), "crosses into bitmap B's 0x8001");
        assertFalse(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0x8002, 2));
        assertTrue(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0xffff, 2), "wraps to port 0");
        assertFalse(IoExiting.exits(USE_IO, m, BITMAP_A, BITMAP_B, 0xfffe, 2));
        assertFalse(IoExiting.exits(USE_IO | UNCOND, m, BITMAP_A, BITMAP_B, 0x80, 1), "bitmaps override");
        assertTrue(IoExiting.exits(UNCOND, m, BITMAP_A, BITMAP_B, 0x80, 1));
        assertFalse(IoExiting.exits(0, m, BITMAP_A, BITMAP_B, 0x3f8, 1));

        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_IO);
        vmcs.set(VmcsField.IO_BITMAP_A_ADDRESS, BITMAP_A);
        vmcs.set(VmcsField.IO_BITMAP_B_ADDRESS, BITMAP_B);
        assertTrue(IoExiting.exits(vmcs, m, 0x3f8, 1));
        assertFalse(IoExiting.exits(vmcs, m, 0x3fa, 1));
    }

    // ---- MSR ----

    /** SDM 25.1.3 RDMSR/WRMSR as written; {@code bitmaps} holds the 32768 bits of the 4-KiB page. */
    private static boolean msrReference(int controls, BitSet bitmaps, int ecx, boolean write) {
        if ((controls & USE_MSR) == 0) {
            return true;
        }
        long msr = Integer.toUnsignedLong(ecx);
        long lowBase = write ? 0x800 * 8 : 0; // bit offset of the read/write bitmap for low MSRs
        long highBase = write ? 0xc00 * 8 : 0x400 * 8;
        if (msr <= 0x1fff) {
            return bitmaps.get((int) (lowBase + msr));
        }
        if (msr >= 0xc0000000L && msr <= 0xc0001fffL) {
            return bitmaps.get((int) (highBase + (msr & 0x1fff)));
        }
        return true;
    }

    @Test
    void msrExitingAgreesWithTheSdmText() {
        int[] edges = {0, 0x1fff, 0x2000, 0xbfffffff, 0xc0000000, 0xc0001fff, 0xc0002000, 0xffffffff, 0x10,
            0xc0000080, 0x40000000};
        qt().withExamples(500).forAll(integers().all(), integers().between(0, 3 + edges.length),
                integers().between(0, 3), longs().all()).checkAssert((raw, kind, ctl, seed) -> {
                    int ecx = switch (kind) {
                        case 0 -> raw & 0x1fff;
                        case 1 -> 0xc0000000 | raw & 0x1fff;
                        case 2, 3 -> raw;
                        default -> edges[kind - 4];
                    };
                    int controls = (ctl & 1) * USE_MSR | (ctl >> 1) * PrimaryProcessorBasedControls.USE_IO_BITMAPS;
                    int hot = (ecx & 0x1fff) + ((ecx & 0xc0000000) != 0 ? 0x2000 : 0) + ((raw & 1) != 0 ? 0x4000 : 0);
                    BitSet bits = randomBits(seed, 0x8000, hot);
                    SparseMemory m = new SparseMemory();
                    store(m, MSR_BITMAPS, bits, 0, 0x8000);
                    assertEquals(msrReference(controls, bits, ecx, false),
                            MsrExiting.rdmsrExits(controls, m, MSR_BITMAPS, ecx), "RDMSR " + Integer.toHexString(ecx));
                    assertEquals(msrReference(controls, bits, ecx, true),
                            MsrExiting.wrmsrExits(controls, m, MSR_BITMAPS, ecx), "WRMSR " + Integer.toHexString(ecx));
                });
    }

    @Test
    void msrExamples() {
        SparseMemory m = new SparseMemory();
        // WRMSR to IA32_EFER (C0000080H): write bitmap for high MSRs at C00H, byte 0x10, bit 0.
        m.write8(MSR_BITMAPS + 0xc10, 0x01);
        // RDMSR of IA32_APIC_BASE (1BH): read bitmap for low MSRs, byte 3, bit 3.
        m.write8(MSR_BITMAPS + 3, 0x08);
        assertTrue(MsrExiting.wrmsrExits(USE_MSR, m, MSR_BITMAPS, 0xc0000080));
        assertFalse(MsrExiting.rdmsrExits(USE_MSR, m, MSR_BITMAPS, 0xc0000080));
        assertTrue(MsrExiting.rdmsrExits(USE_MSR, m, MSR_BITMAPS, 0x1b));
        assertFalse(MsrExiting.wrmsrExits(USE_MSR, m, MSR_BITMAPS, 0x1b));
        assertTrue(MsrExiting.rdmsrExits(USE_MSR, m, MSR_BITMAPS, 0x40000000), "outside both ranges");
        assertTrue(MsrExiting.rdmsrExits(0, m, MSR_BITMAPS, 0x10), "no bitmaps: every RDMSR exits");
        Vmcs vmcs = new Vmcs(0x1000);
        vmcs.set(VmcsField.PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, USE_MSR);
        vmcs.set(VmcsField.MSR_BITMAPS_ADDRESS, MSR_BITMAPS);
        assertTrue(MsrExiting.wrmsrExits(vmcs, m, 0xc0000080));
        assertFalse(MsrExiting.rdmsrExits(vmcs, m, 0x10));
    }
}
