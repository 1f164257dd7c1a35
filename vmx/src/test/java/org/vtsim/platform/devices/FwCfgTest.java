package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vtsim.platform.PcPlatform;

/** QEMU docs/specs/fw_cfg.rst, legacy I/O interface. */
class FwCfgTest {
    static byte[] item(PcPlatform p, int key, int n) {
        p.ioWrite(0x510, 2, key);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) p.ioRead(0x511, 1);
        }
        return b;
    }

    static long le(byte[] b) {
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    @Test
    void signatureIdRamSizeAndCpuCount() {
        PcPlatform p = PcPlatform.builder().ramSize(512L << 20).build();
        assertEquals("QEMU", new String(item(p, 0x0000, 4), StandardCharsets.US_ASCII));
        assertEquals(1, le(item(p, 0x0001, 4)), "traditional interface, no DMA");
        assertEquals(512L << 20, le(item(p, 0x0003, 8)), "64-bit little endian");
        assertEquals(1, le(item(p, 0x0005, 2)));
        assertEquals(1, le(item(p, 0x000f, 2)));
    }

    @Test
    void selectingRewindsAndReadsPastTheEndOrOfUnknownItemsAreZero() {
        PcPlatform p = PcPlatform.builder().build();
        item(p, 0x0000, 2);
        assertEquals("QEMU", new String(item(p, 0x0000, 4), StandardCharsets.US_ASCII));
        assertEquals(0, le(item(p, 0x0000, 8)) >>> 32);
        assertEquals(0, le(item(p, 0x1234, 8)));
    }

    @Test
    void kernelCommandLineItemsIncludeTheTerminatingNul() {
        PcPlatform p = PcPlatform.builder().cmdline("n=5").build();
        assertEquals(4, le(item(p, 0x0014, 4)));
        assertEquals("n=5\0", new String(item(p, 0x0015, 4), StandardCharsets.US_ASCII));
    }
}
