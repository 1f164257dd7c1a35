package org.vtsim.platform.devices;

import org.vtsim.platform.IrqLine;

/**
 * The PC's cascaded 8259A pair: the master at ports 0x20/0x21 takes IRQ0-7, the slave at
 * 0xa0/0xa1 takes IRQ8-15 and drives the master's IR2 (8259A datasheet, "Cascading").
 */
public final class DualPic8259 {
    public static final int MASTER_PORT = 0x20;
    public static final int SLAVE_PORT = 0xa0;
    /** The master input the slave's INT output is wired to. */
    public static final int CASCADE_IRQ = 2;

    private final Pic8259 master;
    private final Pic8259 slave;
    private boolean slaveOutput;

    public DualPic8259() {
        master = new Pic8259("master 8259A", () -> { });
        slave = new Pic8259("slave 8259A", this::slaveChanged);
    }

    public Pic8259 master() {
        return master;
    }

    public Pic8259 slave() {
        return slave;
    }

    private void slaveChanged() {
        boolean out = slave.pendingIrq() >= 0;
        if (out != slaveOutput) {
            slaveOutput = out;
            master.setInput(CASCADE_IRQ, out);
        }
    }

    /** The wire for ISA interrupt {@code irq} (0-15 except the cascade input 2). */
    public IrqLine irqLine(int irq) {
        if (irq < 0 || irq > 15 || irq == CASCADE_IRQ) {
            throw new IllegalArgumentException("no ISA IRQ line " + irq);
        }
        return irq < 8 ? high -> master.setInput(irq, high) : high -> slave.setInput(irq - 8, high);
    }

    /** The master's INT output. */
    public boolean intr() {
        slaveChanged();
        return master.pendingIrq() >= 0;
    }

    /**
     * The INTA sequence: the vector of the highest-priority request, now in service. With no
     * request left (it was masked after INT rose), the datasheet's spurious IR7 of the chip that
     * was asked: master base + 7, or slave base + 7 with the master's IR2 in service.
     */
    public int acknowledge() {
        slaveChanged();
        int irq = master.pendingIrq();
        if (irq < 0) {
            return master.vectorBase() + Pic8259.SPURIOUS_IRQ;
        }
        int vector;
        if (irq == CASCADE_IRQ) {
            int irq2 = slave.pendingIrq();
            if (irq2 >= 0) {
                slave.acknowledge(irq2);
                vector = slave.vectorBase() + irq2;
            } else {
                vector = slave.vectorBase() + Pic8259.SPURIOUS_IRQ;
            }
        } else {
            vector = master.vectorBase() + irq;
        }
        master.acknowledge(irq);
        slaveChanged();
        return vector;
    }
}
