package org.vtsim.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.ExitReason;

/**
 * The monitor's side of exits during event delivery (SDM Vol. 3C 27.2.4; 31.7.1.1): the event in the
 * IDT-vectoring information goes back in at the next entry and the guest sees it once; an exception the
 * handler raises meanwhile combines with it by SDM Vol. 3A Table 6-5, as it would natively. Guests are
 * GNU as --32 code, paging off (see {@link MonitorRig}).
 */
class EventReinjectionTest {
    static final int DONE = 0x43;

    // APIC on (SVR 0x1ff), divide by 1, one-shot LVT timer vector 0x40, count 5000; sti; hlt; cli; exit.
    static final String TIMER_THEN_EXIT = "c705f000e0feff010000c705e003e0fe0b000000c7052003e0fe40000000"
            + "c7058003e0fe88130000fbf4fab821000000e7f4";
    // inc esi; EOI; iret
    static final String IRQ_HANDLER = "46c705b000e0fe00000000cf";

    private static void assertGuestExit(MonitorRig rig, StopReason r) {
        assertEquals(StopReason.PLATFORM_STOP, r, rig.vm.vcpu().stopDetail() + "\n" + rig.vm.vcpu().report());
        assertEquals(OptionalInt.of(DONE), rig.platform.exitStatus());
    }

    @Test
    void anInterruptWhoseFrameMeetsAnUnbackedPageIsReinjectedAndDeliveredOnce() {
        // 4 KiB backing: the IDT, GDT and stack pages are first touched by the interrupt's delivery, each an EPT
        // violation during event delivery, each followed by the same interrupt injected again.
        MonitorRig rig = new MonitorRig(TIMER_THEN_EXIT).gate(0x40, MonitorRig.CODE + 0x100);
        rig.write(MonitorRig.CODE + 0x100, IRQ_HANDLER);
        rig.create(VmConfig.defaults().withHostLargePages(false));
        assertGuestExit(rig, rig.run());
        Vcpu v = rig.vm.vcpu();
        assertEquals(1, rig.cpu.state().gpr[CpuState.RSI], "the handler ran once");
        assertEquals(1, v.injectedInterrupts(), "acknowledged and injected once");
        assertTrue(v.reinjectedEvents() >= 1, "re-injected after the EPT violation(s): " + v.reinjectedEvents());
        assertEquals(0x100000 + TIMER_THEN_EXIT.length() / 2 - 8, rig.cpu.memory().read32(0x90000 - 12),
                "the frame's EIP: after the HLT, the instruction the interrupt came before");
        rig.vm.destroy();
        assertTrue(rig.exits(ExitReason.EPT_VIOLATION) >= 1 + v.reinjectedEvents());
    }

    // APIC on (SVR 0x1ff); ICR high: destination APIC ID 0; ICR low: NMI (delivery mode 4), assert; nop; exit.
    static final String SELF_NMI_THEN_EXIT = "c705f000e0feff010000c7051003e0fe00000000c7050003e0fe00440000"
            + "90b821000000e7f4";

    @Test
    void anNmiWhoseFrameMeetsAnUnbackedPageIsReinjectedAndDeliveredOnce() {
        // The guest sends itself an NMI IPI; with 4 KiB backing its delivery meets EPT violations (IDT, GDT,
        // stack), each exit records the NMI as IDT-vectoring information and the NMI is injected again, and the
        // guest's handler runs once.
        MonitorRig rig = new MonitorRig(SELF_NMI_THEN_EXIT).gate(2, MonitorRig.CODE + 0x100);
        rig.write(MonitorRig.CODE + 0x100, "46cf"); // inc esi; iret
        rig.create(VmConfig.defaults().withHostLargePages(false));
        assertGuestExit(rig, rig.run());
        assertEquals(1, rig.cpu.state().gpr[CpuState.RSI], "the NMI handler ran once");
        assertTrue(rig.vm.vcpu().reinjectedEvents() >= 1, "re-injected: " + rig.vm.vcpu().reinjectedEvents());
        rig.vm.destroy();
    }

