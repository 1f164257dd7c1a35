package org.vtsim.cpu.exec;

import org.vtsim.cost.CostProfile;
import org.vtsim.cpu.CpuState;
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
        long delta = (x.state.systemFlags() & CpuState.DF) != 0 ? -size : size;
        if (i.rep == Insn.REP_NONE) {
            once(i, size, delta);
            return;
        }
        int asz = i.asz;
        boolean compares = i.op == org.vtsim.cpu.decode.Op.CMPS || i.op == org.vtsim.cpu.decode.Op.SCAS;
        long count = x.getReg(1, asz);
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
