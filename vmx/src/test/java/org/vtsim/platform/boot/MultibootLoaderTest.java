package org.vtsim.platform.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Segment;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.MemoryLayout;

/** Multiboot Specification 0.6.96 facts (sections 3.1-3.3), and QEMU's placement. */
class MultibootLoaderTest {
    PhysicalMemory mem;
    MemoryLayout layout;
    CpuState cpu;
    BootLoader loader;

    @BeforeEach
    void setUp() {
        mem = new SparseMemory();
        layout = MemoryLayout.of(64L << 20);
        cpu = new CpuState();
        loader = new BootLoader(mem, layout);
    }

    static String cstring(PhysicalMemory m, long pa) {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = m.read8(pa)) != 0; pa++) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    byte[] bytes(long pa, int n) {
        byte[] b = new byte[n];
        mem.read(pa, b, 0, n);
        return b;
    }

    @Test
    void elf32SegmentsLoadAtPaddrWithBssZeroedAndEntryMovedToPhysical() throws Exception {
        byte[] img = TestImages.elf32Multiboot();
        mem.write(0x101010, new byte[] {1, 2, 3}, 0, 3); // garbage where the bss goes
        BootResult r = loader.load("kernel.elf", img, "n=3", List.of(), cpu);
        assertEquals(BootResult.Kind.MULTIBOOT, r.kind());
        assertEquals(0x100010, r.entry(), "e_entry 0xc0100010 inside segment 0 -> p_paddr + 0x10");
        assertTrue(Arrays.equals(Arrays.copyOfRange(img, 0x1000, 0x1040), bytes(0x100000, 0x40)));
        assertTrue(Arrays.equals(Arrays.copyOfRange(img, 0x1040, 0x1050), bytes(0x101000, 0x10)));
        assertTrue(Arrays.equals(new byte[0x2000 - 0x10], bytes(0x101010, 0x2000 - 0x10)), "bss zeroed");
    }

    @Test
    void machineStateOfSection3_2() throws Exception {
        BootResult r = loader.load("kernel.elf", TestImages.elf32Multiboot(), "", List.of(), cpu);
        assertEquals(0x2BADB002L, cpu.gpr[CpuState.RAX]);
        assertEquals(r.infoAddress(), cpu.gpr[CpuState.RBX]);
        Segment cs = cpu.seg[CpuState.CS];
        assertEquals(0, cs.base);
        assertEquals(0xffffffffL, cs.limit);
        assertEquals(0xb, cs.attributes & Segment.ATTR_TYPE_MASK, "execute/read code");
        assertTrue(cs.isDefaultBig() && !cs.is64BitCode(), "32-bit code");
        for (int s : new int[] {CpuState.DS, CpuState.ES, CpuState.FS, CpuState.GS, CpuState.SS}) {
            assertEquals(0x3, cpu.seg[s].attributes & Segment.ATTR_TYPE_MASK, "read/write data");
            assertEquals(0xffffffffL, cpu.seg[s].limit);
            assertEquals(0, cpu.seg[s].base);
        }
        assertEquals(CpuState.CR0_PE, cpu.cr0 & (CpuState.CR0_PE | CpuState.CR0_PG), "PE = 1, PG = 0");
        assertEquals(0, cpu.getRflags() & (CpuState.IF | CpuState.VM));
        assertEquals(0x100010, cpu.rip);
        assertEquals(0, cpu.efer);
        // The GDTR points at descriptors that match the loaded segment caches.
        assertEquals(0x00CF9B000000FFFFL, mem.read64(cpu.gdtrBase + cs.selector));
        assertEquals(0x00CF93000000FFFFL, mem.read64(cpu.gdtrBase + cpu.seg[CpuState.DS].selector));
    }

    @Test
    void informationStructureHasMemoryCmdlineModulesMmapAndLoaderName() throws Exception {
        byte[] initrd = "initrd contents".getBytes(StandardCharsets.US_ASCII);
        BootResult r = loader.load("kernel.elf", TestImages.elf32Multiboot(), "n=3 v",
                List.of(new BootModule("rd.bin", initrd, "rd.bin arg")), cpu);
        long info = r.infoAddress();
        assertTrue(info < 0x100000, "placed in low memory below the image");
        int flags = mem.read32(info);
        assertEquals(1 | 4 | 8 | 64 | 512, flags, "mem, cmdline, mods, mmap, boot_loader_name");
        assertEquals(639, mem.read32(info + 4), "mem_lower in KiB");
        assertEquals((64 << 10) - 1024, mem.read32(info + 8), "mem_upper: KiB from 1 MiB");
        assertEquals("kernel.elf n=3 v", cstring(mem, mem.read32(info + 16) & 0xffffffffL),
                "QEMU passes the image name first");
        assertEquals("vtsim", cstring(mem, mem.read32(info + 64) & 0xffffffffL));
        assertEquals(1, mem.read32(info + 20));
        long mod = mem.read32(info + 24) & 0xffffffffL;
        long start = mem.read32(mod) & 0xffffffffL;
        assertEquals(0x103000, start, "page-aligned after the image's end 0x103000");
        assertEquals(start + initrd.length, mem.read32(mod + 4) & 0xffffffffL);
        assertTrue(Arrays.equals(initrd, bytes(start, initrd.length)));
        assertEquals("rd.bin arg", cstring(mem, mem.read32(mod + 8) & 0xffffffffL));
        int mmapLength = mem.read32(info + 44);
        long mmap = mem.read32(info + 48) & 0xffffffffL;
        assertEquals(4 * 24, mmapLength);
        long[][] expect = {{0, 0x9fc00, 1}, {0x9fc00, 0x100000 - 0x9fc00, 2}, {0x100000, (64L << 20) - 0x100000, 1},
            {0xfec00000L, 0x1400000L, 2}};
        for (int i = 0; i < 4; i++) {
            long e = mmap + i * 24L;
            assertEquals(20, mem.read32(e), "size excludes the size field");
            assertEquals(expect[i][0], mem.read64(e + 4));
            assertEquals(expect[i][1], mem.read64(e + 12));
            assertEquals(expect[i][2], mem.read32(e + 20));
        }
    }

    @Test
    void aoutKludgeLoadsTheFileFromLoadAddrAndZeroesToBssEnd() throws Exception {
        byte[] img = TestImages.aoutKludge();
        BootResult r = loader.load("flat.bin", img, "", List.of(), cpu);
        assertEquals(0x100020, r.entry());
        assertEquals(0x100020, cpu.rip);
        assertTrue(Arrays.equals(img, bytes(0x100000, img.length)));
        assertEquals(List.of(new BootResult.Range("segment 0", 0x100000, 0x102000)), r.loaded());
    }

    void assertFails(String message, byte[] img) {
        BootImageException e = assertThrows(BootImageException.class,
                () -> new MultibootLoader(mem, layout).load("img", img, "", List.of(), cpu));
        assertEquals(message, e.getMessage());
    }

    @Test
    void noHeaderInTheFirst8192Bytes() {
        byte[] img = new byte[9000];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        TestImages.multibootHeader(b, 8184, 0); // would end past byte 8192
        assertFails("img: no multiboot header in the first 8192 bytes", img);
        BootImageException e = assertThrows(BootImageException.class,
                () -> loader.load("img", img, "", List.of(), cpu));
        assertEquals("img: no multiboot header in the first 8192 bytes and not an ELF image", e.getMessage());
    }

    @Test
    void badChecksumOrMisalignmentIsNoHeader() {
        byte[] img = TestImages.aoutKludge();
        img[8] ^= 1;
        assertFails("img: no multiboot header in the first 8192 bytes", img);
        byte[] shifted = new byte[img.length + 2];
        System.arraycopy(TestImages.aoutKludge(), 0, shifted, 2, img.length);
        assertFails("img: no multiboot header in the first 8192 bytes", shifted);
    }

    @Test
    void unknownRequiredFlagsAreRefused() {
        byte[] img = TestImages.aoutKludge();
        TestImages.multibootHeader(java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 0x10009);
        assertFails("img: multiboot header requires features this loader lacks (flags 0x8)", img);
    }

    @Test
    void truncatedSegmentIsNamedWithItsOffset() {
        byte[] img = Arrays.copyOf(TestImages.elf32Multiboot(), 0x1048);
        assertFails("img: segment 1 extends past end of file (offset 0x1040, size 0x10, file size 0x1048)", img);
    }

    @Test
    void segmentBeyondRamIsRefusedAndMemoryIsLeftAlone() {
        layout = MemoryLayout.of(2L << 20); // 2 MiB: the bss of segment 1 still fits, a module would not
        byte[] img = TestImages.elf32Multiboot();
        java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(84 + 12, 0x1ff000);
        assertFails("img: segment 1 [0x1ff000, 0x201000) is outside guest RAM (2 MiB; available: [0x0, 0x9fc00) "
                + "available, [0x100000, 0x200000) available)", img);
        assertEquals(0, mem.allocatedPages(), "nothing written for a rejected image");
    }

    @Test
    void segmentsMayNotOverlapEachOtherOrTheBootInformationArea() {
        byte[] img = TestImages.elf32Multiboot();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(84 + 12, 0x100020);
        assertFails("img: segment 1 [0x100020, 0x102020) overlaps segment 0 [0x100000, 0x100040)", img);
        b.putInt(84 + 12, 0x9000);
        assertFails("img: segment 1 [0x9000, 0xb000) overlaps the boot information area [0x1000, 0x9fc00)", img);
    }

    @Test
    void elf64WithoutTheKludgeIsRefusedAsQemuDoes() {
        byte[] img = TestImages.elf64();
        TestImages.multibootHeader(java.nio.ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0x100, 0);
        assertFails("img: ELF64 multiboot image without address fields (flag 16): give a 32-bit image, as QEMU requires",
                img);
    }

    @Test
    void unreadableFileGivesAOneLineError() {
        BootImageException e = assertThrows(BootImageException.class,
                () -> loader.load(java.nio.file.Path.of("/nonexistent/k.elf"), "", List.of(), cpu));
        assertTrue(e.getMessage().startsWith("/nonexistent/k.elf: cannot read: NoSuchFileException"), e.getMessage());
    }
}
