package org.vtsim.monitor;

import java.util.List;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;
import org.vtsim.cpu.Segment;
import org.vtsim.cpu.StopReason;
import org.vtsim.monitor.stats.ExitRecorder;
import org.vtsim.vmx.Vmx;
import org.vtsim.vmx.VmxResult;

/**
 * A virtual machine, KVM's struct kvm in miniature: the guest's memory slots and EPT (or, with
 * {@link VmConfig#shadowPaging}, the shadow MMU of {@link ShadowPaging}), the monitor's
 * own host memory, the guest's devices (the platform the processor is wired to: device interrupts
 * arrive as external-interrupt exits and are injected), and one vCPU. The Java code is the VMX
 * root-mode software of the one logical processor; the guest runs unmodified in non-root operation.
 *
 * <p>Life cycle: {@link #create} takes the processor state a boot loader prepared for a native run as
 * the guest's initial state, enters VMX operation and sets up the VMCS; {@link Vcpu#run} runs the
 * guest ({@link Vcpu#pause} makes it return, calling it again resumes); {@link #reset} takes the VM back
 * to the state {@link #create} left it in, with a new vCPU; {@link #destroy} clears the VMCS and leaves
 * VMX operation.
 */
public final class Vm {
    private final Cpu cpu;
    private final Vmx vmx;
    private final Platform platform;
    private GuestMemory memory;
    private final List<MemorySlot> slots;
    private final MonitorArea area;
    private final VmConfig config;
    private final GuestCpuid cpuid;
    /** Shadow paging (null: EPT). */
    private ShadowPaging shadow;
    /** The processor state {@link #create} found: the guest's initial state, for {@link #reset}. */
    private final CpuState initial = new CpuState();
    /** Under shadow paging: the shadow page-table pool's size in pages and the paging-off root (host-physical). */
    private int shadowPoolPages;
    private long shadowLowRoot;
    private Vcpu vcpu;
    private boolean destroyed;

    private Vm(Cpu cpu, Vmx vmx, List<MemorySlot> slots, MonitorArea area, VmConfig config) {
        this.cpu = cpu;
        this.vmx = vmx;
        this.platform = cpu.platform();
        this.area = area;
        this.config = config;
        this.cpuid = config.cpuid() != null ? config.cpuid() : GuestCpuid.withoutVmx(cpu.cpuidModel());
        for (MemorySlot s : slots) {
            if (s.hostPhysical() < area.end() && area.base() < s.hostEnd()) {
                throw new IllegalArgumentException("memory slot " + s + " overlaps the monitor's area");
            }
            if (s.guestPhysical() < platform.mmioEnd() && platform.mmioStart() < s.guestEnd()) {
                throw new IllegalArgumentException("memory slot " + s + " overlaps the MMIO window");
            }
        }
        this.slots = List.copyOf(slots);
        createMemory();
    }

    /** Empty EPT (or an empty shadow MMU): every page is populated again on its first touch. */
    private void createMemory() {
        this.memory = new GuestMemory(cpu.memory(), slots, area.address(MonitorArea.EPT_TABLES),
                MonitorArea.EPT_TABLES_SIZE);
        this.memory.setLargePages(config.hostLargePages());
        this.shadow = config.shadowPaging() ? createShadow(slots) : null;
    }

    /**
     * The shadow MMU: a pool of shadow pages sized as KVM sizes its default (20 per mille of the guest's
     * pages, at least 64: KVM_PERMILLE_MMU_PAGES, KVM_MIN_ALLOC_MMU_PAGES), and the paging-off root in the
     * page just below the device window, which no slot uses (a PAE root must lie below 4 GiB).
     */
    private ShadowPaging createShadow(List<MemorySlot> slots) {
        long guestPages = 0;
        for (MemorySlot s : slots) {
            guestPages += s.size() >>> 12;
        }
        int pool = (int) Math.min(MonitorArea.SHADOW_TABLES_SIZE >>> 12, Math.max(64, guestPages * 20 / 1000));
        long lowRoot = platform.mmioStart() - 4096;
        for (MemorySlot s : slots) {
            if (lowRoot < s.hostEnd() && s.hostPhysical() < lowRoot + 4096) {
                throw new IllegalArgumentException("memory slot " + s + " leaves no page below the device window "
                        + "for the shadow paging-off root");
            }
        }
        shadowPoolPages = pool;
        shadowLowRoot = lowRoot;
        org.vtsim.monitor.shadow.ShadowMmu mmu = new org.vtsim.monitor.shadow.ShadowMmu(cpu.memory(), memory,
                new GuestPhysicalMemory(memory, true), area.address(MonitorArea.SHADOW_TABLES), pool, lowRoot, cpu.cpuidModel().maxPhysAddr(),
                config.hostLargePages(), platform.mmioStart(), platform.mmioEnd());
        return new ShadowPaging(mmu, vmx.capabilities());
    }

