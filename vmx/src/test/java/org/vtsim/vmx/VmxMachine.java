package org.vtsim.vmx;

import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.HexFormat;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.VmEntryControls;
import org.vtsim.vmx.controls.VmExitControls;

/**
 * A 64-bit CPU with a VMX unit, ready for VMXON (CR0.NE, CR4.VMXE, IA32_FEATURE_CONTROL locked with
 * VMX outside SMX), a VMXON region and a VMCS region with vtsim's revision identifier, and helpers
 * that fill a VMCS with a valid 64-bit host and guest (flat segments, as Machines sets the CPU up).
 */
final class VmxMachine {
    static final long VMXON_REGION = 0x40000;
    static final long VMCS_REGION = 0x41000;
    static final long GUEST_CODE = 0x20000;
    static final long GUEST_STACK = 0x28000;
    static final long HOST_CODE = 0x30000;
    static final long HOST_STACK = 0x38000;

    final Cpu cpu;
    final Vmx vmx;
    final CpuState s;

    VmxMachine(String rootHex) {
        this(rootHex, CostProfile.skylake());
    }

    VmxMachine(String rootHex, CostProfile costs) {
        this(Machines.longMode(rootHex, costs));
    }

    /** With {@code model} advertised through CPUID (instructions of features it lacks raise #UD). */
    VmxMachine(String rootHex, org.vtsim.cpu.system.CpuidModel model) {
        this(Machines.longMode(rootHex, CostProfile.skylake(), model));
    }

    private VmxMachine(Cpu cpu) {
        this.cpu = cpu;
        vmx = Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel()));
        s = cpu.state();
        s.cr0 |= CpuState.CR0_NE;
        s.cr4 |= CpuState.CR4_VMXE;
        cpu.writeMsr(VmxCapabilities.IA32_FEATURE_CONTROL, 5);
        s.seg[CpuState.CS].selector = 0x08;
        s.tr.set(0x18, 0x9000, 0x67, 0x8b);
        s.gdtrBase = 0x6000;
        s.gdtrLimit = 0x1f;
        s.idtrBase = 0x7000;
        s.idtrLimit = 0xfff;
        cpu.memory().write32(VMXON_REGION, VmxCapabilities.VMCS_REVISION);
        cpu.memory().write32(VMCS_REGION, VmxCapabilities.VMCS_REVISION);
        cpu.memory().write8(HOST_CODE, 0xf4); // hlt
    }

    void write(long address, String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        cpu.memory().write(address, b, 0, b.length);
    }

    /** VMXON, VMCLEAR, VMPTRLD from Java, then a valid VMCS for {@code guestHex} at GUEST_CODE. */
    void enterRootWithVmcs(String guestHex) {
        if (vmx.vmxon(VMXON_REGION) != VmxResult.SUCCEED || vmx.vmclear(VMCS_REGION) != VmxResult.SUCCEED
                || vmx.vmptrld(VMCS_REGION) != VmxResult.SUCCEED) {
            throw new IllegalStateException("VMX set-up failed: " + vmx.lastResult());
        }
        write(GUEST_CODE, guestHex);
        fillVmcs();
    }

    void w(org.vtsim.vmx.vmcs.VmcsField f, long value) {
        if (vmx.vmwrite(f.encoding, value) != VmxResult.SUCCEED) {
            throw new IllegalStateException("VMWRITE " + f + ": " + vmx.lastResult() + " " + vmx.instructionError());
        }
    }

    long r(org.vtsim.vmx.vmcs.VmcsField f) {
        return vmx.currentVmcs().get(f);
    }

    void fillVmcs() {
        w(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.DEFAULT1);
        w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.DEFAULT1
                & ~(PrimaryProcessorBasedControls.CR3_LOAD_EXITING | PrimaryProcessorBasedControls.CR3_STORE_EXITING));
        w(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.DEFAULT1 | VmExitControls.HOST_ADDRESS_SPACE_SIZE);
        w(VM_ENTRY_CONTROLS, VmEntryControls.DEFAULT1 | VmEntryControls.IA32E_MODE_GUEST);
        w(VMCS_LINK_POINTER, -1L);
        // Host: the root-mode state as it is.
        w(HOST_CR0, s.cr0);
        w(HOST_CR3, s.cr3);
        w(HOST_CR4, s.cr4);
        w(HOST_CS_SELECTOR, 0x08);
        w(HOST_SS_SELECTOR, 0x10);
        w(HOST_DS_SELECTOR, 0x10);
        w(HOST_ES_SELECTOR, 0x10);
        w(HOST_TR_SELECTOR, 0x18);
        w(HOST_TR_BASE, 0x9000);
        w(HOST_GDTR_BASE, 0x6000);
        w(HOST_IDTR_BASE, 0x7000);
        w(HOST_RIP, HOST_CODE);
        w(HOST_RSP, HOST_STACK);
        // Guest: 64-bit, flat.
        w(GUEST_CR0, s.cr0);
        w(GUEST_CR3, s.cr3);
        w(GUEST_CR4, s.cr4);
        w(GUEST_IA32_EFER, s.efer);
        w(GUEST_DR7, 0x400);
        w(GUEST_CS_SELECTOR, 0x08);
        w(GUEST_CS_LIMIT, 0xffffffffL);
        w(GUEST_CS_ACCESS_RIGHTS, 0xa09b);
        for (var f : new org.vtsim.vmx.vmcs.VmcsField[][] {
            {GUEST_SS_SELECTOR, GUEST_SS_LIMIT, GUEST_SS_ACCESS_RIGHTS},
            {GUEST_DS_SELECTOR, GUEST_DS_LIMIT, GUEST_DS_ACCESS_RIGHTS},
            {GUEST_ES_SELECTOR, GUEST_ES_LIMIT, GUEST_ES_ACCESS_RIGHTS},
            {GUEST_FS_SELECTOR, GUEST_FS_LIMIT, GUEST_FS_ACCESS_RIGHTS},
            {GUEST_GS_SELECTOR, GUEST_GS_LIMIT, GUEST_GS_ACCESS_RIGHTS}}) {
            w(f[0], 0x10);
            w(f[1], 0xffffffffL);
            w(f[2], 0xc093);
        }
        w(GUEST_LDTR_ACCESS_RIGHTS, 0x10000);
        w(GUEST_TR_SELECTOR, 0x18);
        w(GUEST_TR_BASE, 0x9000);
        w(GUEST_TR_LIMIT, 0x67);
        w(GUEST_TR_ACCESS_RIGHTS, 0x8b);
        w(GUEST_GDTR_BASE, 0x6000);
        w(GUEST_GDTR_LIMIT, 0x1f);
        w(GUEST_IDTR_BASE, 0x7000);
        w(GUEST_IDTR_LIMIT, 0xfff);
        w(GUEST_RIP, GUEST_CODE);
        w(GUEST_RSP, GUEST_STACK);
        w(GUEST_RFLAGS, 2);
    }

    void setControl(org.vtsim.vmx.vmcs.VmcsField f, int bits) {
        w(f, r(f) | bits);
    }
}
