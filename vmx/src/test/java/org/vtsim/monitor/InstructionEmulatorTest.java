package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.ExitReason;

/**
 * The instruction emulator through the EPT path on small real guests (GNU as --32, paging off): a device
 * in the MMIO window reached by atomics and by a REP string instruction that spans two of its pages, and
 * unassigned guest-physical memory (reads all ones, writes dropped, fetches refused).
 */
class InstructionEmulatorTest {
    static final long SCRATCH = EmulatorRig.SCRATCH;

    private static EmulatorRig.Scratch scratch(MonitorRig rig) {
        EmulatorRig.Scratch s = new EmulatorRig.Scratch(new byte[EmulatorRig.WINDOW]);
        rig.platform.mmioBus().register("scratch", SCRATCH, EmulatorRig.WINDOW, s);
        return s;
    }

    private static void assertGuestExit(MonitorRig rig, StopReason r) {
        assertEquals(StopReason.PLATFORM_STOP, r, rig.vm.vcpu().stopDetail() + "\n" + rig.vm.vcpu().report());
        assertEquals(OptionalInt.of(ExitHandlersTest.DONE), rig.platform.exitStatus());
    }

    private static int word(EmulatorRig.Scratch s, int offset) {
        return (int) s.read(offset, 4);
    }

    @Test
    void pageTableStyleAtomicsOnADeviceAreEmulated() {
        // lock or dword [0xfed00008],0x80; lock and dword [..],~1; lock bts dword [..],5; setc bl;
        // lock btr dword [..],7; setc bh; mov ecx,0x1234; xchg [0xfed00010],ecx; exit
        MonitorRig rig = new MonitorRig("f0810d0800d0fe80000000f083250800d0fefef00fba2d0800d0fe050f92c3f00fba350800d0fe07"
                + "0f92c7b934120000870d1000d0feb821000000e7f4");
        EmulatorRig.Scratch s = scratch(rig);
        s.write(8, 4, 0x21);
        s.write(0x10, 4, 0xcafe);
        rig.create();
        assertGuestExit(rig, rig.run());
        assertEquals(0x20, word(s, 8), "0x21 | 0x80, & ~1, bit 5 already set, bit 7 cleared");
        long rbx = rig.cpu.state().gpr[CpuState.RBX];
        assertEquals(1, rbx & 0xff, "BTS: CF = the old bit 5");
        assertEquals(1, (rbx >>> 8) & 0xff, "BTR: CF = the old bit 7");
        assertEquals(0xcafe, rig.cpu.state().gpr[CpuState.RCX], "XCHG loads the old word");
        assertEquals(0x1234, word(s, 0x10), "XCHG stores the register");
    }

    @Test
    void aRepStosSpanningTwoDevicePagesIsEmulatedPageByPageAndResumed() {
        // mov edi,0xfed00ff0; mov ecx,8; mov eax,0x11223344; cld; rep stosd; exit
        MonitorRig rig = new MonitorRig("bff00fd0feb908000000b844332211fcf3abb821000000e7f4");
        EmulatorRig.Scratch s = scratch(rig);
        rig.create();
        assertGuestExit(rig, rig.run());
        assertEquals(8, s.accesses, "one device write per element");
        for (int i = 0; i < 8; i++) {
            assertEquals(0x11223344, word(s, 0xff0 + 4 * i), "element " + i);
        }
        assertEquals(0, rig.cpu.state().gpr[CpuState.RCX]);
        assertEquals(0xfed01010L, rig.cpu.state().gpr[CpuState.RDI]);
        rig.vm.destroy();
        // The code page, then one exit per device page: the first stops at the page end with RIP kept,
        // the processor resumes the REP and exits again on the second page.
        assertEquals(3, rig.exits(ExitReason.EPT_VIOLATION));
    }

    @Test
    void anAccessStraddlingTwoPagesIsUnsupportedLoudly() {
        MonitorRig rig = new MonitorRig("a1fe0fd0fe"); // mov eax,[0xfed00ffe]
        scratch(rig);
        rig.create();
        assertEquals(StopReason.UNSUPPORTED, rig.run());
        assertTrue(rig.vm.vcpu().stopDetail().startsWith("unsupported: emulation of a 4-byte access crossing a page"),
                rig.vm.vcpu().stopDetail());
    }

    @Test
    void unassignedGuestPhysicalMemoryReadsAllOnesAndDropsWrites() {
        // mov dword [0x4000000],0x12345678; mov eax,[0x4000000]; mov bl,[0x4000001];
        // movzx ecx,word [0x4000004]; mov edi,0x4000100; mov esi,0x2000; mov edx,4; xchg ecx,edx;
        // rep movsd; mov ecx,edx; mov edx,0x21; xchg eax,edx; exit
        MonitorRig rig = new MonitorRig("c7050000000478563412a1000000048a1d010000040fb70d04000004bf00010004be00200000"
                + "ba0400000087d1f3a589d1ba2100000092e7f4");
        rig.create();
        assertGuestExit(rig, rig.run());
        long[] g = rig.cpu.state().gpr;
        assertEquals(0xffffffffL, g[CpuState.RDX], "a dword load reads all ones");
        assertEquals(0xff, g[CpuState.RBX] & 0xff, "a byte load reads all ones");
        assertEquals(0xffff, g[CpuState.RCX], "MOVZX of an all-ones word");
        assertEquals(0x4000110L, g[CpuState.RDI], "REP MOVSD into unassigned memory ran its 4 iterations");
        UnassignedMemory u = UnassignedMemory.of(rig.vm.vcpu());
        assertEquals(3, u.reads());
        assertEquals(5, u.writes(), "one MOV store and four MOVSD elements, all dropped");
        assertEquals(0, rig.memory.read64(0x4000000L), "host memory behind the address is untouched");
        assertEquals(0, rig.memory.read64(0x4000100L));
    }

    @Test
    void anInstructionFetchFromUnassignedMemoryIsRefused() {
        MonitorRig rig = new MonitorRig("b800000004ffe0"); // mov eax,0x4000000; jmp eax
        rig.create();
        assertEquals(StopReason.SHUTDOWN, rig.run());
        assertTrue(rig.vm.vcpu().stopDetail().startsWith(
                "refused: instruction fetch from unassigned guest-physical memory at 0x4000000"),
                rig.vm.vcpu().stopDetail());
    }

    @Test
    void guestPageTablesInUnassignedMemoryAreRefused() {
        // mov eax,0x4000000; mov cr3,eax; mov eax,cr0; or eax,0x80000000; mov cr0,eax; nop
        MonitorRig rig = new MonitorRig("b8000000040f22d80f20c00d000000800f22c090");
        rig.create();
        assertEquals(StopReason.SHUTDOWN, rig.run());
        assertTrue(rig.vm.vcpu().stopDetail().startsWith(
                "refused: guest paging-structure access to unassigned guest-physical memory at 0x4000"),
                rig.vm.vcpu().stopDetail());
    }
}
