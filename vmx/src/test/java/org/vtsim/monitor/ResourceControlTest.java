package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.platform.MemoryLayout;
import org.vtsim.vmx.VmxCapabilities;

/**
 * Popek and Goldberg's resource control for memory: a guest reaches host memory only through its
 * slots. An access outside them exits (EPT violation: nothing else is mapped) and is emulated against
 * unassigned memory (a store is dropped, as on a PC); the host memory at that address — even the
 * monitor's own VMXON region — is untouched.
 */
class ResourceControlTest {
    // mov dword [edi],0x1234; mov eax,0x21; out 0xf4,eax
    static final String STORE = "c70734120000b821000000e7f4";

    private static MonitorRig storeTo(long gpa, long hostBase) {
        MonitorRig rig = new MonitorRig(STORE, hostBase);
        rig.create();
        rig.cpu.state().gpr[CpuState.RDI] = gpa;
        return rig;
    }

    @Test
    void aStoreInsideTheSlotReachesItsBackingPageOnly() {
        long hostBase = 256L << 20; // guest-physical 0 is host-physical 256 MiB
        MonitorRig rig = storeTo(0x200000, hostBase);
        assertEquals(StopReason.PLATFORM_STOP, rig.run(), rig.vm.vcpu().stopDetail());
        assertEquals(0x1234, rig.memory.read32(hostBase + 0x200000));
        assertEquals(0, rig.memory.read32(0x200000), "host-physical = guest-physical is not the guest's");
        assertTrue(rig.vm.memory().populatedPages2m() >= 1, "mapped lazily, on the first access");
    }

    @Test
    void aStoreToTheMonitorsOwnAreaIsDropped() {
        MonitorRig rig = storeTo(MonitorRig.AREA, 0); // the VMXON region's host-physical address
        assertEquals(StopReason.PLATFORM_STOP, rig.run(), rig.vm.vcpu().stopDetail());
        assertEquals(VmxCapabilities.VMCS_REVISION, rig.memory.read32(MonitorRig.AREA));
        assertEquals(1, UnassignedMemory.of(rig.vm.vcpu()).writes(), "the store went to unassigned memory");
        assertEquals(MonitorRig.AREA, UnassignedMemory.of(rig.vm.vcpu()).lastAddress());
    }

    @Test
    void everyStoreOutsideTheSlotAndTheMmioWindowIsDropped() {
        qt().withExamples(40).forAll(longs().between(MonitorRig.SLOT >>> 2, (MemoryLayout.MMIO_START >>> 2) - 1))
                .checkAssert(word -> {
                    long gpa = word << 2;
                    MonitorRig rig = storeTo(gpa, 0);
                    assertEquals(StopReason.PLATFORM_STOP, rig.run(), () -> "store to 0x" + Long.toHexString(gpa));
                    assertEquals(gpa, UnassignedMemory.of(rig.vm.vcpu()).lastAddress());
                    assertEquals(1, UnassignedMemory.of(rig.vm.vcpu()).writes());
                    assertEquals(0, rig.memory.read32(gpa));
                    assertEquals(0, rig.vm.memory().toHost(gpa) + 1, "no slot holds it");
                });
    }

    @Test
    void slotsMayNotOverlapEachOtherOrTheMonitor() {
        MonitorRig rig = new MonitorRig("f4");
        assertThrows(IllegalArgumentException.class, () -> new GuestMemory(rig.memory, java.util.List.of(
                new MemorySlot(0, 1 << 20, 0), new MemorySlot(1 << 19, 1 << 20, 16 << 20)), 1L << 30, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> Vm.create(rig.cpu, rig.vmx,
                java.util.List.of(new MemorySlot(0, 2L << 30, 0)), new MonitorArea(1L << 30), VmConfig.defaults()));
    }
}
