package org.vtsim.cpu;

import java.util.Map;
import java.util.function.LongSupplier;
import org.vtsim.cpu.system.ControlRegisters;
import org.vtsim.cpu.system.Cpuid;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.cpu.system.DeliveryResult;
import org.vtsim.cpu.system.Event;
import org.vtsim.cpu.system.EventDelivery;
import org.vtsim.cpu.system.FarTransfer;
import org.vtsim.cpu.system.InterruptReturn;
import org.vtsim.cpu.system.IoPermission;
import org.vtsim.cpu.system.Msrs;
import org.vtsim.cpu.system.PagingEvents;
import org.vtsim.cpu.system.SegmentLoader;
import org.vtsim.cpu.system.SystemCalls;
import org.vtsim.cpu.system.SystemSegments;
import org.vtsim.cpu.system.TaskPriority;

/**
 * The interpreter's {@link SystemPort} and the core's {@link EventPort} over the system units of
 * org.vtsim.cpu.system. Paging events go to whatever translation is wired (the MMU), so CR and
 * EFER writes reach the TLBs.
 */
final class SystemUnits implements SystemPort, EventPort {
    private final CpuState s;
    private final SegmentLoader segments;
    private final FarTransfer far;
    private final InterruptReturn iret;
    private final SystemSegments systemSegments;
    private final ControlRegisters controlRegisters;
    private final Cpuid cpuid;
    private final Msrs msrs;
    private final SystemCalls systemCalls;
    private final IoPermission io;
    private final EventDelivery delivery;
    private final MemoryPath path;
    private VmxPort vmx = NoVmx.INSTANCE;

    SystemUnits(CpuState s, LinearMemory mem, MemoryPath path, Platform platform, CpuidModel model,
            LongSupplier cycles) {
        this.s = s;
        this.path = path;
        PagingEvents paging = new PagingEvents() {
            @Override
            public void loadPdptes(long cr3) {
                if (path.translation() instanceof PagingEvents p) {
                    p.loadPdptes(cr3);
                }
            }

            @Override
            public void cr3Loaded(long cr3, int pcid, boolean invalidate) {
                if (path.translation() instanceof PagingEvents p) {
                    p.cr3Loaded(cr3, pcid, invalidate);
                } else if (path.translation() != null && invalidate) {
                    path.translation().flushAll(false);
                }
            }

            @Override
            public void flushAll(boolean includingGlobal) {
                if (path.translation() != null) {
                    path.translation().flushAll(includingGlobal);
                }
            }

            @Override
            public void pagingModeChanged() {
                if (path.translation() instanceof PagingEvents p) {
                    p.pagingModeChanged();
                }
            }
        };
        // CR8 is the local APIC's TPR[7:4] (SDM Vol. 3A 10.8.6.1), reached through the platform;
        // a platform without an APIC leaves CR8 to the CPU.
        TaskPriority tpr = new TaskPriority() {
            private int cls;

            @Override
            public int priorityClass() {
                int c = platform.taskPriorityClass();
                return c >= 0 ? c : cls;
            }

            @Override
            public void setPriorityClass(int priorityClass) {
                cls = priorityClass & 0xf;
                platform.setTaskPriorityClass(cls);
            }
        };
        this.segments = new SegmentLoader(mem);
        this.far = new FarTransfer(mem);
        this.iret = new InterruptReturn(mem);
        this.systemSegments = new SystemSegments(mem);
        this.controlRegisters = new ControlRegisters(model, paging, tpr);
        this.cpuid = new Cpuid(model);
        this.msrs = new Msrs(model, platform, cycles, paging);
        this.systemCalls = new SystemCalls(msrs);
        this.io = new IoPermission(mem);
        this.delivery = new EventDelivery(mem);
    }

    void setVmx(VmxPort vmx) {
        this.vmx = vmx;
    }

    /** VMX non-root operation: delivery consults the exception bitmap through the VMX unit. */
    void setNonRoot(boolean nonRoot) {
        this.exits = nonRoot ? vmxExits : null;
    }

    /** The event whose delivery through the IDT is under way, or null. */
    Event deliveringEvent() {
        return delivery.delivering();
    }