    // mov ax,0x28; mov ds,ax (beyond the GDT limit: #GP(0x28)); mov ebx,1; exit
    static final String BAD_DS_THEN_EXIT = "66b828008ed8bb01000000b821000000e7f4";
    // mov ebx,8; exit
    static final String MARK_8_THEN_EXIT = "bb08000000b821000000e7f4";

    /** A 32-bit interrupt gate for {@code vector} whose code-segment selector 0x30 is beyond the GDT limit. */
    private static void badGate(MonitorRig rig, int vector, long handler) {
        long lo = (handler & 0xffff) | 0x30L << 16 | 0x8eL << 40 | (handler >>> 16 & 0xffff) << 48;
        rig.memory.write64(rig.hostBase + MonitorRig.IDT + 8L * vector, lo);
    }

    @Test
    void aFaultRaisedWhileAnExceptionIsDeliveredBecomesADoubleFault() {
        // #GP(0x28) exits (bitmap bit 13) and is reflected; its delivery meets a #GP on the gate's selector, which
        // exits with the first #GP as IDT-vectoring information; reflected too, the two are contributory: #DF
        // (Table 6-5), exactly what the guest gets natively.
        MonitorRig rig = new MonitorRig(BAD_DS_THEN_EXIT).gate(8, MonitorRig.CODE + 0x100);
        badGate(rig, 13, MonitorRig.CODE + 0x200);
        rig.write(MonitorRig.CODE + 0x100, MARK_8_THEN_EXIT);
        rig.create(VmConfig.defaults().withExceptionBitmap(1 << 13));
        assertGuestExit(rig, rig.run());
        assertEquals(8, rig.cpu.state().gpr[CpuState.RBX], "the #DF handler ran");
        assertEquals(0, rig.cpu.memory().read32(0x90000 - 16), "#DF pushes error code 0 below EFLAGS, CS, EIP");
        rig.vm.destroy();
        assertEquals(2, rig.exits(ExitReason.EXCEPTION_OR_NMI), "the #GP, then the #GP delivering it");
    }

    @Test
    void aFaultRaisedWhileTheDoubleFaultIsDeliveredIsATripleFault() {
        // As above with the #DF gate broken too: the #GP delivering #DF is intercepted, reflected, and meets the
        // vectored #DF: shutdown (SDM Vol. 3A 6.15, Interrupt 8).
        MonitorRig rig = new MonitorRig(BAD_DS_THEN_EXIT);
        badGate(rig, 13, MonitorRig.CODE + 0x200);
        badGate(rig, 8, MonitorRig.CODE + 0x100);
        rig.create(VmConfig.defaults().withExceptionBitmap(1 << 13));
        assertEquals(StopReason.SHUTDOWN, rig.run());
        Vcpu v = rig.vm.vcpu();
        assertTrue(v.stopDetail().startsWith("triple fault in the guest at rip 0x100004"), v.stopDetail());
        assertTrue(rig.platform.exitStatus().isEmpty(), "the guest never got past the fault");
    }

    @Test
    void anInterruptCaughtByAReflectedFaultIsNeitherLostNorAcknowledgedTwice() {
        // The timer interrupt's gate names a bad code segment: its delivery raises #GP (bitmap bit 13), which the
        // monitor reflects. The guest's #GP handler repairs the gate (selector 0x08), counts in EDI and returns;
        // the interrupt, acknowledged once, is queued again and delivered once the guest can take it.
        MonitorRig rig = new MonitorRig(TIMER_THEN_EXIT).gate(13, MonitorRig.CODE + 0x200);
        badGate(rig, 0x40, MonitorRig.CODE + 0x100);
        rig.write(MonitorRig.CODE + 0x100, IRQ_HANDLER);
        // mov word [0x2202],0x08; inc edi; add esp,4; iret
        rig.write(MonitorRig.CODE + 0x200, "66c7050222000008004783c404cf");
        rig.create(VmConfig.defaults().withExceptionBitmap(1 << 13));
        assertGuestExit(rig, rig.run());
        Vcpu v = rig.vm.vcpu();
        assertEquals(1, rig.cpu.state().gpr[CpuState.RDI], "the #GP handler ran once");
        assertEquals(1, rig.cpu.state().gpr[CpuState.RSI], "the interrupt handler ran once");
        assertEquals(1, v.injectedInterrupts(), "acknowledged once");
    }
}
