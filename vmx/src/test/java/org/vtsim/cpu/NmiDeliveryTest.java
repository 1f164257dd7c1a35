package org.vtsim.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/**
 * NMIs on a native processor (SDM Vol. 3A 6.7.1, 6.8.3, 6.9, 6.12): real x86-64 code with an IDT whose
 * vector 2 handler counts NMIs in R15; the NMI comes from the platform's NMI line (NoDevices.raiseNmi).
 */
class NmiDeliveryTest {
    static final long NMI_HANDLER = 0x11000;
    static final long GP_HANDLER = 0x12000;
    static final long IDT = 0x7000;
    static final long GDT = 0x6000;
    /** inc r15; iretq */
    static final String COUNT_AND_RETURN = "49ffc7 48cf";

    private static Rig running(String code) {
        return new Rig(code);
    }

    /** A CPU running {@code code} with a GDT, an IDT (vector 2 counting in R15, vector 13: inc r14; hlt). */
    private static final class Rig {
    private final Cpu cpu;
    private final CpuState s;
    private final TestPlatform platform;

    Rig(String code) {
        cpu = Machines.longMode(code, CostProfile.skylake());
        s = cpu.state();
        platform = (TestPlatform) cpu.platform();
        cpu.memory().write64(GDT + 8, 0x00af9b000000ffffL); // 64-bit code, DPL 0
        cpu.memory().write64(GDT + 16, 0x00cf93000000ffffL); // data
        s.gdtrBase = GDT;
        s.gdtrLimit = 0x17;
        s.idtrBase = IDT;
        s.idtrLimit = 0xfff;
        gate(2, NMI_HANDLER);
        gate(13, GP_HANDLER);
        write(NMI_HANDLER, COUNT_AND_RETURN);
        write(GP_HANDLER, "49ffc6 f4"); // inc r14; hlt
    }

    /** A 64-bit interrupt gate, DPL 0 (SDM Vol. 3A 6.14.1). */
    private void gate(int vector, long handler) {
        long lo = (handler & 0xffff) | 0x08L << 16 | 0x8eL << 40 | ((handler >>> 16) & 0xffff) << 48;
        cpu.memory().write64(IDT + 16L * vector, lo);
        cpu.memory().write64(IDT + 16L * vector + 8, handler >>> 32);
    }

    private void write(long address, String hex) {
        byte[] b = HexFormat.of().parseHex(hex.replace(" ", ""));
        cpu.memory().write(address, b, 0, b.length);
    }

    private long nmis() {
        return s.gpr[15];
    }
    }

    @Test
    void anNmiIsDeliveredThroughVector2EvenWithIfClearAndBlocksNmisUntilIret() {
        // SDM 6.7.1: "the processor blocks delivery of subsequent NMIs until the next execution of the IRET";
        // 6.8.1: "The IF flag does not affect non-maskable interrupts (NMIs)".
        Rig t = running("fa eb fe"); // cli; jmp $
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(3));
        t.platform.raiseNmi();
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1), t.cpu.stopDetail());
        assertEquals(NMI_HANDLER, t.s.rip, "vector 2");
        assertEquals(Machines.CODE + 1, t.cpu.memory().read64(Machines.STACK_TOP - 40), "return RIP: the jmp");
        assertEquals(0, t.cpu.memory().read64(Machines.STACK_TOP - 24) & CpuState.IF, "pushed RFLAGS: IF was 0");
        assertTrue(t.cpu.nmi().blocked());
        t.platform.raiseNmi();
        t.platform.raiseNmi(); // two edges while blocked: one pending NMI (one deep)
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // inc r15: the second NMI waits
        assertEquals(1, t.nmis());
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // iretq unblocks
        assertEquals(Machines.CODE + 1, t.s.rip);
        assertFalse(t.cpu.nmi().blocked());
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // the pending NMI now
        assertEquals(NMI_HANDLER, t.s.rip);
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(20));
        assertEquals(2, t.nmis(), "the two edges raised while blocked were one NMI");
        assertEquals(Machines.CODE + 1, t.s.rip);
    }

    @Test
    void anNmiIsTakenBeforeAPendingMaskableInterrupt() {
        // SDM 6.9, Table 6-2: NMI (priority 5) before maskable hardware interrupts (priority 6).
        Rig t = running("fb eb fe"); // sti; jmp $
        t.gate(0x20, GP_HANDLER);
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(2));
        t.platform.raiseNmi();
        t.platform.pendingVector = 0x20;
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1));
        assertEquals(NMI_HANDLER, t.s.rip);
        assertEquals(0x20, t.platform.pendingVector, "not acknowledged yet");
    }

    @Test
    void iretUnblocksNmisEvenWhenItFaults() {
        // SDM 6.7.1: "An execution of the IRET instruction unblocks NMIs even if the instruction causes a fault
        // ... NMIs are unmasked before the exception handler is invoked."
        Rig t = running("fa eb fe");
        // NMI handler: inc r15; mov rax, 0x8000000000000000; mov [rsp], rax; iretq (#GP(0): non-canonical RIP)
        t.write(NMI_HANDLER, "49ffc7 48b80000000000000080 48890424 48cf");
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(2));
        t.platform.raiseNmi();
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(4)); // delivery, inc, mov, mov
        t.platform.raiseNmi(); // pending behind the blocking
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // the iretq faults: #GP delivered
        assertEquals(GP_HANDLER, t.s.rip);
        assertFalse(t.cpu.nmi().blocked(), "unblocked by the IRET that faulted");
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1));
        assertEquals(NMI_HANDLER, t.s.rip, "the pending NMI comes before the #GP handler's first instruction");
        assertEquals(0, t.s.gpr[14]);
    }

    @Test
    void anNmiWakesHltWithInterruptsDisabled() {
        // SDM Vol. 2A HLT: "An enabled interrupt (including NMI and SMI) ... will resume execution".
        Rig t = running("fa f4 49ffc5 ebfe"); // cli; hlt; inc r13; jmp $
        assertEquals(StopReason.HALTED, t.cpu.run(10));
        t.platform.raiseNmi();
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(3)); // NMI, inc r15, iretq
        assertEquals(Machines.CODE + 2, t.s.rip, "returns after the HLT");
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1));
        assertEquals(1, t.s.gpr[13]);
        assertEquals(1, t.nmis());
    }

    @Test
    void movSsHoldsAnNmiOffForOneInstruction() {
        // SDM 6.8.3: after MOV SS the processor "inhibits interrupts" (maskable and NMI, Vol. 3C Table 24-3) until
        // the next instruction completes.
        Rig t = running("b810000000 8ed0 90 ebfe"); // mov eax,0x10; mov ss,ax; nop; jmp $
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(2));
        t.platform.raiseNmi();
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1)); // the nop, under the shadow
        assertEquals(Machines.CODE + 8, t.s.rip);
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(1));
        assertEquals(NMI_HANDLER, t.s.rip);
        assertEquals(Machines.CODE + 8, t.cpu.memory().read64(Machines.STACK_TOP - 40));
    }

    @Test
    void noNmiWithoutAnEdge() {
        Rig t = running("eb fe");
        assertEquals(StopReason.INSTRUCTION_LIMIT, t.cpu.run(100));
        assertEquals(0, t.nmis());
        assertFalse(t.cpu.nmiPending());
    }
}
