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
    /** The guest's own CR3 under shadow paging (the VMCS holds the shadow root), else null. */
    private java.util.function.LongSupplier guestCr3;

    GuestAccess(GuestPhysicalMemory physical, int maxPhysAddr) {
        this.physical = physical;
        this.walker = new PageWalker(physical);
        this.maxPhysAddr = maxPhysAddr;
    }

    GuestPhysicalMemory physical() {
        return physical;
    }

    /** Under shadow paging: where the guest's own CR3 comes from. */
    void setGuestCr3(java.util.function.LongSupplier source) {
        this.guestCr3 = source;
    }

    /**
     * Takes the guest's paging state from the VMCS as the guest sees it (host-owned bits from the read
     * shadows; under shadow paging CR3 from the shadow MMU); call once per exit before translating. The
     * paging context is built on the first translation only: most exits translate nothing.
     */
    void load(Vmcs v) {
        cr0 = ShadowPaging.guestView(v.get(GUEST_CR0), v.get(CR0_GUEST_HOST_MASK), v.get(CR0_READ_SHADOW));
        cr4 = ShadowPaging.guestView(v.get(GUEST_CR4), v.get(CR4_GUEST_HOST_MASK), v.get(CR4_READ_SHADOW));
        cr3 = guestCr3 != null ? guestCr3.getAsLong() : v.get(GUEST_CR3);
        efer = v.get(GUEST_IA32_EFER);
        pdpte0 = v.get(GUEST_PDPTE0);
        pdpte1 = v.get(GUEST_PDPTE1);
        pdpte2 = v.get(GUEST_PDPTE2);
        pdpte3 = v.get(GUEST_PDPTE3);
        context = null;
        contextBuilt = false;
    }

    private long cr0;
    private long cr3;
    private long cr4;
    private long efer;
    private long pdpte0;
    private long pdpte1;
    private long pdpte2;
    private long pdpte3;
    private boolean contextBuilt;

    /** The guest's paging context at the exit, or null when its paging is off. */
    private PagingContext context() {
        if (!contextBuilt) {
            context = (cr0 & CpuState.CR0_PG) == 0 ? null : PagingContext.of(cr0, cr3, cr4, efer,
                    new long[] {pdpte0, pdpte1, pdpte2, pdpte3}, maxPhysAddr, true);
            contextBuilt = true;
        }
        return context;
    }

    /** Guest-physical address of {@code linear} for {@code access} ({@link Access} bits); #PF if refused. */
    long translate(long linear, int access) {
        PagingContext context = context();
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
