package org.vtsim.monitor;

import org.vtsim.vmx.ExitReason;

/**
 * The handler table, indexed by basic exit reason (SDM Vol. 3C Appendix C). A reason without an entry
 * stops the VM with the VMCS dump: the monitor never guesses.
 */
public final class ExitHandlers {
    private ExitHandlers() {
    }

    public static ExitHandler[] standard() {
        ExitHandler[] t = new ExitHandler[80];
        set(t, ExitReason.EXCEPTION_OR_NMI, ExceptionExit::handle);
        set(t, ExitReason.EXTERNAL_INTERRUPT, InterruptExits::externalInterrupt);
        set(t, ExitReason.TRIPLE_FAULT, ShutdownExit::handle);
        set(t, ExitReason.INTERRUPT_WINDOW, InterruptExits::interruptWindow);
        set(t, ExitReason.CPUID, CpuidExit::handle);
        set(t, ExitReason.HLT, HltExit::handle);
        set(t, ExitReason.INVD, (vcpu, v, q) -> {
            vcpu.charge(org.vtsim.cost.Cost.MONITOR_HANDLER);
            vcpu.skipInstruction(v); // no caches are modelled: INVD has nothing to invalidate
        });
        set(t, ExitReason.VMCALL, VmcallExit::handle);
        for (ExitReason r : new ExitReason[] {ExitReason.VMCLEAR, ExitReason.VMLAUNCH, ExitReason.VMPTRLD,
            ExitReason.VMPTRST, ExitReason.VMREAD, ExitReason.VMRESUME, ExitReason.VMWRITE, ExitReason.VMXOFF,
            ExitReason.VMXON, ExitReason.INVEPT, ExitReason.INVVPID}) {
            set(t, r, VmxInstructionExit::handle);
        }
        set(t, ExitReason.CONTROL_REGISTER_ACCESSES, CrAccessExit::handle);
        set(t, ExitReason.INVLPG, (vcpu, v, q) -> {
            ShadowPaging shadow = vcpu.vm().shadowPaging();
            if (shadow == null) {
                throw new IllegalStateException("INVLPG exits only under shadow paging");
            }
            shadow.invlpg(vcpu, v, q); // the qualification is the linear-address operand (SDM 27.2.1)
        });
        set(t, ExitReason.IO_INSTRUCTION, IoExit::handle);
        set(t, ExitReason.RDMSR, MsrExit::rdmsr);
        set(t, ExitReason.WRMSR, MsrExit::wrmsr);
        set(t, ExitReason.EPT_VIOLATION, EptViolationExit::handle);
        set(t, ExitReason.EPT_MISCONFIGURATION, EptMisconfigExit::handle);
        set(t, ExitReason.VMX_PREEMPTION_TIMER_EXPIRED, InterruptExits::preemptionTimer);
        return t;
    }

    private static void set(ExitHandler[] t, ExitReason r, ExitHandler h) {
        t[r.number] = h;
    }
}
