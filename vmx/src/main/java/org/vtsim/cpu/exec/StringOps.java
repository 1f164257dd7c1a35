package org.vtsim.cpu.exec;

import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.CpuState;
import org.vtsim.cpu.VmxPort;
import org.vtsim.cpu.decode.Insn;

/**
 * MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS with REP/REPE/REPNE (SDM Vol. 2B "REP/REPE/REPZ/
 * REPNE/REPNZ"). The count and index registers have the address size; RSI/RDI move by the
 * operand size, down when RFLAGS.DF = 1. Registers are updated after each iteration, so a fault
 * in the middle leaves a restartable state, as on hardware.
 */
final class StringOps {
    private final Interpreter x;
    private final long[] gpr;

    StringOps(Interpreter x, CostProfile costs) {
        this.x = x;
        this.gpr = x.gpr;
    }

    void execute(Insn i) {
        int size = i.osz;
        if (x.nonRoot && (i.op == org.vtsim.cpu.decode.Op.INS || i.op == org.vtsim.cpu.decode.Op.OUTS)) {
            // I/O exiting is decided before the first iteration, after the TSS I/O-bitmap check (SDM
            // Vol. 3C 25.1.1, 25.1.3).
            x.sys.checkIoPermission((int) gpr[2] & 0xffff, size);
            int r = x.vmx.intercept(i, x.operands);
            if (r == VmxPort.EXITED) {
                x.worldSwitched();
                return;
            }
            if (r == VmxPort.COMPLETED) {
                return;
            }
        }
        long delta = (x.state.systemFlags() & CpuState.DF) != 0 ? -size : size;
        if (i.rep == Insn.REP_NONE) {
            once(i, size, delta);
            return;
        }
        int asz = i.asz;
        boolean compares = i.op == org.vtsim.cpu.decode.Op.CMPS || i.op == org.vtsim.cpu.decode.Op.SCAS;
        long count = x.getReg(1, asz);
        if (count == 0 && asz == 4) {
            zeroIterationsAddr32(i.op);
            return;
        }
        while (count != 0) {
            once(i, size, delta);
            count = Interpreter.maskAddr(count - 1, asz);
            x.setReg(1, asz, count);
            x.counters.cycles += x.stringIterationCost;
            if (compares && x.flags.zf() != (i.rep == Insn.REP_E)) {
                break;
            }
        }
    }

    /**
     * A REP string instruction with a 32-bit address size (67 prefix in 64-bit mode) and ECX = 0
     * performs no iteration, yet writes RCX and the index registers it uses as 32-bit registers,
     * clearing their upper halves. The SDM does not spell this out (Vol. 2B REP says only that no
     * iteration runs); this is the behaviour the host CPU shows (conformance differential, family
     * STRING_ADDR32), consistent with the count and index being ECX/ESI/EDI (SDM Vol. 1 3.3.7).
     */
    private void zeroIterationsAddr32(org.vtsim.cpu.decode.Op op) {
        gpr[1] &= 0xffffffffL;
        switch (op) {
            case MOVS -> {
                gpr[6] &= 0xffffffffL;
                gpr[7] &= 0xffffffffL;
            }
            case STOS -> gpr[7] &= 0xffffffffL;
            default -> {
                // LODS, SCAS and CMPS keep the upper halves of their index registers on the host;
                // INS/OUTS are not observable from user mode there and are treated the same way.
            }
        }
    }

    private void once(Insn i, int size, long delta) {
        int asz = i.asz;
        switch (i.op) {
            case MOVS -> {
                long v = x.mem.read(i.seg, x.getReg(6, asz), size);
                x.mem.write(CpuState.ES, x.getReg(7, asz), size, v);
                x.setReg(6, asz, gpr[6] + delta);
                x.setReg(7, asz, gpr[7] + delta);
            }
            case STOS -> {
                x.mem.write(CpuState.ES, x.getReg(7, asz), size, gpr[0]);
                x.setReg(7, asz, gpr[7] + delta);
            }
            case LODS -> {
                x.setReg(0, size, x.mem.read(i.seg, x.getReg(6, asz), size));
                x.setReg(6, asz, gpr[6] + delta);
            }
            case CMPS -> {
                long a = x.mem.read(i.seg, x.getReg(6, asz), size);
                long b = x.mem.read(CpuState.ES, x.getReg(7, asz), size);
                Alu.alu(x.flags, 7, size, a, b);
                x.setReg(6, asz, gpr[6] + delta);
                x.setReg(7, asz, gpr[7] + delta);
            }
            case SCAS -> {
                long b = x.mem.read(CpuState.ES, x.getReg(7, asz), size);
                Alu.alu(x.flags, 7, size, x.getReg(0, size), b);
                x.setReg(7, asz, gpr[7] + delta);
            }
            case INS -> {
                int port = (int) gpr[2] & 0xffff;
                x.sys.checkIoPermission(port, size);
                long lin = x.mem.linear(CpuState.ES, x.getReg(7, asz), size, true);
                long v = x.sys.portRead(port, size);
                x.mem.writeLinear(lin, size, v, false);
                x.setReg(7, asz, gpr[7] + delta);
            }
            default -> { // OUTS
                int port = (int) gpr[2] & 0xffff;
                x.sys.checkIoPermission(port, size);
                long v = x.mem.read(i.seg, x.getReg(6, asz), size);
                x.sys.portWrite(port, size, v);
                x.setReg(6, asz, gpr[6] + delta);
            }
        }
    }
}
