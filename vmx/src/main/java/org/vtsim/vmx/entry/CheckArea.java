package org.vtsim.vmx.entry;

import org.vtsim.ept.PhysicalMemory;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * The areas of the VM-entry checks in the order VM entry makes them (SDM Vol. 3C 26.2 precedes 26.3;
 * within each, the SDM's order). Each area reports its first failed rule through the sink, and reads
 * only VMCS fields, the processor facts, the processor's IA-32e mode (26.2.4) and physical memory:
 * given the same of these it gives the same answer, which is what lets {@link EntryCheckMemo} skip an
 * area whose inputs did not change.
 */
enum CheckArea {
    /** 26.2.1: VM-execution, VM-exit and VM-entry control fields. */
    CONTROL_FIELDS {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return ControlFieldChecks.check(v, m, p, out);
        }
    },
    /** 26.2.2-26.2.4: host control registers, MSRs, segment and descriptor-table registers, address space. */
    HOST_STATE {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return HostStateChecks.check(v, p, ia32e, out);
        }
    },
    /** 26.3.1.1: guest control registers, debug registers and MSRs. */
    GUEST_CONTROL_REGISTERS_AND_MSRS {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return GuestRegisterChecks.controlRegistersAndMsrs(v, p, out);
        }
    },
    /** 26.3.1.2: guest segment registers. */
    GUEST_SEGMENTS {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return SegmentChecks.check(v, p, out);
        }
    },
    /** 26.3.1.3: guest descriptor-table registers. */
    GUEST_DESCRIPTOR_TABLES {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return GuestRegisterChecks.descriptorTables(v, p, out);
        }
    },
    /** 26.3.1.4: guest RIP and RFLAGS. */
    GUEST_RIP_AND_RFLAGS {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return GuestRegisterChecks.ripAndRflags(v, p, out);
        }
    },
    /** 26.3.1.5: guest non-register state (activity, interruptibility, pending debug exceptions, link pointer). */
    GUEST_NON_REGISTER_STATE {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return NonRegisterStateChecks.check(v, m, p, out);
        }
    },
    /** 26.3.1.6: guest PDPTEs of PAE paging. */
    GUEST_PDPTES {
        @Override
        EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out) {
            return PdpteChecks.check(v, m, p, out);
        }
    };

    /** values() clones its array on every call; the entry path must not allocate. */
    static final CheckArea[] IN_ORDER = values();

    /**
     * The area's first failure as {@code out} decides (null when every rule passes or the sink
     * collects); {@code ia32e} is whether the processor is in IA-32e mode at VM entry (26.2.4).
     */
    abstract EntryCheckFailure check(Vmcs v, PhysicalMemory m, ProcessorFacts p, boolean ia32e, FailureSink out);
}
