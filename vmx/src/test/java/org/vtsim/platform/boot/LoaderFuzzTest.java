package org.vtsim.platform.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.MemoryLayout;

/**
 * Random truncations and byte flips of valid images: the loader either loads the image inside
 * guest RAM or refuses it with a one-line {@link BootImageException} — never another exception.
 */
class LoaderFuzzTest {
    static final MemoryLayout LAYOUT = MemoryLayout.of(32L << 20);
    static final List<Supplier<byte[]>> IMAGES =
            List.of(TestImages::elf32Multiboot, TestImages::aoutKludge, TestImages::elf64);

    static void loadChecked(byte[] img) {
        SparseMemory mem = new SparseMemory();
        try {
            BootResult r = new BootLoader(mem, LAYOUT).load("img", img, "a b", List.of(
                    new BootModule("m", new byte[] {1, 2, 3}, "m x")), new CpuState());
            for (BootResult.Range range : r.loaded()) {
                assertTrue(LAYOUT.isAvailableRam(range.start(), range.end() - range.start()), range.toString());
            }
        } catch (BootImageException e) {
            String m = e.getMessage();
            assertTrue(m.startsWith("img: "), m);
            assertFalse(m.contains("\n"), m);
        }
    }

    @Test
    void truncationsLoadOrFailWithOneLine() {
        qt().withExamples(400).forAll(integers().between(0, 2), integers().between(0, 0x1050))
                .checkAssert((which, len) -> {
                    byte[] img = IMAGES.get(which).get();
                    loadChecked(java.util.Arrays.copyOf(img, Math.min(len, img.length)));
                });
    }

    @Test
    void byteFlipsLoadOrFailWithOneLine() {
        qt().withExamples(1500).forAll(integers().between(0, 2), longs().all()).checkAssert((which, seed) -> {
            byte[] img = IMAGES.get(which).get();
            Random rnd = new Random(seed);
            int flips = 1 + rnd.nextInt(6);
            for (int i = 0; i < flips; i++) {
                // Half the flips land in the headers, where they change what the loader does.
                int pos = rnd.nextBoolean() ? rnd.nextInt(Math.min(0x100, img.length)) : rnd.nextInt(img.length);
                img[pos] = rnd.nextInt(4) == 0 ? (byte) 0xff : (byte) rnd.nextInt(256);
            }
            loadChecked(img);
        });
    }
}
