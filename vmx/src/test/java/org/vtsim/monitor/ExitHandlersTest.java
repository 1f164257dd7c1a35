package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.platform.devices.ApicRegisters;
import org.vtsim.vmx.ExitReason;
import org.vtsim.vmx.vmcs.VmcsField;

/** The monitor's exit handlers on small real x86 guests (GNU as --32, paging off, unrestricted guest). */
class ExitHandlersTest {
    /** 0x21 written to the isa-debug-exit port: status (0x21 << 1) | 1. */
    static final int DONE = 0x43;

    private static void assertGuestExit(MonitorRig rig, StopReason r) {
        assertEquals(StopReason.PLATFORM_STOP, r, rig.vm.vcpu().stopDetail() + "\n" + rig.vm.vcpu().report());
        assertEquals(OptionalInt.of(DONE), rig.platform.exitStatus());
    }

    @Test
    void ioGoesToTheGuestsDevicesAndVmcallIsHypercallZero() {
        // mov dx,0x3f8; mov al,'A'; out dx,al; in al,0x80; mov eax,0; vmcall; mov ebx,eax; mov eax,0x21; out 0xf4,eax
        MonitorRig rig = new MonitorRig("66baf803b041eee480b8000000000f01c189c3b821000000e7f4");
        rig.create();
        rig.cpu.state().gpr[CpuState.RBX] = 0x5555;
        assertGuestExit(rig, rig.run());
        assertEquals("A", rig.serial.toString());
        assertEquals(0, rig.cpu.state().gpr[CpuState.RBX], "VMCALL 0 returns 0 in RAX");
        rig.vm.destroy();
        assertEquals(3, rig.exits(ExitReason.IO_INSTRUCTION));
        assertEquals(1, rig.exits(ExitReason.VMCALL));
    }

    @Test
    void xapicMmioIsEmulatedThroughEptViolations() {
        // mov eax,[0xfee00030]; mov dword [0xfee00080],0x20; mov cl,[0xfee00080]; mov ebx,eax; exit
        MonitorRig rig = new MonitorRig("a13000e0fec7058000e0fe200000008a0d8000e0fe89c3b821000000e7f4");
        rig.create();
        rig.cpu.state().gpr[CpuState.RCX] = 0xffffff00L;
        assertGuestExit(rig, rig.run());
        long version = rig.platform.mmioRead(ApicRegisters.DEFAULT_BASE + ApicRegisters.VERSION, 4);
        assertEquals(version, rig.cpu.state().gpr[CpuState.RBX], "MOV load of the APIC version register");
        assertEquals(0x20, rig.platform.mmioRead(ApicRegisters.DEFAULT_BASE + ApicRegisters.TPR, 4), "MOV store");
        assertEquals(0xffffff20L, rig.cpu.state().gpr[CpuState.RCX], "byte load merges into ECX");
        rig.vm.destroy();
        assertTrue(rig.exits(ExitReason.EPT_VIOLATION) >= 3, "three MMIO accesses (plus the first code fetch)");
    }

    @Test
    void mmioByAnInstructionTheEmulatorLacksIsUnsupportedLoudly() {
        MonitorRig rig = new MonitorRig("d1258000e0fe"); // shl dword [0xfee00080],1
        rig.create();
        assertEquals(StopReason.UNSUPPORTED, rig.run());
        assertTrue(rig.vm.vcpu().stopDetail().startsWith("unsupported: emulation of shl"), rig.vm.vcpu().stopDetail());
    }

