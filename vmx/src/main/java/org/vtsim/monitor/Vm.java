package org.vtsim.monitor;

import java.util.List;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Platform;
import org.vtsim.cpu.Segment;
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
 * guest; {@link #destroy} clears the VMCS and leaves VMX operation.
 */
public final class Vm {
    private final Cpu cpu;
    private final Vmx vmx;
    private final Platform platform;
    private final GuestMemory memory;
    private final MonitorArea area;
    private final VmConfig config;
    private final GuestCpuid cpuid;
    /** Shadow paging (null: EPT). */
    private final ShadowPaging shadow;
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
        vm.setUp();
        return vm;
    }

    private void setUp() {
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
        vcpu = new Vcpu(this, ExitHandlers.standard(), new ExitRecorder(config.trace()));
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
        System.arraycopy(s.gpr, 0, g.gpr, 0, s.gpr.length);
        g.rip = s.rip;
        g.setRflags(s.getRflags());
        for (int r = 0; r < 6; r++) {
            g.seg[r].copyFrom(s.seg[r]);
        }
        g.ldtr.copyFrom(s.ldtr);
        g.tr.copyFrom(s.tr);
        if (g.ldtr.selector == 0 && (g.ldtr.attributes & Segment.ATTR_P) == 0) {
            g.ldtr.attributes = Segment.ATTR_UNUSABLE;
        }
        g.gdtrBase = s.gdtrBase;
        g.gdtrLimit = s.gdtrLimit;
        g.idtrBase = s.idtrBase;
        g.idtrLimit = s.idtrLimit;
        g.cr0 = s.cr0;
        g.cr2 = s.cr2;
        g.cr3 = s.cr3;
        g.cr4 = s.cr4;
        g.efer = s.efer;
        System.arraycopy(s.dr, 0, g.dr, 0, s.dr.length);
        return g;
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