    /**
     * Creates the VM around {@code cpu} (which must have a VMX unit, {@link Vmx#attach}), taking the
     * processor's current state as the guest's initial state, and its one vCPU.
     *
     * @throws IllegalStateException if the capability MSRs lack a control the monitor needs, or VMX
     *     operation cannot be entered (the message names it)
     */
    public static Vm create(Cpu cpu, Vmx vmx, List<MemorySlot> slots, MonitorArea area, VmConfig config) {
        Vm vm = new Vm(cpu, vmx, slots, area, config);
        ResetSteps.copyState(cpu.state(), vm.initial);
        vm.setUp(config.trace());
        return vm;
    }

    private void setUp(org.vtsim.monitor.stats.ExitSink trace) {
        CpuState s = cpu.state();
        CpuState guest = snapshot(s);
        long guestPat = cpu.readMsr(0x277);
        area.build(cpu.memory());
        MsrBitmap.write(cpu.memory(), area.address(MonitorArea.MSR_BITMAP), shadow != null);
        area.enterHostState(cpu);
        check(vmx.vmxon(area.address(MonitorArea.VMXON_REGION)), "VMXON");
        check(vmx.vmclear(area.address(MonitorArea.VMCS_REGION)), "VMCLEAR");
        check(vmx.vmptrld(area.address(MonitorArea.VMCS_REGION)), "VMPTRLD");
        if (shadow != null) {
            shadow.start(guest);
        }
        VmcsSetup setup = new VmcsSetup(vmx);
        setup.controls(area, memory, config.exceptionBitmap(), shadow);
        setup.hostState(s, cpu.readMsr(0x277));
        setup.guestState(guest, guestPat, shadow);
        // The guest's general registers live in the processor (VM entry does not load them).
        for (int r = 0; r < 16; r++) {
            if (r != CpuState.RSP) {
                s.gpr[r] = guest.gpr[r];
            }
        }
        s.cr2 = guest.cr2;
        cpu.setStopAtVmExit(true);
        vcpu = new Vcpu(this, ExitHandlers.standard(), new ExitRecorder(trace));
        if (shadow != null) {
            vcpu.access().setGuestCr3(shadow.mmu()::guestCr3);
        }
    }

    private void check(VmxResult r, String what) {
        if (r != VmxResult.SUCCEED) {
            throw new IllegalStateException(what + " failed: " + r + " (VM-instruction error " + vmx.instructionError()
                    + ")");
        }
    }

    private static CpuState snapshot(CpuState s) {
        CpuState g = new CpuState();
        ResetSteps.copyState(s, g);
        if (g.ldtr.selector == 0 && (g.ldtr.attributes & Segment.ATTR_P) == 0) {
            g.ldtr.attributes = Segment.ATTR_UNUSABLE;
        }
        return g;
    }

    /**
     * A system reset of the VM, as QEMU's {@code system_reset} with KVM: afterwards the guest starts again
     * exactly as it started after {@link #create}, and its next run is a fresh boot, not a continuation.
     * <ul>
     *   <li>the vCPU's statistics end ({@link Vcpu#finish}) and the vCPU is retired: it keeps the finished
     *       run's recorder and counters (returned here) and refuses to run; {@link #vcpu()} is a new vCPU
     *       whose statistics start from zero;</li>
     *   <li>the VMCS is cleared and VMX operation left (VMCLEAR, VMXOFF), so nothing cached of it survives;</li>
     *   <li>the host memory of every slot is zeroed (only pages holding data are written), and so are the
     *       EPT tables (or the shadow page-table pool and the paging-off root): a reset guest never sees the
     *       old guest's data;</li>
     *   <li>the processor's MSR unit goes back to its power-on values (the guest's MSRs live there) and every
     *       cached translation of every tag is dropped (the host MMU's TLBs and paging-structure caches, the
     *       combined guest-physical mappings: as INVEPT and INVVPID of all contexts, SDM Vol. 3C 28.4.3.1);</li>
     *   <li>{@code platformReset} runs: the caller puts the devices in their power-on state and re-places the
     *       boot image in guest memory (a {@code Machine} does both; a VM has no boot loader of its own);</li>
     *   <li>the processor state {@link #create} found is loaded again, the EPT (or shadow MMU) starts empty,
     *       VMX operation is entered and the VMCS set up as at creation, so the next entry is a VMLAUNCH.</li>
     * </ul>
     *
     * A run that stopped on its instruction budget leaves the guest in non-root operation: the processor is
     * first taken out of it at the guest's next VM exit, which is not handled (KVM's kick; the guest can reach
     * no device before that exit, and its memory and registers are discarded).
     *
     * @return the retired vCPU, with the statistics of the run that ended
     * @throws IllegalStateException if the VM was destroyed, or its guest could not be taken out of non-root
     *     operation (the processor stopped for another reason; the message names it)
     */
    public Vcpu reset(Runnable platformReset) {
        return reset(platformReset, null);
    }

