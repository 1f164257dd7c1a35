package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.cpu.system.CpuFeature;
import org.vtsim.cpu.system.CpuidModel;
import org.vtsim.vmx.controls.PrimaryProcessorBasedControls;
import org.vtsim.vmx.controls.SecondaryProcessorBasedControls;
import org.vtsim.vmx.exit.InstructionInformation;

/**
 * The exits of RDPMC (15), MWAIT (36), MONITOR (39), XSETBV (55), RDRAND (57) and RDSEED (61) from real x86
 * code (GNU as --64) in VMX non-root operation (SDM Vol. 3C 25.1.2, 25.1.3): reason, qualification, instruction
 * length and information, RIP of the instruction; the exceptions with priority over them (25.1.1); and what
 * the instructions do when they do not exit.
 */
class UndecodedInstructionExitsTest {
    static final CpuidModel ALL = CpuidModel.skylake().with(CpuFeature.MONITOR, CpuFeature.RDRAND, CpuFeature.RDSEED,
            CpuFeature.XSAVE);

    private static VmxMachine launched(String guest, CpuidModel model) {
        VmxMachine m = new VmxMachine("f4", model);
        m.enterRootWithVmcs(guest);
        m.cpu.setStopAtVmExit(true);
        return m;
    }

    private static void exit(VmxMachine m, boolean launch, ExitReason reason, long rip, int length) {
        assertEquals(VmxResult.VM_ENTERED, launch ? m.vmx.vmlaunch() : m.vmx.vmresume());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(20), m.cpu.stopDetail());
        assertEquals(reason.number, m.r(EXIT_REASON), "exit reason");
        assertEquals(rip, m.r(GUEST_RIP), "the instruction's RIP (fault-like, SDM 27.3.3)");
        assertEquals(length, m.r(VM_EXIT_INSTRUCTION_LENGTH), "instruction length");
    }

    private static void skip(VmxMachine m) {
        m.w(GUEST_RIP, m.r(GUEST_RIP) + m.r(VM_EXIT_INSTRUCTION_LENGTH));
    }

    @Test
    void rdpmcExitsWithRdpmcExitingAndIsUnsupportedWithout() {
        VmxMachine m = launched("0f33 0f33".replace(" ", ""), ALL);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.RDPMC_EXITING);
        exit(m, true, ExitReason.RDPMC, VmxMachine.GUEST_CODE, 2);
        assertEquals(0, m.r(EXIT_QUALIFICATION));
        skip(m);
        m.w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                m.r(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & ~PrimaryProcessorBasedControls.RDPMC_EXITING);
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmresume());
        assertEquals(StopReason.UNSUPPORTED, m.cpu.run(20));
        assertTrue(m.cpu.stopDetail().startsWith("unsupported: RDPMC"), m.cpu.stopDetail());
    }

    @Test
    void monitorAndMwaitExitAndTheMwaitQualificationSaysWhetherTheMonitorIsArmed() {
        // monitor; mwait; cpuid; mwait — RAX = a mapped address, ECX = EDX = 0.
        VmxMachine m = launched("0f01c8 0f01c9 0fa2 0f01c9".replace(" ", ""), ALL);
        m.s.gpr[CpuState.RAX] = 0x5000;
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.MONITOR_EXITING
                | PrimaryProcessorBasedControls.MWAIT_EXITING);
        exit(m, true, ExitReason.MONITOR, VmxMachine.GUEST_CODE, 3);
        assertEquals(0, m.r(EXIT_QUALIFICATION));

        // MONITOR again without MONITOR exiting: it arms; MWAIT exits with qualification 1 (SDM 27.2.1).
        m.w(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                m.r(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & ~PrimaryProcessorBasedControls.MONITOR_EXITING);
        exit(m, false, ExitReason.MWAIT, VmxMachine.GUEST_CODE + 3, 3);
        assertEquals(1, m.r(EXIT_QUALIFICATION), "armed");

        // Skipping that MWAIT leaves the monitor armed in the guest's eyes, but the VM exit (and the entry)
        // cleared address-range monitoring: the next MWAIT finds it disarmed.
        skip(m);
        exit(m, false, ExitReason.CPUID, VmxMachine.GUEST_CODE + 6, 2);
        skip(m);
        exit(m, false, ExitReason.MWAIT, VmxMachine.GUEST_CODE + 8, 3);
        assertEquals(0, m.r(EXIT_QUALIFICATION), "not armed");
    }

    @Test
    void undefinedOpcodeHasPriorityOverTheExit() {
        // SDM 25.1.1: #UD has priority over VM exits — without CPUID.MONITOR or RDRAND, no exit 39/36/57.
        VmxMachine m = launched("0f01c8", CpuidModel.skylake());
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, PrimaryProcessorBasedControls.MONITOR_EXITING);
        m.w(EXCEPTION_BITMAP, 1 << 6);
        exit(m, true, ExitReason.EXCEPTION_OR_NMI, VmxMachine.GUEST_CODE, 0);
        assertEquals(0x80000306L, m.r(VM_EXIT_INTERRUPTION_INFORMATION));

        // XSETBV exits unconditionally (25.1.2), but only once CR4.OSXSAVE = 1; before, #UD.
        VmxMachine x = launched("0f01d1", ALL);
        x.w(EXCEPTION_BITMAP, 1 << 6);
        exit(x, true, ExitReason.EXCEPTION_OR_NMI, VmxMachine.GUEST_CODE, 0);
        x.w(GUEST_CR4, x.r(GUEST_CR4) | CpuState.CR4_OSXSAVE);
        exit(x, false, ExitReason.XSETBV, VmxMachine.GUEST_CODE, 3);
        assertEquals(0, x.r(EXIT_QUALIFICATION));
    }

    @Test
    void rdrandAndRdseedExitWithTheirInstructionInformation() {
        // rdrand rcx; rdseed dx; rdrand r9d; hlt
        VmxMachine m = launched("480fc7f1 660fc7fa 410fc7f1 f4".replace(" ", ""), ALL);
        m.setControl(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS,
                PrimaryProcessorBasedControls.ACTIVATE_SECONDARY_CONTROLS | PrimaryProcessorBasedControls.HLT_EXITING);
        m.w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, SecondaryProcessorBasedControls.RDRAND_EXITING
                | SecondaryProcessorBasedControls.RDSEED_EXITING);
        exit(m, true, ExitReason.RDRAND, VmxMachine.GUEST_CODE, 4);
        long info = m.r(VM_EXIT_INSTRUCTION_INFORMATION);
        assertEquals(CpuState.RCX, InstructionInformation.reg1(info));
        assertEquals(InstructionInformation.OPERAND_SIZE_64, InstructionInformation.rdrandOperandSize(info));
        skip(m);
        exit(m, false, ExitReason.RDSEED, VmxMachine.GUEST_CODE + 4, 4);
        info = m.r(VM_EXIT_INSTRUCTION_INFORMATION);
        assertEquals(CpuState.RDX, InstructionInformation.reg1(info));
        assertEquals(InstructionInformation.OPERAND_SIZE_16, InstructionInformation.rdrandOperandSize(info));

        // Without "RDRAND exiting" the guest gets a value: CF = 1, and runs on to HLT.
        skip(m);
        m.w(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, SecondaryProcessorBasedControls.RDSEED_EXITING);
        m.s.gpr[9] = -1L;
        exit(m, false, ExitReason.HLT, VmxMachine.GUEST_CODE + 12, 1);
        assertEquals(0, m.s.gpr[9] >>> 32, "r9d written, zero-extended");
        assertEquals(CpuState.CF, m.r(GUEST_RFLAGS) & CpuState.CF);
    }
}