    @Test
    void hltIsWokenByTheApicTimerAndTheIdleTimeIsCountedApart() {
        // APIC on (SVR 0x1ff), divide by 1, one-shot LVT timer vector 0x40, initial count 5000; sti; hlt;
        // cli; exit. The handler at +0x100: inc esi; EOI; iret.
        MonitorRig rig = new MonitorRig("c705f000e0feff010000c705e003e0fe0b000000c7052003e0fe40000000"
                + "c7058003e0fe88130000fbf4fab821000000e7f4").gate(0x40, MonitorRig.CODE + 0x100);
        rig.write(MonitorRig.CODE + 0x100, "46c705b000e0fe00000000cf");
        rig.create();
        assertGuestExit(rig, rig.run());
        assertEquals(1, rig.cpu.state().gpr[CpuState.RSI], "the timer interrupt was delivered once");
        Vcpu v = rig.vm.vcpu();
        assertTrue(v.idleCycles() > 0, "the halted time is idle time");
        assertEquals(1, v.injectedInterrupts());
        rig.vm.destroy();
        assertEquals(1, rig.exits(ExitReason.HLT));
        assertEquals(1, rig.exits(ExitReason.EXTERNAL_INTERRUPT), "the timer interrupt exits, then is injected");
    }

    @Test
    void thePreemptionTimerEndsARunSliceWhileTheGuestIdles() {
        // As above, but divide by 128 and a count of 0x7fffffff: the guest halts for ~2^38 cycles.
        MonitorRig rig = new MonitorRig("c705f000e0feff010000c705e003e0fe0a000000c7052003e0fe40000000"
                + "c7058003e0feffffff7ffbf4fab821000000e7f4").gate(0x40, MonitorRig.CODE + 0x100);
        rig.create();
        assertEquals(StopReason.INSTRUCTION_LIMIT, rig.vm.vcpu().run(1000));
        assertEquals(1, rig.cpu.instructions(), "the MMIO stores and the HLT are completed by the monitor: only STI retires");
        assertTrue(rig.cpu.cycles() >= Vcpu.QUANTUM_CYCLES, "returned at the end of a time slice");
        rig.vm.destroy();
        assertEquals(1, rig.exits(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED));
    }

    @Test
    void hltWithInterruptsDisabledStopsAsNatively() {
        MonitorRig rig = new MonitorRig("f4"); // hlt with IF = 0
        rig.create();
        assertEquals(StopReason.HALTED, rig.run());
        assertEquals("HLT with interrupts disabled", rig.vm.vcpu().stopDetail());
    }

    @Test
    void tripleFaultIsReportedWithTheGuestState() {
        MonitorRig rig = new MonitorRig("0f0b").idtLimit(0); // ud2 with an empty IDT: #UD, #GP, #DF, shutdown
        rig.create();
        assertEquals(StopReason.SHUTDOWN, rig.run());
        Vcpu v = rig.vm.vcpu();
        assertTrue(v.stopDetail().startsWith("triple fault in the guest at rip 0x100000"), v.stopDetail());
        assertTrue(v.report().contains("guest state:") && v.report().contains("rip 0000000000100000"), v.report());
    }

    @Test
    void aFailedVmEntryIsExplainedWithTheSdmCheckAndTheVmcs() {
        MonitorRig rig = new MonitorRig("f4");
        rig.create();
        rig.vm.vcpu().write(VmcsField.GUEST_RFLAGS, 0); // bit 1 must be 1 (SDM 26.3.1.4)
        assertEquals(StopReason.INTERNAL_ERROR, rig.run());
        Vcpu v = rig.vm.vcpu();
        assertTrue(v.stopDetail().contains("VM entry failed"), v.stopDetail());
        assertTrue(v.report().contains("26.3.1.4") && v.report().contains("RFLAGS"), v.report());
        assertTrue(v.report().contains("VMCS at 0x40001000") && v.report().contains("Guest-state area"), v.report());
    }

    @Test
    void anExitWithoutAHandlerStopsWithTheVmcsDump() {
        MonitorRig rig = new MonitorRig("0f0b"); // ud2, with #UD in the exception bitmap and no handler for it
        ExitHandler[] none = new ExitHandler[80];
        rig.create(VmConfig.defaults().withExceptionBitmap(1 << 6));
        Vcpu v = new Vcpu(rig.vm, none, new org.vtsim.monitor.stats.ExitRecorder());
        assertEquals(StopReason.UNSUPPORTED, v.run(100));
        assertTrue(v.stopDetail().contains("has no handler"), v.stopDetail());
        assertTrue(v.report().contains("EXIT_REASON"), v.report());
    }
}
