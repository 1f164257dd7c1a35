package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.Cpu;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.Machines;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.Vectors;
import org.vtsim.vmx.vmcs.Vmcs;
import org.vtsim.vmx.vmcs.VmcsField;

/** The VMX instructions' outcomes, SDM Vol. 3C ch. 31 (Java API and x86 code). */
class VmxInstructionsTest {
    private static final long STATUS = CpuState.CF | CpuState.PF | CpuState.AF | CpuState.ZF | CpuState.SF
            | CpuState.OF;

    private static long status(VmxMachine m) {
        return m.s.getRflags() & STATUS;
    }

    private static int ud(Runnable r) {
        return assertThrows(CpuFault.class, r::run).vector;
    }

    @Test
    void vmxonPreconditions() {
        VmxMachine m = new VmxMachine("f4");
        m.s.cr4 &= ~CpuState.CR4_VMXE;
        assertEquals(Vectors.UD, ud(() -> m.vmx.vmxon(VmxMachine.VMXON_REGION)));
        m.s.cr4 |= CpuState.CR4_VMXE;
        m.s.cr0 &= ~CpuState.CR0_NE; // CR0 not allowed in VMX operation (IA32_VMX_CR0_FIXED0)
        assertEquals(Vectors.GP, ud(() -> m.vmx.vmxon(VmxMachine.VMXON_REGION)));
        m.s.cr0 |= CpuState.CR0_NE;
        m.s.cpl = 3;
        assertEquals(Vectors.GP, ud(() -> m.vmx.vmxon(VmxMachine.VMXON_REGION)));
        m.s.cpl = 0;
        // Compatibility mode: #UD.
        m.s.seg[CpuState.CS].attributes &= ~org.vtsim.cpu.Segment.ATTR_L;
        assertEquals(Vectors.UD, ud(() -> m.vmx.vmxon(VmxMachine.VMXON_REGION)));
        m.s.seg[CpuState.CS].attributes |= org.vtsim.cpu.Segment.ATTR_L;
        // Not 4-KiB aligned, beyond MAXPHYADDR, wrong revision: VMfailInvalid.
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmxon(VmxMachine.VMXON_REGION + 8));
        assertEquals(CpuState.CF, status(m));
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmxon(1L << m.vmx.capabilities().maxPhysAddr));
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmxon(VmxMachine.VMCS_REGION + 0x1000));
        assertFalse(m.vmx.inVmxOperation());
        assertEquals(VmxResult.SUCCEED, m.vmx.vmxon(VmxMachine.VMXON_REGION));
        assertEquals(0, status(m));
        assertTrue(m.vmx.inVmxOperation());
        // Again in root operation: VMfail(15) without a current VMCS is VMfailInvalid.
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmxon(VmxMachine.VMXON_REGION));
        // CR4.VMXE cannot be cleared in VMX operation (fixed bits, SDM 23.8).
        assertEquals(VmxResult.SUCCEED, m.vmx.vmxoff());
        assertEquals(Vectors.UD, ud(m.vmx::vmxoff));
    }

    @Test
    void vmxonNeedsFeatureControlLockedWithVmxOutsideSmx() {
        Cpu cpu = Machines.longMode("f4", CostProfile.zero());
        Vmx vmx = Vmx.attach(cpu, VmxCapabilities.skylake(cpu.cpuidModel()));
        cpu.state().cr0 |= CpuState.CR0_NE;
        cpu.state().cr4 |= CpuState.CR4_VMXE;
        cpu.memory().write32(0x40000, VmxCapabilities.VMCS_REVISION);
        assertEquals(Vectors.GP, ud(() -> vmx.vmxon(0x40000)));
        cpu.writeMsr(VmxCapabilities.IA32_FEATURE_CONTROL, 4); // VMX outside SMX, not locked
        assertEquals(Vectors.GP, ud(() -> vmx.vmxon(0x40000)));
    }

    @Test
    void vmclearVmptrldErrors() {
        VmxMachine m = new VmxMachine("f4");
        m.vmx.vmxon(VmxMachine.VMXON_REGION);
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmclear(VmxMachine.VMCS_REGION + 1));
        assertEquals(VmxResult.SUCCEED, m.vmx.vmptrld(VmxMachine.VMCS_REGION));
        assertEquals(VmxMachine.VMCS_REGION, m.vmx.vmptrst());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmclear(VmxMachine.VMCS_REGION + 1));
        assertEquals(CpuState.ZF, status(m));
        assertEquals(2, m.vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmclear(VmxMachine.VMXON_REGION));
        assertEquals(3, m.vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmptrld(1L << 50));
        assertEquals(9, m.vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmptrld(VmxMachine.VMXON_REGION));
        assertEquals(10, m.vmx.instructionError());
        m.cpu.memory().write32(0x50000, VmxCapabilities.VMCS_REVISION | 1 << 31); // shadow-VMCS indicator
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmptrld(0x50000));
        assertEquals(11, m.vmx.instructionError());
        // VMCLEAR of the current VMCS: written back, launch state clear, no current VMCS.
        m.w(VmcsField.GUEST_RIP, 0x1234);
        assertEquals(VmxResult.SUCCEED, m.vmx.vmclear(VmxMachine.VMCS_REGION));
        assertEquals(Vmx.INVALID_POINTER, m.vmx.vmptrst());
        assertEquals(0x1234, Vmcs.load(m.cpu.memory(), VmxMachine.VMCS_REGION).get(VmcsField.GUEST_RIP));
        assertEquals(0, m.vmx.vmread(VmcsField.GUEST_RIP.encoding));
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.lastResult());
        assertEquals(VmxResult.SUCCEED, m.vmx.vmptrld(VmxMachine.VMCS_REGION));
        assertEquals(0x1234, m.vmx.vmread(VmcsField.GUEST_RIP.encoding));
    }

    @Test
    void vmreadVmwriteComponents() {
        VmxMachine m = new VmxMachine("f4");
        m.enterRootWithVmcs("f4");
        // An encoding that names no field, a field the model lacks (PML address): error 12; the EPT
        // pointer exists now that EPT is advertised.
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmwrite(0x6fff & ~1, 1));
        assertEquals(12, m.vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmwrite(VmcsField.PML_ADDRESS.encoding, 1));
        assertEquals(12, m.vmx.instructionError());
        assertEquals(VmxResult.SUCCEED, m.vmx.vmwrite(VmcsField.EPT_POINTER.encoding, 0x501e));
        m.vmx.vmread(1L << 32 | VmcsField.GUEST_RIP.encoding);
        assertEquals(VmxResult.FAIL_VALID, m.vmx.lastResult());
        // Read-only field: VMWRITE to any field is advertised (IA32_VMX_MISC bit 29), so it succeeds.
        assertTrue(m.vmx.capabilities().vmwriteAnyField());
        assertEquals(VmxResult.SUCCEED, m.vmx.vmwrite(VmcsField.EXIT_QUALIFICATION.encoding, 7));
        // Widths: 16-bit field truncates; HIGH access of a 64-bit field is bits 63:32.
        m.vmx.vmwrite(VmcsField.GUEST_ES_SELECTOR.encoding, 0x12345);
        assertEquals(0x2345, m.vmx.vmread(VmcsField.GUEST_ES_SELECTOR.encoding));
        m.vmx.vmwrite(VmcsField.TSC_OFFSET.encoding, 0x1111222233334444L);
        assertEquals(0x11112222L, m.vmx.vmread(VmcsField.TSC_OFFSET.encoding | 1));
        m.vmx.vmwrite(VmcsField.TSC_OFFSET.encoding | 1, 0xabcdL);
        assertEquals(0x0000abcd33334444L, m.vmx.vmread(VmcsField.TSC_OFFSET.encoding));
        assertEquals(0, status(m));
    }

    @Test
    void vmlaunchVmresumeInstructionChecks() {
        VmxMachine m = new VmxMachine("f4");
        m.vmx.vmxon(VmxMachine.VMXON_REGION);
        assertEquals(VmxResult.FAIL_INVALID, m.vmx.vmlaunch());
        m.vmx.vmclear(VmxMachine.VMCS_REGION);
        m.vmx.vmptrld(VmxMachine.VMCS_REGION);
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmresume());
        assertEquals(5, m.vmx.instructionError());
        m.vmx.currentVmcs().setLaunched(true);
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmlaunch());
        assertEquals(4, m.vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, m.vmx.vmcall());
        assertEquals(1, m.vmx.instructionError());
        assertEquals(Vectors.UD, ud(m.vmx::vmfunc));
    }

    @Test
    void inveptInvvpidAreUndefinedWithoutEptAndVpid() {
        Cpu cpu = Machines.longMode("f4", CostProfile.zero());
        Vmx vmx = Vmx.attach(cpu, VmxCapabilities.of(cpu.cpuidModel(), false, false));
        cpu.state().cr0 |= CpuState.CR0_NE;
        cpu.state().cr4 |= CpuState.CR4_VMXE;
        cpu.writeMsr(VmxCapabilities.IA32_FEATURE_CONTROL, 5);
        cpu.memory().write32(0x40000, VmxCapabilities.VMCS_REVISION);
        assertEquals(VmxResult.SUCCEED, vmx.vmxon(0x40000));
        assertEquals(Vectors.UD, ud(() -> vmx.invept(1, 0, 0)));
        assertEquals(Vectors.UD, ud(() -> vmx.invvpid(1, 1, 0)));
    }

    @Test
    void inveptInvvpidOperandsWhenAdvertised() {
        Cpu cpu = Machines.longMode("f4", CostProfile.zero());
        Vmx vmx = Vmx.attach(cpu, VmxCapabilities.of(cpu.cpuidModel().with(), true, true));
        cpu.state().cr0 |= CpuState.CR0_NE;
        cpu.state().cr4 |= CpuState.CR4_VMXE;
        cpu.writeMsr(VmxCapabilities.IA32_FEATURE_CONTROL, 5);
        cpu.memory().write32(0x40000, VmxCapabilities.VMCS_REVISION);
        cpu.memory().write32(0x41000, VmxCapabilities.VMCS_REVISION);
        vmx.vmxon(0x40000);
        vmx.vmptrld(0x41000);
        assertEquals(VmxResult.SUCCEED, vmx.invept(2, 0, 0));
        assertEquals(VmxResult.FAIL_VALID, vmx.invept(3, 0, 0));
        assertEquals(28, vmx.instructionError());
        assertEquals(VmxResult.FAIL_VALID, vmx.invvpid(1, 0, 0)); // VPID 0
        assertEquals(VmxResult.FAIL_VALID, vmx.invvpid(0, 1, 1L << 60)); // non-canonical
        assertEquals(VmxResult.FAIL_VALID, vmx.invvpid(2, 1L << 16, 0)); // reserved bits
        assertEquals(VmxResult.SUCCEED, vmx.invvpid(0, 1, 0x1000));
        assertEquals(VmxResult.SUCCEED, vmx.invvpid(2, 0, 0));
    }

    @Test
    void cpuidCr4AndCapabilityMsrsFollowAttachment() {
        // cpuid (eax = 1), then rdmsr 0x480 (IA32_VMX_BASIC), hlt:
        // mov eax,1; cpuid; mov ecx,0x480; rdmsr; hlt
        String code = "b8010000000fa2b9800400000f3200f4".replace("0f3200f4", "0f32f4");
        Cpu plain = Machines.longMode(code, CostProfile.zero());
        plain.state().gdtrBase = 0;
        plain.run(2);
        assertEquals(0, plain.state().gpr[CpuState.RCX] >>> 5 & 1);
        VmxMachine m = new VmxMachine(code);
        m.cpu.run(2);
        assertEquals(1, m.s.gpr[CpuState.RCX] >>> 5 & 1);
        assertEquals(StopReason.HALTED, m.cpu.run(10));
        long basic = m.vmx.capabilities().basic;
        assertEquals(basic & 0xffffffffL, m.s.gpr[CpuState.RAX]);
        assertEquals(basic >>> 32, m.s.gpr[CpuState.RDX]);
        assertEquals(Vectors.GP, ud(() -> m.cpu.writeMsr(VmxCapabilities.IA32_VMX_BASIC, 0)));
    }

    // vmxon [rax]; vmclear [rbx]; vmptrld [rbx]; vmptrst [rcx]; mov edx,0x4402; vmread rsi,rdx;
    // vmlaunch; hlt   (GNU as --64)
    static final String ROOT = "f30fc730 660fc733 0fc733 0fc739 ba02440000 0f78d6 0f01c2 f4";

    @Test
    void x86RootCodeReachesTheSameInstructions() {
        VmxMachine m = new VmxMachine(ROOT);
        m.s.gpr[CpuState.RAX] = 0x60000;
        m.s.gpr[CpuState.RBX] = 0x60008;
        m.s.gpr[CpuState.RCX] = 0x60010;
        m.cpu.memory().write64(0x60000, VmxMachine.VMXON_REGION);
        m.cpu.memory().write64(0x60008, VmxMachine.VMCS_REGION);
        m.cpu.memory().write64(0x60010, 0);
        assertEquals(StopReason.INSTRUCTION_LIMIT, m.cpu.run(6), m.cpu.stopDetail());
        assertTrue(m.vmx.inVmxOperation());
        assertEquals(VmxMachine.VMCS_REGION, m.cpu.memory().read64(0x60010));
        assertEquals(0, m.s.gpr[CpuState.RSI]); // exit reason of a fresh VMCS
        assertEquals(0, status(m));
        // VMLAUNCH of an empty VMCS: its control fields break 26.2.1 (default-1 bits clear): VMfailValid(7).
        assertEquals(StopReason.INSTRUCTION_LIMIT, m.cpu.run(1), m.cpu.stopDetail());
        assertEquals(CpuState.ZF, status(m));
        assertEquals(7, m.vmx.instructionError());
        assertEquals(Machines.CODE + 0x19, m.s.rip);
    }

    @Test
    void vmxInstructionsWithoutVmxAreUd() {
        // vmxon [rax] on a CPU without VMX: #UD through the IDT (no IDT here: triple fault -> shutdown).
        Cpu cpu = Machines.longMode("f30fc730", CostProfile.zero());
        assertEquals(StopReason.SHUTDOWN, cpu.run(5));
        assertTrue(cpu.stopDetail().contains("#UD"), cpu.stopDetail());
    }
    @Test
    void crFixedBitsHoldInVmxOperation() {
        // mov rax,cr4; btr rax,13; mov cr4,rax: clearing CR4.VMXE in VMX operation is #GP(0) (SDM 23.8);
        // outside VMX operation it is allowed.
        String code = "0f20e0 480fbaf00d 0f22e0";
        VmxMachine outside = new VmxMachine(code);
        assertEquals(StopReason.INSTRUCTION_LIMIT, outside.cpu.run(3), outside.cpu.stopDetail());
        assertEquals(0, outside.s.cr4 & CpuState.CR4_VMXE);
        VmxMachine inside = new VmxMachine(code);
        inside.vmx.vmxon(VmxMachine.VMXON_REGION);
        assertEquals(StopReason.SHUTDOWN, inside.cpu.run(3)); // #GP with no IDT: triple fault
        assertTrue(inside.cpu.stopDetail().contains("#GP(0x0)"), inside.cpu.stopDetail());
        assertEquals(CpuState.CR4_VMXE, inside.s.cr4 & CpuState.CR4_VMXE);
    }
}
