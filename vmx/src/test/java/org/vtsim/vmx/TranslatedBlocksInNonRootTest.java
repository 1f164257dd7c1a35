package org.vtsim.vmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.vtsim.vmx.vmcs.VmcsField.EXIT_REASON;
import static org.vtsim.vmx.vmcs.VmcsField.GUEST_RIP;
import static org.vtsim.vmx.vmcs.VmcsField.PIN_BASED_VM_EXECUTION_CONTROLS;
import static org.vtsim.vmx.vmcs.VmcsField.PRIMARY_VM_EXIT_CONTROLS;
import static org.vtsim.vmx.vmcs.VmcsField.VMX_PREEMPTION_TIMER_VALUE;

import org.junit.jupiter.api.Test;
import org.vtsim.cpu.StopReason;
import org.vtsim.vmx.controls.PinBasedControls;
import org.vtsim.vmx.controls.VmExitControls;

/**
 * Translated blocks in VMX non-root operation: the VMX-preemption timer must expire at the same
 * instruction boundary (SDM Vol. 3C 25.5.1: the exit happens at the boundary where the timer reaches
 * zero) whether the guest's loop runs in translated blocks or in the interpreter, with the same guest
 * RIP, registers, memory effects, cycles and instruction count.
 */
class TranslatedBlocksInNonRootTest {
    // loop: mov rax,[rbx+rsi*8]; add rcx,rax; imul rdx,rcx; mov [rbx+rsi*8+8],rdx;
    //       add rsi,rdi; and rsi,r8; jmp loop
    private static final String LOOP = "488b04f3 4801c1 480fafd1 488954f308 4801fe 4c21c6 ebe8";

    private static String run(int timer, long stride, boolean translate) {
        VmxMachine m = new VmxMachine("f4");
        if (translate) {
            m.cpu.setBlockTranslation(1);
        } else {
            m.cpu.setBlockTranslation(false);
        }
        m.enterRootWithVmcs(LOOP);
        m.cpu.setStopAtVmExit(true);
        m.setControl(PIN_BASED_VM_EXECUTION_CONTROLS, PinBasedControls.ACTIVATE_VMX_PREEMPTION_TIMER);
        m.setControl(PRIMARY_VM_EXIT_CONTROLS, VmExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE);
        m.w(VMX_PREEMPTION_TIMER_VALUE, timer);
        long[] g = m.s.gpr;
        g[3] = 0x10_0000; // rbx: data
        g[7] = stride; // rdi
        g[8] = (0x1_0000 / 8 - 1) & ~1L; // r8: keeps the index within 64 KiB, even
        g[1] = 1;
        g[2] = 3;
        assertEquals(VmxResult.VM_ENTERED, m.vmx.vmlaunch());
        assertEquals(StopReason.VM_EXIT, m.cpu.run(10_000_000), m.cpu.stopDetail());
        assertEquals(ExitReason.VMX_PREEMPTION_TIMER_EXPIRED.number, m.r(EXIT_REASON));
        assertTrue(!translate || m.cpu.blockInstructions() > 0, "no translated block ran");
        return "cycles=" + m.cpu.cycles() + " instructions=" + m.cpu.instructions() + " rip="
                + Long.toHexString(m.r(GUEST_RIP)) + " rax=" + Long.toHexString(g[0]) + " rcx=" + Long.toHexString(g[1])
                + " rdx=" + Long.toHexString(g[2]) + " rsi=" + Long.toHexString(g[6]) + " timer="
                + m.r(VMX_PREEMPTION_TIMER_VALUE) + " memory=" + m.cpu.memory().read64(0x10_0000 + 8 * (g[6] & ~1L));
    }

    @Test
    void thePreemptionTimerExpiresAtTheSameBoundaryInTranslatedBlocks() {
        qt().withExamples(40).forAll(integers().between(8, 3000), longs().between(1, 1 << 12))
                .checkAssert((timer, stride) -> assertEquals(run(timer, stride, false), run(timer, stride, true),
                        "timer " + timer + ", stride " + stride));
    }
}
