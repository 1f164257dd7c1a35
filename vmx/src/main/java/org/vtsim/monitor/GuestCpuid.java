package org.vtsim.monitor;

import org.vtsim.cpu.system.CpuFeature;
import org.vtsim.cpu.system.Cpuid;
import org.vtsim.cpu.system.CpuidModel;

/**
 * What CPUID tells the guest: a configurable {@link CpuidModel}, by default the model CPU's own
 * without VMX (the monitor offers no nested virtualization), answered by the same {@link Cpuid}
 * unit the processor uses natively, so a guest sees the same leaves natively and under the monitor.
 */
public final class GuestCpuid {
    private final Cpuid cpuid;

    public GuestCpuid(CpuidModel model) {
        this.cpuid = new Cpuid(model);
    }

    /** The host model minus VMX. */
    public static GuestCpuid withoutVmx(CpuidModel host) {
        return new GuestCpuid(host.without(CpuFeature.VMX));
    }

    public CpuidModel model() {
        return cpuid.model();
    }

    /** {EAX, EBX, ECX, EDX}; CPUID.1:ECX.VMX is 0 whatever the model says (SDM Vol. 3C 23.6). */
    public int[] query(int leaf, int subleaf) {
        int[] r = cpuid.query(leaf, subleaf);
        if (leaf == 1 && !cpuid.model().has(CpuFeature.VMX)) {
            r[2] &= ~(1 << 5);
        }
        return r;
    }
}
