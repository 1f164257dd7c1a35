package org.vtsim.vmx.entry;

import org.vtsim.vmx.entry.BaselineGen.Draw;

/** Valid PAE PDPTEs in memory at the PDPT and, identical, in the VMCS PDPTE fields (used with EPT). */
final class VmcsFieldsOfPdptes {
    private VmcsFieldsOfPdptes() {
    }

    static void write(Draw d, Baseline b, long pdpt, int maxPhysAddr) {
        for (int i = 0; i < 4; i++) {
            long e;
            if (d.oneIn(4)) {
                e = d.garbage() & ~1L; // not present: every other bit is ignored
            } else {
                // present: PWT (3), PCD (4), available (11:9), address within MAXPHYADDR
                e = d.page(maxPhysAddr) | d.bits(0x18 | 0xe00) | 1;
            }
            b.memory.write64(pdpt + 8L * i, e);
            b.vmcs.set(PdpteChecks.FIELDS[i], e);
        }
    }
}
