package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Rules.QUAL_PDPTE;
import static org.vtsim.vmx.entry.Rules.beyondWidth;
import static org.vtsim.vmx.entry.Rules.bit;
import static org.vtsim.vmx.entry.Rules.guest;

import org.vtsim.cpu.CpuState;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/**
 * SDM Vol. 3C 26.3.1.6: a VM entry to a guest that uses PAE paging (CR0.PG = 1, CR4.PAE = 1, no
 * "IA-32e mode guest") checks the four PDPTEs: with "enable EPT" the PDPTE fields of the VMCS,
 * otherwise the table CR3 references in memory. The model always checks them (the SDM allows
 * checking even when neither PAE paging nor CR3 changes). A present PDPTE must have bits 2:1, 8:5
 * and bits beyond the physical-address width clear (Vol. 3A 4.4.1). A failure is exit reason 33
 * with qualification 2.
 */
final class PdpteChecks {
    static final VmcsField[] FIELDS = {VmcsField.GUEST_PDPTE0, VmcsField.GUEST_PDPTE1, VmcsField.GUEST_PDPTE2,
        VmcsField.GUEST_PDPTE3};
    static final long RESERVED = 0x1e6L;
    static final EntryCheckFailure[] PDPTE = new EntryCheckFailure[4];

    static {
        for (int i = 0; i < 4; i++) {
            PDPTE[i] = guest("26.3.1.6", QUAL_PDPTE, "with PAE paging, a present PDPTE" + i + " must have bits 2:1, "
                    + "8:5 and bits beyond the physical-address width clear");
        }
    }

    private PdpteChecks() {
    }

    static boolean paePaging(Vmcs v) {
        return bit(v.get(VmcsField.GUEST_CR0), CpuState.CR0_PG) && bit(v.get(VmcsField.GUEST_CR4), CpuState.CR4_PAE)
                && !GuestMode.ia32e(v);
    }

    /** Physical address of the PDPT: CR3 bits 31:5 (Vol. 3A 4.4.1). */
    static long tableAddress(Vmcs v) {
        return v.get(VmcsField.GUEST_CR3) & 0xffffffe0L;
    }

    static EntryCheckFailure check(Vmcs v, PhysicalMemory memory, ProcessorFacts p, FailureSink out) {
        if (!paePaging(v)) {
            return null;
        }
        boolean ept = bit(ControlFieldChecks.secondary(v), SecondaryProcessorBasedControls.ENABLE_EPT);
        long table = tableAddress(v);
        for (int i = 0; i < 4; i++) {
            long e = ept ? v.get(FIELDS[i]) : Rules.read64(memory, table + 8L * i);
            if ((e & 1) != 0 && ((e & RESERVED) != 0 || beyondWidth(e, p.maxPhysAddr)) && out.stop(PDPTE[i])) {
                return PDPTE[i];
            }
        }
        return null;
    }
}
