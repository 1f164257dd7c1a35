package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Breaker.of;
import static org.vtsim.vmx.entry.HostStateChecks.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.ArrayList;
import java.util.List;
import org.vtsim.cpu.CpuState;
import org.vtsim.vmx.controls.VmExitControls;

/** Breakers of the host-state rules, SDM Vol. 3C 26.2.2-26.2.4 (VMfailValid 8). */
final class HostBreakers {
    private HostBreakers() {
    }

    static final long NON_CANONICAL = 0x0000_8000_0000_0000L;

    /** Sets "host address-space size" to {@code host64} and makes the host state agree with it. */
    static Baseline hostSize(Baseline b, boolean host64) {
        if (host64) {
            b.or(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.HOST_ADDRESS_SPACE_SIZE);
            b.or(HOST_CR4, CpuState.CR4_PAE);
            b.set(HOST_IA32_EFER, b.get(HOST_IA32_EFER) | CpuState.EFER_LMA | CpuState.EFER_LME);
        } else {
            b.clear(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.HOST_ADDRESS_SPACE_SIZE);
            b.clear(HOST_CR4, CpuState.CR4_PCIDE);
            b.set(HOST_RIP, b.get(HOST_RIP) & 0xffffffffL);
            b.set(HOST_SS_SELECTOR, 0x10);
            b.set(HOST_IA32_EFER, b.get(HOST_IA32_EFER) & ~(CpuState.EFER_LMA | CpuState.EFER_LME));
        }
        return b;
    }

    /** Sets an exit control that loads a host MSR, with a valid value in the field. */
    static Baseline loadOnExit(Baseline b, int control) {
        b.or(PRIMARY_VM_EXIT_CONTROLS, control);
        boolean host64 = b.has(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.HOST_ADDRESS_SPACE_SIZE);
        b.set(HOST_IA32_EFER, host64 ? CpuState.EFER_LMA | CpuState.EFER_LME : 0);
        b.set(HOST_IA32_PAT, 0x0007040600070406L);
        return b.set(HOST_IA32_PERF_GLOBAL_CTRL, 0);
    }

    static List<Breaker> all() {
        List<Breaker> l = new ArrayList<>(List.of(
                // ---- 26.2.2 ----
                of("host CR0.PE cleared", CR0, b -> b.clear(HOST_CR0, CpuState.CR0_PE)),
                of("host CR0.NE cleared", CR0, b -> b.clear(HOST_CR0, CpuState.CR0_NE)),
                of("host CR0 bit 32 set", CR0, b -> b.or(HOST_CR0, 1L << 32)),
                of("host CR4.VMXE cleared", CR4, b -> b.clear(HOST_CR4, CpuState.CR4_VMXE)),
                of("host CR4 bit 24 set", CR4, b -> b.or(HOST_CR4, 1L << 24)),
                of("host CR3 bit 46 set", CR3, b -> b.or(HOST_CR3, 1L << 46)),
                of("host CR3 bit 63 set", CR3, b -> b.or(HOST_CR3, 1L << 63)),
                of("host SYSENTER_ESP non-canonical", SYSENTER_ESP, b -> b.set(HOST_IA32_SYSENTER_ESP, NON_CANONICAL)),
                of("host SYSENTER_EIP non-canonical", SYSENTER_EIP,
                        b -> b.set(HOST_IA32_SYSENTER_EIP, 0xfff0_0000_0000_0000L)),
                of("host PERF_GLOBAL_CTRL bit 0 (no counter)", PERF_GLOBAL_CTRL,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_PERF_GLOBAL_CTRL)
                                .set(HOST_IA32_PERF_GLOBAL_CTRL, 1))
                        .maskedBy(ControlFieldChecks.EXIT_RESERVED), // the control is not advertised
                of("host PAT byte 2 = 2", PAT,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_PAT).set(HOST_IA32_PAT, 0x0007040600020406L)),
                of("host PAT byte 7 = 8", PAT,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_PAT).set(HOST_IA32_PAT, 0x0807040600070406L)),
                of("host EFER bit 9 set", EFER_RESERVED,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_EFER).or(HOST_IA32_EFER, 1 << 9)),
                of("host EFER.LMA flipped", EFER_LMA_LME,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_EFER).set(HOST_IA32_EFER,
                                b.get(HOST_IA32_EFER) ^ CpuState.EFER_LMA)),
                of("host EFER.LME flipped", EFER_LMA_LME,
                        b -> loadOnExit(b, VmExitControls.LOAD_IA32_EFER).set(HOST_IA32_EFER,
                                b.get(HOST_IA32_EFER) ^ CpuState.EFER_LME)),
                // ---- 26.2.3 ----
                of("host CS selector 0", CS_NULL, b -> b.set(HOST_CS_SELECTOR, 0)),
                of("host TR selector 0", TR_NULL, b -> b.set(HOST_TR_SELECTOR, 0)),
                of("host SS selector 0 with a 32-bit host", SS_NULL, b -> b.set(HOST_SS_SELECTOR, 0))
                        .in(Spec.any().host32()),
                // ---- 26.2.4 ----
                of("IA-32e mode guest from a 32-bit VMM", IA32E_GUEST_OUTSIDE_IA32E,
                        b -> b.processorIa32e = false).in(Spec.any().ia32e()).notAlone(),
                of("64-bit host from a 32-bit VMM", HOST_64_OUTSIDE_IA32E, b -> hostSize(b, true))
                        .in(Spec.any().host32()),
                of("32-bit host from a VMM in IA-32e mode", HOST_32_IN_IA32E, b -> hostSize(b, false))
                        .in(Spec.any().notIa32e().host64()),
                of("32-bit host with an IA-32e mode guest", HOST_32_IA32E_GUEST, b -> hostSize(b, false))
                        .in(Spec.any().ia32e()).maskedBy(HOST_32_IN_IA32E),
                of("32-bit host with CR4.PCIDE", HOST_32_PCIDE, b -> b.or(HOST_CR4, CpuState.CR4_PCIDE))
                        .in(Spec.any().host32()),
                of("32-bit host with RIP bit 32", HOST_32_RIP, b -> b.or(HOST_RIP, 1L << 32))
                        .in(Spec.any().host32()),
                of("64-bit host without CR4.PAE", HOST_64_PAE, b -> b.clear(HOST_CR4, CpuState.CR4_PAE))
                        .in(Spec.any().host64()),
                of("64-bit host with a non-canonical RIP", HOST_64_RIP, b -> b.set(HOST_RIP, NON_CANONICAL))
                        .in(Spec.any().host64())));
        for (int i = 0; i < SELECTOR_FIELDS.length; i++) {
            int r = i;
            l.add(of("host " + SELECTOR_FIELDS[r] + " RPL 1", SELECTOR_RPL_TI[r], b -> b.or(SELECTOR_FIELDS[r], 1)));
            l.add(of("host " + SELECTOR_FIELDS[r] + " TI set", SELECTOR_RPL_TI[r], b -> b.or(SELECTOR_FIELDS[r], 4)));
        }
        for (int i = 0; i < BASE_FIELDS.length; i++) {
            int r = i;
            l.add(of(BASE_FIELDS[r] + " non-canonical", BASE_CANONICAL[r], b -> b.set(BASE_FIELDS[r], NON_CANONICAL)));
        }
        return l;
    }
}
