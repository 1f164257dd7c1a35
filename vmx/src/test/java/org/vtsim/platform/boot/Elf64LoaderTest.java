package org.vtsim.platform.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.SparseMemory;
import org.vtsim.platform.MemoryLayout;

class Elf64LoaderTest {
    final PhysicalMemory mem = new SparseMemory();
    final CpuState cpu = new CpuState();
    final BootLoader loader = new BootLoader(mem, MemoryLayout.of(256L << 20));

    /** A plain walk of the loader's tables (SDM Vol. 3A 4.5): 2 MiB pages, identity. */
    long translate(long va) {
        long pml4e = mem.read64((cpu.cr3 & ~0xfffL) + ((va >>> 39) & 511) * 8);
        long pdpte = mem.read64((pml4e & 0xffffffffff000L) + ((va >>> 30) & 511) * 8);
        long pde = mem.read64((pdpte & 0xffffffffff000L) + ((va >>> 21) & 511) * 8);
        assertEquals(0x83, pde & 0x83, "present, writable, 2 MiB page");
        return (pde & 0xfffffffe00000L) | (va & 0x1fffff);
    }

    @Test
    void entersLongModeWithAnIdentityMapOfTheFirst4Gib() throws Exception {
        BootResult r = loader.load("k64.elf", TestImages.elf64(), "x", List.of(), cpu);
        assertEquals(BootResult.Kind.ELF64, r.kind());
        assertEquals(0x200008, cpu.rip, "e_entry moved into physical space");
        assertTrue(cpu.longModeActive() && cpu.mode64() && cpu.pagingEnabled());
        assertEquals(CpuState.CR4_PAE, cpu.cr4 & CpuState.CR4_PAE);
        assertEquals(r.infoAddress(), cpu.gpr[CpuState.RDI]);
        assertEquals(0, (cpu.gpr[CpuState.RSP] + 8) % 16);
        for (long va : new long[] {0, 0x200008, 0x7fffffffL, 0xfee00000L, 0xffffffffL}) {
            assertEquals(va, translate(va));
        }
        assertEquals(0x00AF9B000000FFFFL, mem.read64(cpu.gdtrBase + cpu.seg[CpuState.CS].selector));
        assertEquals(0xc0, mem.read8(0x200000));
        assertEquals(0, mem.read8(0x200020), "bss zeroed");
    }

    @Test
    void theMemoryMapReservesThePageTables() throws Exception {
        BootResult r = loader.load("k64.elf", TestImages.elf64(), "", List.of(), cpu);
        long mmap = mem.read32(r.infoAddress() + 48) & 0xffffffffL;
        assertEquals(0x1000, mem.read64(mmap + 24 + 4));
        assertEquals(0x8000, mem.read64(mmap + 24 + 12));
        assertEquals(2, mem.read32(mmap + 24 + 20));
    }

    @Test
    void wrongMachineIsNamed() {
        byte[] img = TestImages.elf64();
        img[18] = 40; // EM_ARM
        BootImageException e = assertThrows(BootImageException.class,
                () -> loader.load("k", img, "", List.of(), cpu));
        assertEquals("k: ELF machine 40 is not x86-64 (62)", e.getMessage());
    }
}