    private EventDelivery.Exits exits;
    private final EventDelivery.Exits vmxExits = new EventDelivery.Exits() {
        @Override
        public boolean nestedException(CpuFault nested, Event during) {
            return vmx.exceptionDuringDelivery(nested, during);
        }

        @Override
        public boolean doubleFault(Event doubleFault) {
            return vmx.exception(CpuFault.withError(doubleFault.vector(), doubleFault.errorCode()), doubleFault.rip(),
                    0);
        }
    };

    Map<Integer, Long> unknownMsrAccesses() {
        return msrs.unknownMsrAccesses();
    }

    @Override
    public void loadSegment(int sreg, int selector) {
        segments.load(s, sreg, selector);
    }

    @Override
    public void farJump(int selector, long offset, int operandSize) {
        far.jump(s, selector, offset, operandSize);
    }

    @Override
    public void farCall(int selector, long offset, int operandSize) {
        far.call(s, selector, offset, operandSize, s.rip);
    }

    @Override
    public void farReturn(int operandSize, int popBytes) {
        far.ret(s, operandSize, popBytes);
    }

    @Override
    public void iret(int operandSize) {
        iret.iret(s, operandSize);
    }

    @Override
    public void lldt(int selector) {
        systemSegments.lldt(s, selector);
    }

    @Override
    public void ltr(int selector) {
        systemSegments.ltr(s, selector);
    }

    @Override
    public void writeCr(int cr, long value) {
        // In VMX operation CR0 and CR4 keep the bits IA32_VMX_CRn_FIXED0/1 fix (SDM Vol. 3C 23.8).
        if (vmx.inVmxOperation() && (cr == 0 && !vmx.cr0Allowed((value & 0xffffffffL) | CpuState.CR0_ET)
                || cr == 4 && !vmx.cr4Allowed(value))) {
            throw CpuFault.gp(0);
        }
        controlRegisters.write(s, cr, value);
    }

    @Override
    public void cpuid() {
        cpuid.execute(s);
    }

    @Override
    public long readMsr(int msr) {
        long cap = vmx.capabilityMsr(msr);
        if (cap != -1) {
            return cap; // IA32_VMX_BASIC..IA32_VMX_VMFUNC (SDM Vol. 3C Appendix A)
        }
        return msrs.read(s, msr);
    }

    @Override
    public void writeMsr(int msr, long value) {
        if (vmx.capabilityMsr(msr) != -1) {
            throw CpuFault.gp(0); // the VMX capability MSRs are read-only (SDM Vol. 3C A.1)
        }
        msrs.write(s, msr, value);
    }

    @Override
    public void syscall() {
        systemCalls.syscall(s, s.rip);
    }

    @Override
    public void sysret(int operandSize) {
        systemCalls.sysret(s, operandSize);
    }

    @Override
    public void swapgs() {
        systemCalls.swapgs(s);
    }

    @Override
    public void checkIo(int port, int size) {
        io.check(s, port, size);
    }

    @Override
    public long readTsc() {
        return msrs.readTsc();
    }

    /** The MSRs VM entry and VM exit load and save without WRMSR's checks (SDM 26.3.2.1, 27.3.1, 27.5.1). */
    Msrs transitionMsrs() {
        return msrs;
    }

    /** {@link #readTsc} minus the cycle counter it was built over. */
    long tscOffset() {
        return msrs.tscOffset();
    }

    @Override
    public long tscAux() {
        return msrs.tscAux();
    }

    /**
     * Delivers {@code e}; false on shutdown. In VMX non-root operation a VM exit taken during delivery
     * unwinds with {@link VmExitSignal}: the exit has been taken, host state is loaded.
     */
    boolean deliver(Event e) {
        DeliveryResult r = delivery.deliver(s, e, exits);
        if (r.exited()) {
            throw VmExitSignal.INSTANCE;
        }
        return !r.shutdown();
    }

    @Override
    public boolean exception(CpuFault fault, long rip) {
        return deliver(Event.exception(fault, rip));
    }

    @Override
    public boolean externalInterrupt(int vector, long rip) {
        return deliver(Event.externalInterrupt(vector, rip));
    }

    @Override
    public boolean software(int vector, int kind, long rip, int length) {
        return deliver(switch (kind) {
            case EventSink.SOFTWARE_INTERRUPT -> Event.softwareInterrupt(vector, rip, length);
            case EventSink.SOFTWARE_EXCEPTION -> Event.softwareException(vector, rip, length);
            default -> Event.int1(rip, length);
        });
    }
}
