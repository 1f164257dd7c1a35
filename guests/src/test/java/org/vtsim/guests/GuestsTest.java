package org.vtsim.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bundled images are well-formed multiboot v1 kernels that QEMU's loader accepts. */
class GuestsTest {

    static Stream<String> names() {
        return Guests.allNames().stream();
    }

    @ParameterizedTest
    @MethodSource("names")
    void imageIsAnElf32MultibootKernel(String name) {
        ByteBuffer b = ByteBuffer.wrap(Guests.image(name)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x464c457f, b.getInt(0), "ELF magic");
        assertEquals(1, b.get(4), "ELFCLASS32: QEMU's multiboot loader refuses ELF64");
        assertEquals(3, b.getShort(18), "e_machine EM_386");
        long entry = Integer.toUnsignedLong(b.getInt(24));
        assertTrue(entry >= 0x100000 && entry < 0x200000, "entry in the kernel image: " + Long.toHexString(entry));

        // Multiboot Specification 0.6.96 3.1.1: header 4-byte aligned in the first 8192 bytes,
        // magic + flags + checksum == 0 (mod 2^32).
        int at = -1;
        for (int i = 0; i + 12 <= Math.min(8192, b.capacity()); i += 4) {
            if (b.getInt(i) == 0x1BADB002 && b.getInt(i) + b.getInt(i + 4) + b.getInt(i + 8) == 0) {
                at = i;
                break;
            }
        }
        assertTrue(at >= 0, "multiboot header in the first 8 KiB");
        int flags = b.getInt(at + 4);
        assertEquals(0x2, flags & 0x2, "flags bit 1: memory information requested");
        assertEquals(0, flags & 0x10000, "no a.out kludge: the ELF headers give the layout");
    }

    @ParameterizedTest
    @MethodSource("names")
    void noEmptyLoadSegmentAtAddressZero(String name) {
        // QEMU's multiboot loader loads from the lowest PT_LOAD address; an empty segment at
        // 0 would make it copy the image over the real-mode IVT (seen with an empty user segment).
        ByteBuffer b = ByteBuffer.wrap(Guests.image(name)).order(ByteOrder.LITTLE_ENDIAN);
        int phoff = b.getInt(28), phentsize = b.getShort(42), phnum = b.getShort(44);
        int loads = 0;
        for (int i = 0; i < phnum; i++) {
            int ph = phoff + i * phentsize;
            if (b.getInt(ph) != 1) {
                continue;
            }
            loads++;
            long vaddr = Integer.toUnsignedLong(b.getInt(ph + 8));
            long memsz = Integer.toUnsignedLong(b.getInt(ph + 20));
            assertTrue(memsz > 0 && vaddr >= 0x100000,
                    "PT_LOAD " + i + " at " + Long.toHexString(vaddr) + " size " + memsz);
        }
        assertTrue(loads >= 2, "text and data segments");
    }

    @ParameterizedTest
    @MethodSource("names")
    void expectedOutputAndArgsArePackaged(String name) {
        String out = Guests.expectedOutput(name);
        assertTrue(out.startsWith(name.equals("hello") ? "Hello" : name + ":"), out);
        assertTrue(out.endsWith("\n"));
        assertFalse(Guests.defaultArgs(name).contains("\n"));
    }

    @Test
    void unknownNameIsRejectedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Guests.image("nope"));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("pt-churn"), e.getMessage());
        assertFalse(Guests.exists("nope"));
    }

    @Test
    void statusConventionMatchesIsaDebugExit() {
        assertEquals(Guests.STATUS_OK, Guests.processStatus(Guests.GUEST_EXIT_OK));
        assertEquals(Guests.STATUS_EXCEPTION, Guests.processStatus(2));
    }

    @Test
    void namesListEveryCommittedImage() throws IOException {
        Path images = Path.of("images");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(images),
                "guests/images not visible from " + Path.of("").toAbsolutePath());
        Set<String> onDisk;
        try (Stream<Path> s = Files.list(images)) {
            onDisk = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".elf"))
                    .map(f -> f.substring(0, f.length() - 4)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(Guests.allNames()), onDisk);
    }

    @Test
    void vmxGuestsAreKeptApartFromTheNativeList() {
        for (String name : Guests.VMX_NAMES) {
            assertFalse(Guests.NAMES.contains(name), name + " would run in the native-guest tests");
            assertTrue(Guests.exists(name) && Guests.needsVmx(name));
        }
        assertFalse(Guests.needsVmx("hello"));
        assertEquals(Guests.NAMES.size() + Guests.VMX_NAMES.size() + Guests.GUEST_ONLY_NAMES.size(),
                Guests.allNames().size());
    }

    @Test
    void guestOnlyWorkloadsAreKeptApartFromTheOtherLists() {
        for (String name : Guests.GUEST_ONLY_NAMES) {
            assertFalse(Guests.NAMES.contains(name) || Guests.VMX_NAMES.contains(name), name);
            assertTrue(Guests.exists(name) && !Guests.needsVmx(name));
        }
    }
}
