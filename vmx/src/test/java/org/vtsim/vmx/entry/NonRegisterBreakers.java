package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Breaker.of;
import static org.vtsim.vmx.entry.NonRegisterStateChecks.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;

/**
 * Breakers of SDM Vol. 3C 26.3.1.5 (exit reason 33; qualification 4 for the VMCS link pointer) and
 * 26.3.1.6 (qualification 2).
 */
final class NonRegisterBreakers {
    private NonRegisterBreakers() {
    }

    /** A link pointer to a page whose first 32 bits are {@code header}. */
    static Baseline link(Baseline b, long page, int header) {
        b.memory.write32(page, header);
        return b.set(VMCS_LINK_POINTER, page);
    }

    /** Writes a present PDPTE with extra bits into entry i (in memory, and in the VMCS field). */
    static Baseline badPdpte(Baseline b, int i, long bits) {
        long e = 0x5000 | 1 | bits;
        b.memory.write64(PdpteChecks.tableAddress(b.vmcs) + 8L * i, e);
        return b.set(PdpteChecks.FIELDS[i], e);
    }

    static List<Breaker> all() {
        Spec any = Spec.any();
        Spec cpl0 = any.cpl0();
        int rev = Spec.SKYLAKE.revision();
        List<Breaker> l = new ArrayList<>(List.of(
                of("activity state shutdown (not supported)", ACTIVITY_UNSUPPORTED,
                        b -> b.noEventActive().clear(GUEST_INTERRUPTIBILITY_STATE, 3).set(GUEST_ACTIVITY_STATE, 2)),
                of("activity state wait-for-SIPI (not supported)", ACTIVITY_UNSUPPORTED,
                        b -> b.noEventActive().clear(GUEST_INTERRUPTIBILITY_STATE, 3).set(GUEST_ACTIVITY_STATE, 3)),
                of("activity state 4", ACTIVITY_UNSUPPORTED,
                        b -> b.noEventActive().clear(GUEST_INTERRUPTIBILITY_STATE, 3).set(GUEST_ACTIVITY_STATE, 4)),
                of("HLT with SS.DPL 3", ACTIVITY_HLT_DPL, b -> b.halted())
                        .in(any.kinds(GuestKind.VIRTUAL_8086)),
                of("HLT with blocking by STI", ACTIVITY_WITH_BLOCKING, b -> {
                    b.interruptibility(BLOCKING_BY_STI).set(GUEST_ACTIVITY_STATE, HLT);
                    b.fixPendingBs();
                }).in(cpl0),
                of("HLT with blocking by MOV SS", ACTIVITY_WITH_BLOCKING, b -> {
                    b.interruptibility(BLOCKING_BY_MOV_SS).set(GUEST_ACTIVITY_STATE, HLT);
                    b.fixPendingBs();
                }).in(cpl0),
                of("#GP injected into HLT", ACTIVITY_EVENT, b -> {
                    b.inject(3, 13, true).clear(GUEST_INTERRUPTIBILITY_STATE, 3);
                    b.set(GUEST_ACTIVITY_STATE, HLT).fixPendingBs();
                }).in(cpl0),
                of("software interrupt injected into HLT", ACTIVITY_EVENT, b -> {
                    b.inject(4, 0x80, false).clear(GUEST_INTERRUPTIBILITY_STATE, 3);
                    b.set(GUEST_ACTIVITY_STATE, HLT).fixPendingBs();
                }).in(cpl0),
                of("wait-for-SIPI with entry to SMM", ACTIVITY_SIPI_ENTRY_TO_SMM, b -> {
                    b.noEventActive().clear(GUEST_INTERRUPTIBILITY_STATE, 3).set(GUEST_ACTIVITY_STATE, 3);
                    b.or(VM_ENTRY_CONTROLS, VmEntryControls.ENTRY_TO_SMM);
                }).maskedBy(ControlFieldChecks.ENTRY_RESERVED),
                of("interruptibility bit 5 set", INTERRUPTIBILITY_RESERVED,
                        b -> b.or(GUEST_INTERRUPTIBILITY_STATE, 1 << 5)),
                of("interruptibility bit 31 set", INTERRUPTIBILITY_RESERVED,
                        b -> b.or(GUEST_INTERRUPTIBILITY_STATE, 1L << 31)),
                of("blocking by STI and MOV SS", STI_AND_MOV_SS,
                        b -> b.interruptibility(BLOCKING_BY_STI | BLOCKING_BY_MOV_SS)),
                of("blocking by STI with IF clear", STI_WITHOUT_IF, b -> {
                    b.interruptibility(BLOCKING_BY_STI).clear(GUEST_RFLAGS, GuestMode.RFLAGS_IF);
                }),
                of("external interrupt injected under MOV-SS blocking", EXTERNAL_INTERRUPT_BLOCKED, b -> {
                    b.inject(0, 0x40, false).or(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_MOV_SS).fixPendingBs();
                }),
                of("external interrupt injected under STI blocking", EXTERNAL_INTERRUPT_BLOCKED, b -> {
                    b.inject(0, 0x40, false).or(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_STI).fixPendingBs();
                }),
                of("NMI injected under MOV-SS blocking", NMI_MOV_SS, b -> {
                    b.inject(2, 2, false).clear(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_STI);
                    b.or(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_MOV_SS).fixPendingBs();
                }),
                of("blocking by SMI outside SMM", SMI_OUTSIDE_SMM, b -> b.or(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_SMI)),
                of("entry to SMM without blocking by SMI", SMI_ENTRY_TO_SMM,
                        b -> b.or(VM_ENTRY_CONTROLS, VmEntryControls.ENTRY_TO_SMM))
                        .maskedBy(ControlFieldChecks.ENTRY_RESERVED),
                of("virtual NMI injected under NMI blocking", VIRTUAL_NMI_BLOCKED, b -> {
                    b.or(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.NMI_EXITING | PinBasedControls.VIRTUAL_NMIS);
                    b.inject(2, 2, false).or(GUEST_INTERRUPTIBILITY_STATE, BLOCKING_BY_NMI);
                }),
                of("enclave interruption without SGX", ENCLAVE, b -> b.or(GUEST_INTERRUPTIBILITY_STATE, 1 << 4)),
                of("pending debug bit 4 set", PENDING_DEBUG_RESERVED_BITS,
                        b -> b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, 1 << 4)),
                of("pending debug bit 13 set", PENDING_DEBUG_RESERVED_BITS,
                        b -> b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, 1 << 13)),
                of("pending debug bit 15 set", PENDING_DEBUG_RESERVED_BITS,
                        b -> b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, 1 << 15)),
                of("pending debug bit 40 set", PENDING_DEBUG_RESERVED_BITS,
                        b -> b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, 1L << 40)),
                of("STI blocking, TF set, BTF clear, BS clear", PENDING_BS_SET, b -> {
                    b.interruptibility(BLOCKING_BY_STI).or(GUEST_RFLAGS, GuestMode.RFLAGS_TF);
                    b.clear(GUEST_IA32_DEBUGCTL, ProcessorFacts.DEBUGCTL_BTF);
                    b.clear(GUEST_PENDING_DEBUG_EXCEPTIONS, PENDING_BS);
                }),
                of("MOV-SS blocking, TF clear, BS set", PENDING_BS_CLEAR, b -> {
                    b.interruptibility(BLOCKING_BY_MOV_SS).clear(GUEST_RFLAGS, GuestMode.RFLAGS_TF);
                    b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, PENDING_BS);
                }),
                of("HLT, TF set, BTF set, BS set", PENDING_BS_CLEAR, b -> {
                    b.halted().or(GUEST_RFLAGS, GuestMode.RFLAGS_TF).or(GUEST_IA32_DEBUGCTL, ProcessorFacts.DEBUGCTL_BTF);
                    b.or(GUEST_PENDING_DEBUG_EXCEPTIONS, PENDING_BS);
                }).in(cpl0),
                of("pending RTM without RTM", PENDING_RTM, b -> {
                    b.set(GUEST_PENDING_DEBUG_EXCEPTIONS, PENDING_RTM_BIT | PENDING_ENABLED_BREAKPOINT);
                    b.noEventActive().clear(GUEST_INTERRUPTIBILITY_STATE, 3);
                }),
                of("link pointer misaligned", LINK_ADDRESS, b -> b.set(VMCS_LINK_POINTER, 0x2000800L)),
                of("link pointer beyond MAXPHYADDR", LINK_ADDRESS, b -> b.set(VMCS_LINK_POINTER, 1L << 50)),
                of("link pointer to a wrong revision", LINK_REVISION, b -> link(b, 0x3000000L, rev + 1)),
                of("link pointer outside memory (reads all ones)", LINK_REVISION,
                        b -> b.set(VMCS_LINK_POINTER, 0x20_0000_0000L)).notAlone(),
                of("link pointer to a shadow VMCS without VMCS shadowing", LINK_SHADOW,
                        b -> link(b, 0x3000000L, rev | 0x80000000)),
                of("link pointer is the current VMCS", LINK_CURRENT,
                        b -> link(b, BaselineGen.VMCS_ADDRESS, rev))));
        Spec pae = any.kinds(GuestKind.PROTECTED_PAE);
        for (int i = 0; i < 4; i++) {
            int x = i;
            l.add(of("PDPTE" + i + " bit 1 set", PdpteChecks.PDPTE[x], b -> badPdpte(b, x, 2)).in(pae));
            l.add(of("PDPTE" + i + " bit 7 set", PdpteChecks.PDPTE[x], b -> badPdpte(b, x, 0x80)).in(pae));
            l.add(of("PDPTE" + i + " bit 63 (beyond MAXPHYADDR)", PdpteChecks.PDPTE[x],
                    b -> badPdpte(b, x, 1L << 63)).in(pae));
            l.add(of("PDPTE" + i + " field bit 5 set with EPT", PdpteChecks.PDPTE[x], b -> {
                ControlBreakers.ept(b);
                b.set(PdpteChecks.FIELDS[x], 0x5000 | 1 | 0x20);
            }).in(pae.with(Spec.SKYLAKE_EPT_VPID)));
        }
        return l;
    }
}