    /**
     * As {@link #reset(Runnable)}, the new vCPU's exits going to {@code trace} (may be null). The trace of
     * {@link VmConfig#trace} was closed when the first run's statistics ended, so a reset never reuses it.
     */
    public Vcpu reset(Runnable platformReset, org.vtsim.monitor.stats.ExitSink trace) {
        if (destroyed) {
            throw new IllegalStateException("reset of a destroyed VM");
        }
        Vcpu old = vcpu;
        if (vmx.nonRoot()) {
            // The run stopped on its instruction budget with the guest in non-root operation: take the processor
            // out of the guest as KVM's kick does, at its next VM exit, which is not handled. The guest cannot
            // touch a device before it (every device access exits first), only its own memory and registers,
            // which the reset discards; the VMX-preemption timer bounds the wait.
            StopReason r = cpu.run(Long.MAX_VALUE >>> 1);
            if (r != StopReason.VM_EXIT || vmx.nonRoot()) {
                throw new IllegalStateException("unsupported: reset of a VM whose guest cannot be taken out of "
                        + "non-root operation (" + r + ": " + cpu.stopDetail() + ")");
            }
        }
        old.finish();
        old.retire();
        if (vmx.inVmxOperation()) {
            check(vmx.vmclear(area.address(MonitorArea.VMCS_REGION)), "VMCLEAR");
            check(vmx.vmxoff(), "VMXOFF");
        }
        ResetSteps.zeroGuestMemory(this);
        ResetSteps.powerOnProcessor(cpu, vmx, vmx.nestedMmu());
        ResetSteps.copyState(initial, cpu.state());
        platformReset.run();
        createMemory();
        setUp(trace);
        return old;
    }

    List<MemorySlot> slots() {
        return slots;
    }

    /** Host memory of the monitor's area a shadow MMU may have written: its pool and its paging-off root. */
    long shadowPoolPages() {
        return shadowPoolPages;
    }

    long shadowLowRoot() {
        return shadowLowRoot;
    }

    /** Leaves VMX operation: VMCLEAR, VMXOFF. The guest cannot run again. */
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        if (vcpu != null) {
            vcpu.finish();
        }
        cpu.setStopAtVmExit(false);
        if (!vmx.nonRoot() && vmx.inVmxOperation()) {
            vmx.vmclear(area.address(MonitorArea.VMCS_REGION));
            vmx.vmxoff();
        }
    }

    public Vcpu vcpu() {
        return vcpu;
    }

    public Cpu cpu() {
        return cpu;
    }

    public Vmx vmx() {
        return vmx;
    }

    public Platform platform() {
        return platform;
    }

    public GuestMemory memory() {
        return memory;
    }

    public MonitorArea area() {
        return area;
    }

    public VmConfig config() {
        return config;
    }

    public GuestCpuid cpuid() {
        return cpuid;
    }

    /** The shadow MMU under shadow paging, else null (EPT). */
    public org.vtsim.monitor.shadow.ShadowMmu shadowMmu() {
        return shadow == null ? null : shadow.mmu();
    }

    ShadowPaging shadowPaging() {
        return shadow;
    }

    /**
     * Memory-virtualization counters by name: {@code ept.*} (pages populated, table bytes) under EPT,
     * {@code shadow.*} under shadow paging, and {@code unassigned.*} (emulated accesses to unassigned
     * guest-physical memory) under both.
     */
    public java.util.Map<String, Long> memoryCounters() {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        if (vcpu != null) {
            m.putAll(UnassignedMemory.of(vcpu).counters());
        }
        if (shadow != null) {
            m.putAll(shadow.mmu().counters());
            return m;
        }
        m.put("ept.populated4k", memory.populatedPages4k());
        m.put("ept.populated2m", memory.populatedPages2m());
        m.put("ept.tableBytes", memory.eptTableBytes());
        return m;
    }
}
