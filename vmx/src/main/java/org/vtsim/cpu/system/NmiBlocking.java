package org.vtsim.cpu.system;

/**
 * Blocking of non-maskable interrupts (SDM Vol. 3A 6.7.1): "While an NMI interrupt handler is
 * executing, the processor blocks delivery of subsequent NMIs until the next execution of the IRET
 * instruction", and "an execution of the IRET instruction unblocks NMIs even if the instruction causes
 * a fault".
 *
 * <p>In VMX non-root operation the VMX unit gives the guest's rules with {@link #enterGuest} (SDM Vol. 3C
 * 26.7.1, 25.3 IRET):
 * <ul>
 *   <li>"virtual NMIs" 0: blocking by NMI is loaded from the interruptibility state's bit 3; with "NMI
 *       exiting" 0 "such blocking remains in effect until IRET is executed (even if the instruction
 *       generates a fault)", with "NMI exiting" 1 "as long as the logical processor is in VMX non-root
 *       operation" (IRET "does not affect blocking of NMIs");
 *   <li>"virtual NMIs" 1: "NMIs are not blocked in VMX non-root operation"; bit 3 is virtual-NMI
 *       blocking instead, which an injected NMI sets and IRET removes (even if it faults).
 * </ul>
 * While a guest runs, every change of what bit 3 means is told to the {@link Observer} (the VMX unit keeps
 * the guest interruptibility state with it). Blocking by the STI / MOV SS shadow is the core's.
 */
public final class NmiBlocking {
    /** Told when the guest's bit 3 (blocking by NMI, or virtual-NMI blocking) changes. */
    public interface Observer {
        void guestBlockingChanged(boolean blocked);
    }

    /** What an IRET removes: nothing, blocking by NMI, or virtual-NMI blocking. */
    public static final int NONE = 0;
    public static final int REAL = 1;
    public static final int VIRTUAL = 2;

    private boolean blocked;
    private boolean virtualBlocked;
    private boolean guest;
    private boolean nmiExiting;
    private boolean virtualNmis;
    private Observer observer;

    /** Blocking by NMI (SDM Vol. 3A 6.7.1). */
    public boolean blocked() {
        return blocked;
    }

    /** Virtual-NMI blocking (meaningful while a guest with "virtual NMIs" runs). */
    public boolean virtualBlocked() {
        return virtualBlocked;
    }

    /**
     * Whether blocking by NMI holds a physical NMI off now: never in a guest with "virtual NMIs" (SDM Vol.
     * 3C 26.7.1), else blocking by NMI.
     */
    public boolean holdsOff() {
        return blocked && !(guest && virtualNmis);
    }

    /** Sets blocking by NMI directly (a loader, a test, the state a machine starts in). */
    public void setBlocked(boolean b) {
        blocked = b;
    }

    /**
     * VM entry: the guest's rules, and bit 3 of its interruptibility state loaded as blocking by NMI or, with
     * "virtual NMIs", as virtual-NMI blocking (SDM Vol. 3C 26.7.1).
     */
    public void enterGuest(boolean bit3, boolean nmiExiting, boolean virtualNmis, Observer observer) {
        this.guest = true;
        this.nmiExiting = nmiExiting;
        this.virtualNmis = virtualNmis;
        this.observer = observer;
        if (virtualNmis) {
            virtualBlocked = bit3;
        } else {
            blocked = bit3;
        }
    }

    /**
     * VM exit: back to the processor's own rules. "Other VM exits do not affect blocking by NMI" (SDM Vol. 3C
     * 27.5.5): blocking by NMI carries over as the guest left it.
     */
    public void leaveGuest() {
        guest = false;
        observer = null;
    }

    /** The guest's bit 3 of the interruptibility state (SDM Vol. 3C 24.4.2, Table 24-3). */
    public boolean guestBit3() {
        return virtualNmis ? virtualBlocked : blocked;
    }

    /** An NMI reached its handler through the IDT: subsequent NMIs are blocked (SDM Vol. 3A 6.7.1). */
    public void nmiDelivered() {
        if (guest && virtualNmis) {
            return; // an injected virtual NMI: virtual-NMI blocking was set before delivery
        }
        change(true, REAL);
    }

    /**
     * VM entry injects an NMI into a guest with "virtual NMIs": virtual-NMI blocking is in effect from the
     * start of its delivery, so a VM exit during the delivery saves it (SDM Vol. 3C 26.6.1.1, 27.1: "delivery
     * of the NMI causes a nested exception, double fault, task switch, or APIC access that causes a VM exit,
     * virtual-NMI blocking is in effect before the VM exit commences").
     */
    public void nmiDeliveryStarting() {
        if (guest && virtualNmis) {
            change(true, VIRTUAL);
        }
    }

    /** A VM exit caused directly by an NMI: "VM exits caused directly by NMIs cause blocking by NMI" (27.5.5). */
    public void nmiExitTaken() {
        blocked = true;
    }

    /** What an IRET executing now removes (SDM Vol. 3A 6.7.1; Vol. 3C 25.3 IRET). */
    public int iretUnblocks() {
        if (!guest) {
            return blocked ? REAL : NONE;
        }
        if (virtualNmis) {
            return virtualBlocked ? VIRTUAL : NONE;
        }
        if (nmiExiting) {
            return NONE;
        }
        return blocked ? REAL : NONE;
    }

    /** The observer of the guest now running, or null: kept by an IRET across a VM exit it may cause. */
    public Observer observer() {
        return observer;
    }

    /**
     * The IRET is over, completed or faulted (or ended by a VM exit): {@code what} (from {@link #iretUnblocks})
     * is removed, and the guest that executed it is told through {@code observer} — even after a VM exit the
     * IRET caused, since "any blocking by NMI [virtual-NMI blocking] is cleared before the VM exit commences"
     * (SDM Vol. 3C 27.1).
     */
    public void iretDone(int what, Observer observer) {
        if (what == REAL) {
            blocked = false;
        } else if (what == VIRTUAL) {
            virtualBlocked = false;
        } else {
            return;
        }
        if (observer != null) {
            observer.guestBlockingChanged(false);
        }
    }

    private void change(boolean value, int which) {
        if (which == REAL) {
            blocked = value;
        } else {
            virtualBlocked = value;
        }
        if (guest && observer != null) {
            observer.guestBlockingChanged(guestBit3());
        }
    }
}
