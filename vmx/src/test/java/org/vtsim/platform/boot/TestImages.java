package org.vtsim.platform.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small boot images built byte by byte from the ELF and multiboot layouts. */
final class TestImages {
    static final long MB_MAGIC = 0x1BADB002L;

    private TestImages() {
    }

    static ByteBuffer buf(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void multibootHeader(ByteBuffer b, int at, int flags) {
        b.putInt(at, (int) MB_MAGIC);
        b.putInt(at + 4, flags);
        b.putInt(at + 8, (int) -(MB_MAGIC + flags));
    }

    static void elfIdent(ByteBuffer b, int cls) {
        b.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        b.put(4, (byte) cls).put(5, (byte) 1).put(6, (byte) 1);
    }

    /**
     * An ELF32 multiboot kernel: segment 0 (text, 0x40 bytes) linked at 0xc0100000 and loaded at
     * 0x100000, segment 1 (0x10 bytes of data + bss to 0x2000) at 0x101000; the multiboot header
     * at file offset 0x80; entry at text + 0x10.
     */
    static byte[] elf32Multiboot() {
        ByteBuffer b = buf(0x1050);
        elfIdent(b, 1);
        b.putShort(16, (short) 2).putShort(18, (short) 3).putInt(20, 1);
        b.putInt(24, 0xc0100010); // e_entry (virtual)
        b.putInt(28, 52); // e_phoff
        b.putShort(40, (short) 52).putShort(42, (short) 32).putShort(44, (short) 2);
        phdr32(b, 52, 0x1000, 0xc0100000, 0x100000, 0x40, 0x40);
        phdr32(b, 84, 0x1040, 0xc0101000, 0x101000, 0x10, 0x2000);
        multibootHeader(b, 0x80, 0x3);
        for (int i = 0; i < 0x50; i++) {
            b.put(0x1000 + i, (byte) (0x90 + i));
        }
        return b.array();
    }

    static void phdr32(ByteBuffer b, int at, int offset, int vaddr, int paddr, int filesz, int memsz) {
        b.putInt(at, 1).putInt(at + 4, offset).putInt(at + 8, vaddr).putInt(at + 12, paddr);
        b.putInt(at + 16, filesz).putInt(at + 20, memsz).putInt(at + 24, 5).putInt(at + 28, 0x1000);
    }

    /** A flat binary with the a.out kludge: loaded at 0x100000 from offset 0, bss to 0x102000. */
    static byte[] aoutKludge() {
        ByteBuffer b = buf(0x100);
        int flags = 0x10003;
        multibootHeader(b, 0, flags);
        b.putInt(12, 0x100000); // header_addr
        b.putInt(16, 0x100000); // load_addr
        b.putInt(20, 0); // load_end_addr: to the end of the file
        b.putInt(24, 0x102000); // bss_end_addr
        b.putInt(28, 0x100020); // entry_addr
        for (int i = 32; i < 0x100; i++) {
            b.put(i, (byte) i);
        }
        return b.array();
    }

    /** An ELF64 executable linked at 0xffffffff80200000, loaded at 0x200000, entry + 8. */
    static byte[] elf64() {
        ByteBuffer b = buf(0x1020);
        elfIdent(b, 2);
        b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
        b.putLong(24, 0xffffffff80200008L);
        b.putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 1).putInt(68, 5).putLong(72, 0x1000).putLong(80, 0xffffffff80200000L).putLong(88, 0x200000);
        b.putLong(96, 0x20).putLong(104, 0x3000).putLong(112, 0x1000);
        for (int i = 0; i < 0x20; i++) {
            b.put(0x1000 + i, (byte) (0xc0 + i));
        }
        return b.array();
    }
}
