package org.vtsim.platform.devices;

import org.vtsim.platform.ByteRegisters;

/**
 * One Intel 8259A programmable interrupt controller (8259A datasheet, order 231468). Two of them make
 * the PC pair: see {@link DualPic8259}.
 *
 * <p>Registers: offset 0 takes ICW1 (bit 4 set), OCW2 (bits 4:3 = 00) and OCW3 (bits 4:3 = 01),
 * and reads IRR, ISR (as OCW3 selected) or the poll word; offset 1 takes ICW2-ICW4 during
 * initialisation and OCW1 (the IMR) afterwards, and reads the IMR. Every byte is a command of the
 * datasheet, so any byte a guest writes is accepted, garbage included:
 * <ul>
 *   <li>ICW1.LTIM selects level-triggered mode: IRR follows the IR inputs, a request that goes away
 *       before INTA is lost (the spurious IR7 of {@link DualPic8259#acknowledge}), and one still
 *       asserted after INTA requests again (datasheet, "Level Triggered Mode").</li>
 *   <li>ICW4.SFNM selects the special fully nested mode: a request at the level in service is not
 *       blocked by it, so a cascaded slave's higher-priority requests reach the CPU while an earlier
 *       one of the same slave is in service (datasheet, "Special Fully Nested Mode").</li>
 *   <li>ICW4.uPM = 0 (MCS-80/85 mode) makes the chip answer the CALL-instruction INTA sequence of an
 *       8080/8085. An x86 processor runs the 8086 sequence, for which the datasheet gives no MCS-80/85
 *       response; vtsim then answers in 8086 mode, as QEMU's i8259 does, and records the setting
 *       ({@link #mcs80Mode()}). ICW1.ADI and address bits A7-A5 serve only that mode; ICW4.BUF and M/S
 *       select what the SP/EN pin does: none changes what software sees.</li>
 * </ul>
 */
public final class Pic8259 implements ByteRegisters {
    // ICW1 bits.
    public static final int ICW1_IC4 = 0x01; // ICW4 needed
    public static final int ICW1_SNGL = 0x02; // single (no cascade, no ICW3)
    public static final int ICW1_ADI = 0x04; // call address interval (8080 only)
    public static final int ICW1_LTIM = 0x08; // level-triggered mode
    public static final int ICW1_INIT = 0x10; // marks ICW1 on offset 0
    // ICW4 bits.
    public static final int ICW4_UPM = 0x01; // 8086/8088 mode
    public static final int ICW4_AEOI = 0x02; // automatic end of interrupt
    public static final int ICW4_MS = 0x04; // buffered-mode master/slave
    public static final int ICW4_BUF = 0x08; // buffered mode
    public static final int ICW4_SFNM = 0x10; // special fully nested mode
    // OCW2: R (rotate) bit 7, SL (specific level) bit 6, EOI bit 5, level in 2:0.
    public static final int OCW2_R = 0x80;
    public static final int OCW2_SL = 0x40;
    public static final int OCW2_EOI = 0x20;
    public static final int OCW2_LEVEL_MASK = 0x07;
    public static final int OCW2_NON_SPECIFIC_EOI = OCW2_EOI;
    public static final int OCW2_SPECIFIC_EOI = OCW2_SL | OCW2_EOI;
    public static final int OCW2_ROTATE_NON_SPECIFIC_EOI = OCW2_R | OCW2_EOI;
    public static final int OCW2_ROTATE_AEOI_SET = OCW2_R;
    public static final int OCW2_ROTATE_AEOI_CLEAR = 0x00;
    public static final int OCW2_ROTATE_SPECIFIC_EOI = OCW2_R | OCW2_SL | OCW2_EOI;
    public static final int OCW2_SET_PRIORITY = OCW2_R | OCW2_SL;
    public static final int OCW2_NOP = OCW2_SL;
    // OCW3 bits.
    public static final int OCW3_SELECT = 0x08; // bits 4:3 = 01 mark OCW3
    public static final int OCW3_RIS = 0x01; // read ISR (1) or IRR (0)
    public static final int OCW3_RR = 0x02; // act on RIS
    public static final int OCW3_P = 0x04; // poll command
    public static final int OCW3_SMM = 0x20; // special mask mode value
    public static final int OCW3_ESMM = 0x40; // act on SMM
    // The poll word: bit 7 set when an interrupt was pending, level in 2:0.
    public static final int POLL_INT = 0x80;

