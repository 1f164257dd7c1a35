package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Facts of the 8259A datasheet, with the PC's cascade (slave on master IR2). */
class Pic8259Test {
    DualPic8259 pic;
    Pic8259 m;
    Pic8259 s;

    /** The initialisation every PC kernel does: ICW1 edge+ICW4, bases 0x20/0x28, cascade, 8086. */
    static void initPc(Pic8259 master, Pic8259 slave, int icw4) {
        master.write(0, 0x11);
        master.write(1, 0x20);
        master.write(1, 0x04);
        master.write(1, icw4);
        slave.write(0, 0x11);
        slave.write(1, 0x28);
        slave.write(1, 0x02);
        slave.write(1, icw4);
    }

    @BeforeEach
    void setUp() {
        pic = new DualPic8259();
        m = pic.master();
        s = pic.slave();
        initPc(m, s, 0x01);
    }

    @Test
    void icw1ClearsImrAndIcw2SetsTheVectorBase() {
        m.write(1, 0xff);
        initPc(m, s, 0x01);
        assertEquals(0, m.imr());
        assertEquals(0x20, m.vectorBase());
        pic.irqLine(1).pulse();
        assertTrue(pic.intr());
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void edgeTriggeredRequestIsLatchedInIrrAndMovesToIsrOnInta() {
        pic.irqLine(3).setLevel(true);
        pic.irqLine(3).setLevel(false); // latched even though the line dropped (edge sense)
        m.write(0, 0x0a); // OCW3: read IRR
        assertEquals(0x08, m.read(0));
        assertEquals(0x23, pic.acknowledge());
        assertEquals(0x00, m.read(0));
        m.write(0, 0x0b); // OCW3: read ISR
        assertEquals(0x08, m.read(0));
        assertFalse(pic.intr(), "IR3 in service blocks itself");
    }

    @Test
    void aLineHeldHighRequestsOnlyOnce() {
        pic.irqLine(5).setLevel(true);
        pic.acknowledge();
        m.write(0, 0x20);
        pic.irqLine(5).setLevel(true);
        assertFalse(pic.intr(), "no new low-to-high transition");
    }

    @Test
    void fullyNestedModeLetsHigherPriorityInterruptNestButNotLower() {
        pic.irqLine(3).pulse();
        assertEquals(0x23, pic.acknowledge());
        pic.irqLine(4).pulse();
        assertFalse(pic.intr(), "IR4 has lower priority than IR3 in service");
        pic.irqLine(1).pulse();
        assertTrue(pic.intr());
        assertEquals(0x21, pic.acknowledge());
        m.write(0, 0x20); // non-specific EOI clears the highest-priority ISR bit: IR1
        m.write(0, 0x0b);
        assertEquals(0x08, m.read(0));
        m.write(0, 0x20);
        assertEquals(0x24, pic.acknowledge());
    }

    @Test
    void specificEoiClearsTheNamedLevel() {
        pic.irqLine(3).pulse();
        pic.acknowledge();
        pic.irqLine(1).pulse();
        pic.acknowledge();
        m.write(0, 0x63); // OCW2 specific EOI, level 3
        m.write(0, 0x0b);
        assertEquals(0x02, m.read(0));
    }

    @Test
    void imrMasksARequestWithoutLosingIt() {
        m.write(1, 0x01);
        pic.irqLine(0).pulse();
        assertFalse(pic.intr());
        m.write(1, 0x00);
        assertTrue(pic.intr());
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void slaveRequestsCascadeThroughMasterIr2() {
        pic.irqLine(12).pulse();
        assertTrue(pic.intr());
        assertEquals(0x2c, pic.acknowledge());
        m.write(0, 0x0b);
        s.write(0, 0x0b);
        assertEquals(0x04, m.read(0), "master IR2 in service");
        assertEquals(0x10, s.read(0), "slave IR4 in service");
        pic.irqLine(9).pulse();
        assertFalse(pic.intr(), "slave IR1 waits for the EOIs");
        s.write(0, 0x20);
        m.write(0, 0x20);
        assertEquals(0x29, pic.acknowledge());
    }

    @Test
    void autoEoiLeavesNothingInService() {
        initPc(m, s, 0x03); // ICW4: 8086 mode + AEOI
        pic.irqLine(0).pulse();
        assertEquals(0x20, pic.acknowledge());
        m.write(0, 0x0b);
        assertEquals(0, m.read(0));
        pic.irqLine(0).pulse();
        assertTrue(pic.intr());
    }

    @Test
    void spuriousInterruptIsIr7OfTheMasterOrIr15WithMasterIr2InService() {
        // "If the IR input goes away before INTA, the 8259A issues an IR7" (datasheet).
        assertEquals(0x27, pic.acknowledge());
        m.write(0, 0x0b);
        assertEquals(0, m.read(0), "a spurious IR7 sets no ISR bit");
        // A slave request masked between INT and INTA: the slave answers IR7, i.e. vector 0x2f.
        pic.irqLine(10).pulse();
        assertTrue(pic.intr());
        s.write(1, 0xff);
        m.write(1, 0x00);
        // The master still has IR2 latched from the slave's output.
        assertEquals(0x2f, pic.acknowledge());
        m.write(0, 0x0b);
        assertEquals(0x04, m.read(0));
    }

    @Test
    void rotationOnNonSpecificEoiMakesTheServicedLevelLowest() {
        pic.irqLine(0).pulse();
        pic.acknowledge();
        m.write(0, 0xa0); // rotate on non-specific EOI: IR0 becomes lowest, IR1 highest
        pic.irqLine(0).pulse();
        pic.irqLine(1).pulse();
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void pollCommandReturnsTheHighestRequestAndAcknowledgesIt() {
        pic.irqLine(6).pulse();
        m.write(0, 0x0c); // OCW3 with P
        assertEquals(0x86, m.read(0));
        m.write(0, 0x0b);
        assertEquals(0x40, m.read(0));
    }

    @Test
    void levelTriggeredModeFollowsTheInputAndRequestsAgainWhileItStaysHigh() {
        m.write(0, 0x19); // ICW1: LTIM, ICW4 needed
        m.write(1, 0x20);
        m.write(1, 0x04);
        m.write(1, 0x01);
        assertTrue(m.levelTriggered());
        pic.irqLine(3).setLevel(true);
        pic.irqLine(3).setLevel(false);
        assertFalse(pic.intr(), "a level request withdrawn before INTA is gone (no edge latch)");
        assertEquals(0x27, pic.acknowledge(), "an INTA then finds nothing: the spurious IR7");
        m.write(0, 0x67); // specific EOI for IR7 (the spurious one set no ISR bit; harmless)
        pic.irqLine(4).setLevel(true);
        assertEquals(0x24, pic.acknowledge());
        assertFalse(pic.intr(), "IR4 in service blocks itself");
        m.write(0, 0x20); // EOI with the line still high: a second interrupt (datasheet's warning)
        assertTrue(pic.intr());
        assertEquals(0x24, pic.acknowledge());
        pic.irqLine(4).setLevel(false);
        m.write(0, 0x20);
        assertFalse(pic.intr(), "the line went low before the EOI: no further request");
    }

    @Test
    void specialFullyNestedModeLetsTheSlaveInterruptDuringItsOwnService() {
        initPc(m, s, 0x11); // ICW4: 8086, SFNM
        assertTrue(m.specialFullyNested());
        pic.irqLine(12).pulse(); // slave IR4
        assertEquals(0x2c, pic.acknowledge()); // master IR2 and slave IR4 in service
        pic.irqLine(9).pulse(); // slave IR1: higher than IR4 within the slave
        assertTrue(pic.intr(), "SFNM: the master's IR2 in service does not block the same slave");
        assertEquals(0x29, pic.acknowledge());
        initPc(m, s, 0x01); // fully nested: the same sequence is blocked at the master
        pic.irqLine(12).pulse();
        assertEquals(0x2c, pic.acknowledge());
        pic.irqLine(9).pulse();
        assertFalse(pic.intr());
    }

    @Test
    void mcs80ModeIsRecordedAndTheChipStillAnswersInta8086Style() {
        initPc(m, s, 0x00); // ICW4 with uPM = 0
        assertTrue(m.mcs80Mode());
        pic.irqLine(5).pulse();
        assertEquals(0x25, pic.acknowledge());
    }

    @Test
    void anyByteToEitherPortIsACommandAndNeverStopsTheMachine() {
        qt().withExamples(200).forAll(lists().of(integers().between(0, 0x1ff)).ofSizeBetween(1, 60))
                .checkAssert(writes -> {
                    DualPic8259 p = new DualPic8259();
                    for (int w : writes) {
                        (w >= 0x100 ? p.slave() : p.master()).write(w & 1, (w >>> 1) & 0xff);
                    }
                    for (int irq : new int[] {0, 1, 3, 8, 15}) {
                        p.irqLine(irq).pulse();
                    }
                    if (p.intr()) {
                        int vector = p.acknowledge();
                        assertTrue(vector >= 0 && vector <= 0xff);
                    }
                });
    }
}
