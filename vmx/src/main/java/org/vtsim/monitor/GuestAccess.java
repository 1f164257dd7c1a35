package org.vtsim.monitor;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.vtsim.cpu.CpuState;
import org.vtsim.ept.paging.Access;
import org.vtsim.ept.paging.PageWalker;
import org.vtsim.ept.paging.PagingContext;
import org.vtsim.ept.paging.WalkResult;
import org.vtsim.vmx.vmcs.Vmcs;

/**
 * Guest-linear memory as the guest saw it at the exit: its paging structures (from the guest state
 * in the VMCS) walked in guest-physical memory through the slots. For the instructions the monitor
 * emulates: fetching the bytes of an MMIO instruction, the operands of string I/O. A translation
 * the guest's tables refuse is a #PF for the guest (SDM Vol. 3A 4.7).
 */
final class GuestAccess {
    private final GuestPhysicalMemory physical;
    private final PageWalker walker;
    private final WalkResult walk = new WalkResult();
    private final int maxPhysAddr;
    private PagingContext context;

    GuestAccess(GuestPhysicalMemory physical, int maxPhysAddr) {
        this.physical = physical;
        this.walker = new PageWalker(physical);
        this.maxPhysAddr = maxPhysAddr;
    }

    GuestPhysicalMemory physical() {
        return physical;
    }

    /** Takes the guest's paging state from the VMCS; call once per exit before translating. */
    void load(Vmcs v) {
        long cr0 = v.get(GUEST_CR0);
        long[] pdptes = {v.get(GUEST_PDPTE0), v.get(GUEST_PDPTE1), v.get(GUEST_PDPTE2), v.get(GUEST_PDPTE3)};
        context = (cr0 & CpuState.CR0_PG) == 0 ? null
                : PagingContext.of(cr0, v.get(GUEST_CR3), v.get(GUEST_CR4), v.get(GUEST_IA32_EFER), pdptes,
                        maxPhysAddr, true);
    }

    /** Guest-physical address of {@code linear} for {@code access} ({@link Access} bits); #PF if refused. */
    long translate(long linear, int access) {
        if (context == null) {
            return linear & 0xffffffffL;
        }
        if (!walker.walk(context, linear, access, walk, null)) {
            throw new GuestFault(14, walk.errorCode(), linear);
        }
        return walk.physical();
    }

    int read8(long linear, int access) {
        return physical.read8(translate(linear, access));
    }

    long read(long linear, int size, int access) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) read8(linear + i, access) << (8 * i);
        }
        return v;
    }

    void write(long linear, int size, long value, int access) {
        for (int i = 0; i < size; i++) {
            physical.write8(translate(linear + i, access | Access.WRITE), (int) (value >>> (8 * i)) & 0xff);
        }
    }
}