    /** The IR level a spurious interrupt is reported on (datasheet: "default IR7"). */
    public static final int SPURIOUS_IRQ = 7;

    private final String name;
    private final Runnable outputChanged;

    private int irr;
    private int isr;
    private int imr;
    private int inputLevels;
    private int vectorBase;
    private int icw3;
    private int initStep; // 0 = operational, 2/3/4 = expecting that ICW
    private boolean icw4Expected;
    private boolean single;
    private boolean autoEoi;
    private boolean rotateOnAutoEoi;
    private boolean specialMask;
    private boolean levelTriggered;
    private boolean specialFullyNested;
    private boolean mcs80;
    private boolean readIsr;
    private boolean pollNext;
    private int lowestPriority = 7; // the IR level with the lowest priority (rotation)

    public Pic8259(String name, Runnable outputChanged) {
        this.name = name;
        this.outputChanged = outputChanged;
    }

    /**
     * The level of IR input {@code irq}: a low-to-high transition sets its IRR bit; in level-triggered
     * mode IRR follows the level.
     */
    public void setInput(int irq, boolean high) {
        int bit = 1 << irq;
        boolean was = (inputLevels & bit) != 0;
        if (levelTriggered) {
            if (high) {
                inputLevels |= bit;
                irr |= bit;
            } else {
                inputLevels &= ~bit;
                irr &= ~bit; // the request is withdrawn: a later INTA finds it gone (spurious IR7)
            }
            if (was != high) {
                outputChanged.run();
            }
            return;
        }
        if (high) {
            inputLevels |= bit;
            if (!was) {
                irr |= bit;
                outputChanged.run();
            }
        } else {
            // Edge mode: the request stays latched in IRR until acknowledged (as QEMU models it).
            inputLevels &= ~bit;
        }
    }

    public int irr() {
        return irr;
    }

    public int isr() {
        return isr;
    }

    public int imr() {
        return imr;
    }

    public int vectorBase() {
        return vectorBase;
    }

    public boolean initialised() {
        return initStep == 0;
    }

    /** Whether ICW1 selected level-triggered mode (LTIM). */
    public boolean levelTriggered() {
        return levelTriggered;
    }

    /** Whether ICW4 selected the special fully nested mode (SFNM). */
    public boolean specialFullyNested() {
        return specialFullyNested;
    }

    /** Whether ICW4 selected MCS-80/85 mode (uPM = 0); the chip still answers INTA in 8086 mode. */
    public boolean mcs80Mode() {
        return mcs80;
    }

    private int priority(int irq) {
        return (irq - lowestPriority - 1) & 7; // 0 = highest
    }

    private int highest(int mask) {
        int best = -1;
        for (int irq = 0; irq < 8; irq++) {
            if ((mask & (1 << irq)) != 0 && (best < 0 || priority(irq) < priority(best))) {
                best = irq;
            }
        }
        return best;
    }

    /**
     * The IR level the INT output is asserting for, or -1: the highest-priority unmasked request
     * of higher priority than every level in service (fully nested mode; in special mask mode,
     * levels masked in IMR do not block; in special fully nested mode the level in service does not
     * block itself).
     */
    public int pendingIrq() {
        if (initStep != 0) {
            return -1;
        }
        int req = highest(irr & ~imr);
        if (req < 0) {
            return -1;
        }
        int inService = highest(specialMask ? isr & ~imr : isr);
        return inService < 0 || priority(req) < priority(inService) || specialFullyNested && req == inService
                ? req : -1;
    }

