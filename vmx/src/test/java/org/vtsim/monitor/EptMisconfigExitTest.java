package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.ExitReason;

/**
 * An EPT misconfiguration exit is a monitor bug (the monitor never builds a misconfigured entry): the VM
 * stops with an internal error naming the entry and the SDM 28.3.3.1 rule, the walk and the VMCS.
 */
class EptMisconfigExitTest {
    @Test
    void aCorruptedEptEntryStopsTheVmWithTheEntryAndTheWalk() {
        MonitorRig rig = new MonitorRig("a100004000"); // mov eax,[0x400000]
        Vm vm = rig.create();
        assertTrue(vm.memory().populate(0x400000));
        // Find the 2 MiB leaf for 0x400000 (PML4E 0 -> PDPTE 0 -> PDE 2) and give it memory type 2, which
        // SDM 28.3.3.1 reserves: a misconfiguration.
        long pml4 = vm.memory().eptp() & ~0xfffL;
        long pdpt = rig.memory.read64(pml4) & 0xffffffffff000L;
        long pd = rig.memory.read64(pdpt) & 0xffffffffff000L;
        long pde = pd + 2 * 8;
        long entry = rig.memory.read64(pde);
        assertEquals(0x80, entry & 0x80, "a 2 MiB leaf");
        rig.memory.write64(pde, (entry & ~0x38L) | 2 << 3);
        assertEquals(StopReason.INTERNAL_ERROR, rig.run());
        Vcpu v = vm.vcpu();
        assertTrue(v.stopDetail().startsWith("EPT misconfiguration at guest-physical 0x400000: INVALID_MEMORY_TYPE in "
                + "the level-2 entry " + String.format("%016x", (entry & ~0x38L) | 2 << 3)), v.stopDetail());
        assertTrue(v.stopDetail().contains("monitor bug"), v.stopDetail());
        assertTrue(v.report().contains("level 4 entry at host-physical 0x" + Long.toHexString(pml4)), v.report());
        assertTrue(v.report().contains("level 3 entry") && v.report().contains("memory type 2 PS   <- INVALID_MEMORY_TYPE"),
                v.report());
        assertTrue(v.report().contains("guest state:") && v.report().contains("GUEST_PHYSICAL_ADDRESS"), v.report());
        vm.destroy();
        assertEquals(1, rig.exits(ExitReason.EPT_MISCONFIGURATION));
    }
}
