package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.Map;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.MmuTranslation;
import org.vtsim.ept.PhysicalMemory;
import org.vtsim.ept.ept.EptBuilder;
import org.vtsim.ept.ept.EptMemoryType;
import org.vtsim.ept.mmu.Mmu;
import org.vtsim.ept.mmu.MmuConfig;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;

/**
 * A 64-bit guest under EPT for tests: the host runs on the ept MMU (identity paging of the first GiB with
 * 2 MiB pages), the guest has its own 4-level tables that identity-map its first 2 MiB with pages of
 * {@code guestPageShift}, each guest table in a GiB of its own (so no guest-physical mapping of one serves
 * another), and EPT identity-maps what the guest touches with pages of {@code eptPageShift}.
 */
final class EptGuest {
    /**
     * Guest tables: PML4, PDPT, PD, PT in GiB 1, 2, 3 and 4 (guest-physical = host-physical), at 2 MiB and
     * 4 KiB offsets 1..4 so that their guest-physical mappings fall in different sets of the mapping TLB.
     */
    static final long PML4 = 0x4000_0000L + 0x20_1000L;
    static final long PDPT = 0x8000_0000L + 0x40_2000L;
    static final long PD = 0xc000_0000L + 0x60_3000L;
    static final long PT = 0x1_0000_0000L + 0x80_4000L;
    static final long EPT_TABLES = 0x2000_0000L;
    /** Guest PTE flags: present, writable, user, accessed, dirty (no walk has A/D to write). */
    static final long LEAF = 0x67;
    static final long TABLE = 0x27;

    final VmxMachine m;
    final EptBuilder ept;
    final int guestPageShift;
    final int eptPageShift;
    final PhysicalMemory mem;

    /**
     * @param pagingStructureCaches whether the MMU has paging-structure caches (Skylake sizes) or none (every
     *     cold walk makes all its references)
     */
    EptGuest(String guestHex, int guestPageShift, int eptPageShift, boolean pagingStructureCaches, CostProfile costs) {
        this.guestPageShift = guestPageShift;
        this.eptPageShift = eptPageShift;
        m = new VmxMachine("f4", costs);
        mem = m.cpu.memory();
        // Host paging: identity, first GiB in 2 MiB pages (tables at 0x1000..0x3fff).
        mem.write64(0x1000, 0x2000 | 3);
        mem.write64(0x2000, 0x3000 | 3);
        for (int i = 0; i < 512; i++) {
            mem.write64(0x3000 + 8L * i, ((long) i << 21) | 0x83);
        }
        m.s.cr3 = 0x1000;
        MmuConfig cfg = MmuConfig.skylake().withMaxPhyAddr(m.vmx.capabilities().maxPhysAddr);
        if (!pagingStructureCaches) {
            cfg = cfg.withPagingStructureCaches(0, 0, 0, 0);
        }
        m.cpu.setTranslation(new MmuTranslation(new Mmu(mem, cfg), m.s, costs));
        m.cpu.controlRegistersLoaded();
        m.enterRootWithVmcs(guestHex);

        // Guest tables.
        mem.write64(PML4, PDPT | TABLE);
        if (guestPageShift == 30) {
            mem.write64(PDPT, LEAF | 0x80);
        } else {
            mem.write64(PDPT, PD | TABLE);
            if (guestPageShift == 21) {
                mem.write64(PD, LEAF | 0x80);
            } else {
                mem.write64(PD, PT | TABLE);
                for (long page = 0; page < 512; page++) {
                    mem.write64(PT + 8 * page, page << 12 | LEAF);
                }
            }
        }
        ept = new EptBuilder(mem, 4, EPT_TABLES, 1 << 24);
        for (long gpa : new long[] {VmxMachine.GUEST_CODE, VmxMachine.GUEST_STACK, PML4, PDPT, PD, PT}) {
            map(gpa, EptBuilder.RWX_WB);
        }
        m.w(GUEST_CR3, PML4);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.HLT_EXITING
                | PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS);
        m.w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, SecondaryProcessorBasedControls.ENABLE_EPT);
        m.w(EPT_POINTER, eptp());
        m.cpu.setStopAtVmExit(true);
    }

    long eptp() {
        return ept.eptp(EptMemoryType.WB, false);
    }

    /** Identity-maps the EPT page holding {@code gpa} with leaf bits {@code bits}. */
    void map(long gpa, long bits) {
        long page = gpa & -(1L << eptPageShift);
        ept.map(page, page, eptPageShift, bits);
    }

    void enableVpid(int vpid) {
        m.w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, SecondaryProcessorBasedControls.ENABLE_EPT
                | SecondaryProcessorBasedControls.ENABLE_VPID);
        m.w(VIRTUAL_PROCESSOR_IDENTIFIER, vpid);
    }

    Map<String, Long> counters() {
        return m.cpu.translationCounters();
    }

    long counter(String name) {
        Long v = counters().get(name);
        if (v == null) {
            throw new AssertionError("no counter " + name + " in " + counters());
        }
        return v;
    }

    /** Guest levels a walk reads for a page of {@code shift}: 4 KiB 4, 2 MiB 3, 1 GiB 2. */
    static int levels(int shift) {
        return shift == 12 ? 4 : shift == 21 ? 3 : 2;
    }
}