    /** The INTA cycle for {@code irq} (from {@link #pendingIrq()}): IRR to ISR, or AEOI. */
    public void acknowledge(int irq) {
        int bit = 1 << irq;
        irr &= ~bit;
        if (levelTriggered) {
            irr |= inputLevels & bit; // still asserted: requests again once its level is no longer in service
        }
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                lowestPriority = irq;
            }
        } else {
            isr |= bit;
        }
        outputChanged.run();
    }

    @Override
    public int read(int offset) {
        if (offset == 0) {
            if (pollNext) {
                pollNext = false;
                int irq = pendingIrq();
                if (irq < 0) {
                    return 0;
                }
                acknowledge(irq);
                return POLL_INT | irq;
            }
            return readIsr ? isr : irr;
        }
        return imr;
    }

    @Override
    public void write(int offset, int value) {
        value &= 0xff;
        if (offset == 0) {
            if ((value & ICW1_INIT) != 0) {
                icw1(value);
            } else if ((value & 0x18) == OCW3_SELECT) {
                ocw3(value);
            } else {
                ocw2(value); // bits 4:3 = 00 (the four values with bit 4 set are ICW1)
            }
        } else {
            switch (initStep) {
                case 2 -> {
                    vectorBase = value & 0xf8;
                    initStep = single ? (icw4Expected ? 4 : 0) : 3;
                }
                case 3 -> {
                    icw3 = value;
                    initStep = icw4Expected ? 4 : 0;
                }
                case 4 -> icw4(value);
                default -> imr = value;
            }
            if (initStep == 0) {
                outputChanged.run();
            }
        }
    }

    /** ICW1 resets the chip (datasheet, "Initialization Command Words"). */
    private void icw1(int value) {
        icw4Expected = (value & ICW1_IC4) != 0;
        single = (value & ICW1_SNGL) != 0;
        levelTriggered = (value & ICW1_LTIM) != 0;
        // The edge sense circuit is reset: an edge-triggered request needs a new low-to-high edge; a
        // level-triggered one is whatever the inputs assert.
        irr = levelTriggered ? inputLevels : 0;
        isr = 0;
        imr = 0;
        lowestPriority = 7;
        specialMask = false;
        readIsr = false;
        pollNext = false;
        autoEoi = false; // "if IC4 = 0, all functions selected in ICW4 are set to zero"
        specialFullyNested = false;
        mcs80 = false;
        rotateOnAutoEoi = false;
        initStep = 2;
        outputChanged.run();
    }

    private void icw4(int value) {
        mcs80 = (value & ICW4_UPM) == 0;
        specialFullyNested = (value & ICW4_SFNM) != 0;
        autoEoi = (value & ICW4_AEOI) != 0;
        initStep = 0;
    }

    private void ocw2(int value) {
        int level = value & OCW2_LEVEL_MASK;
        switch (value & (OCW2_R | OCW2_SL | OCW2_EOI)) {
            case OCW2_NON_SPECIFIC_EOI, OCW2_ROTATE_NON_SPECIFIC_EOI -> {
                int irq = highest(isr);
                if (irq >= 0) {
                    isr &= ~(1 << irq);
                    if ((value & OCW2_R) != 0) {
                        lowestPriority = irq;
                    }
                }
            }
            case OCW2_SPECIFIC_EOI -> isr &= ~(1 << level);
            case OCW2_ROTATE_SPECIFIC_EOI -> {
                isr &= ~(1 << level);
                lowestPriority = level;
            }
            case OCW2_SET_PRIORITY -> lowestPriority = level;
            case OCW2_ROTATE_AEOI_SET -> rotateOnAutoEoi = true;
            case OCW2_ROTATE_AEOI_CLEAR -> rotateOnAutoEoi = false;
            default -> { } // OCW2_NOP
        }
        outputChanged.run();
    }

    private void ocw3(int value) {
        if ((value & OCW3_RR) != 0) {
            readIsr = (value & OCW3_RIS) != 0;
        }
        if ((value & OCW3_ESMM) != 0) {
            specialMask = (value & OCW3_SMM) != 0;
        }
        pollNext = (value & OCW3_P) != 0;
        outputChanged.run();
    }

    /** The ICW3 byte (master: slave-present mask; slave: its cascade identity). */
    public int icw3() {
        return icw3;
    }
}
