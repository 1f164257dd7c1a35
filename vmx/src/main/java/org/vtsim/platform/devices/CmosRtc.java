package org.vtsim.platform.devices;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.vtsim.platform.ByteRegisters;
import org.vtsim.platform.DeviceClock;
import org.vtsim.platform.EventScheduler;
import org.vtsim.cpu.UnsupportedFeature;

/**
 * The PC's CMOS RAM and real-time clock (Motorola MC146818A), index port 0x70 and data port
 * 0x71. The clock runs from a fixed epoch plus simulated time (cycles / CPU Hz), so a run is
 * deterministic. Time registers are BCD or binary and 12- or 24-hour as register B says; writes
 * to them set the clock. The other 114 bytes are plain CMOS RAM, pre-filled with QEMU's memory
 * size bytes. Bit 7 of the index port is the NMI mask (the PC wiring), kept and readable
 * through {@link #nmiMasked()}.
 *
 * <p>Unsupported: the periodic, alarm and update-ended interrupts (IRQ8); enabling them in
 * register B fails loudly.
 */
public final class CmosRtc implements ByteRegisters {
    public static final int INDEX_PORT = 0x70;
    public static final int NMI_DISABLE = 0x80;
    public static final int INDEX_MASK = 0x7f;

    // Register indices (MC146818A datasheet, "Address Map"; century at 0x32 as on the PC/QEMU).
    public static final int SECONDS = 0x00;
    public static final int SECONDS_ALARM = 0x01;
    public static final int MINUTES = 0x02;
    public static final int MINUTES_ALARM = 0x03;
    public static final int HOURS = 0x04;
    public static final int HOURS_ALARM = 0x05;
    public static final int DAY_OF_WEEK = 0x06;
    public static final int DAY_OF_MONTH = 0x07;
    public static final int MONTH = 0x08;
    public static final int YEAR = 0x09;
    public static final int STATUS_A = 0x0a;
    public static final int STATUS_B = 0x0b;
    public static final int STATUS_C = 0x0c;
    public static final int STATUS_D = 0x0d;
    public static final int CENTURY = 0x32;
    // QEMU's memory size bytes (pc_cmos_init): base KiB, extended KiB (1-64 MiB), 64 KiB units
    // above 16 MiB, and 64 KiB units above 4 GiB.
    public static final int BASE_MEM_LO = 0x15;
    public static final int BASE_MEM_HI = 0x16;
    public static final int EXT_MEM_LO = 0x17;
    public static final int EXT_MEM_HI = 0x18;
    public static final int EXT_MEM2_LO = 0x30;
    public static final int EXT_MEM2_HI = 0x31;
    public static final int MEM_ABOVE_16M_LO = 0x34;
    public static final int MEM_ABOVE_16M_HI = 0x35;
    public static final int MEM_ABOVE_4G_LO = 0x5b;
    public static final int MEM_ABOVE_4G_MID = 0x5c;
    public static final int MEM_ABOVE_4G_HI = 0x5d;

    // Status A.
    public static final int A_UIP = 0x80; // update in progress
    public static final int A_DIVIDER_32KHZ = 0x20; // DV2-0 = 010: 32.768 kHz time base
    public static final int A_RATE_1024HZ = 0x06;
    // Status B.
    public static final int B_SET = 0x80;
    public static final int B_PIE = 0x40;
    public static final int B_AIE = 0x20;
    public static final int B_UIE = 0x10;
    public static final int B_SQWE = 0x08;
    public static final int B_DM_BINARY = 0x04;
    public static final int B_24H = 0x02;
    public static final int B_DSE = 0x01;
    // Status D.
    public static final int D_VRT = 0x80; // valid RAM and time (battery good)
    /** The PM flag of the hours register in 12-hour mode. */
    public static final int HOURS_PM = 0x80;

    /** UIP is set for 244 us before each update (datasheet, "Update Cycle"): in us. */
    private static final long UIP_WINDOW_US = 244;

    private final EventScheduler scheduler;
    private final DeviceClock micros;
    private final byte[] ram = new byte[128];
    private int index;
    private boolean nmiMasked;
    /** Epoch seconds at cycle 0, adjusted by writes to the time registers. */
    private long baseSeconds;
    /** The clock frozen by SET (register B bit 7), epoch seconds, or -1 when running. */
    private long frozenAt = -1;

    public CmosRtc(EventScheduler scheduler, long cpuHz, long epochSeconds) {
        this.scheduler = scheduler;
        this.micros = new DeviceClock(1_000_000L, cpuHz);
        this.baseSeconds = epochSeconds;
        ram[STATUS_A] = A_DIVIDER_32KHZ | A_RATE_1024HZ;
        ram[STATUS_B] = B_24H;
        ram[STATUS_D] = (byte) D_VRT;
    }

    /** Fills QEMU's memory-size bytes from the RAM layout (below and above 4 GiB). */
    public void setMemorySizes(long ramBelow4g, long ramAbove4g) {
        ram[BASE_MEM_LO] = (byte) 0x80; // 640 KiB
        ram[BASE_MEM_HI] = 0x02;
        long extKiB = Math.min(Math.max(ramBelow4g - (1 << 20), 0) / 1024, 0xfc00); // 1 MiB .. 64 MiB
        ram[EXT_MEM_LO] = ram[EXT_MEM2_LO] = (byte) extKiB;
        ram[EXT_MEM_HI] = ram[EXT_MEM2_HI] = (byte) (extKiB >>> 8);
        long above16m = Math.min(Math.max(ramBelow4g - (16 << 20), 0) >>> 16, 0xffff);
        ram[MEM_ABOVE_16M_LO] = (byte) above16m;
        ram[MEM_ABOVE_16M_HI] = (byte) (above16m >>> 8);
        long above4g = ramAbove4g >>> 16;
        ram[MEM_ABOVE_4G_LO] = (byte) above4g;
        ram[MEM_ABOVE_4G_MID] = (byte) (above4g >>> 8);
        ram[MEM_ABOVE_4G_HI] = (byte) (above4g >>> 16);
    }

    public boolean nmiMasked() {
        return nmiMasked;
    }

    /** The clock's current time in epoch seconds. */
    public long currentEpochSeconds() {
        return frozenAt >= 0 ? frozenAt : baseSeconds + micros.ticksAt(scheduler.now()) / 1_000_000L;
    }

    @Override
    public int read(int offset) {
        if (offset == 0) {
            return 0xff; // the index register is write-only
        }
        return readRegister(index);
    }

    @Override
    public void write(int offset, int value) {
        value &= 0xff;
        if (offset == 0) {
            index = value & INDEX_MASK;
            nmiMasked = (value & NMI_DISABLE) != 0;
        } else {
            writeRegister(index, value);
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.ofEpochSecond(currentEpochSeconds(), 0, ZoneOffset.UTC);
    }

    private boolean binary() {
        return (ram[STATUS_B] & B_DM_BINARY) != 0;
    }

    private int encode(int v) {
        return binary() ? v : ((v / 10) << 4) | (v % 10);
    }

    private int decode(int v) {
        return binary() ? v : ((v >>> 4) * 10) + (v & 0xf);
    }

    int readRegister(int reg) {
        LocalDateTime t = now();
        return switch (reg) {
            case SECONDS -> encode(t.getSecond());
            case MINUTES -> encode(t.getMinute());
            case HOURS -> encodeHours(t.getHour());
            case DAY_OF_WEEK -> encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 = Sunday
            case DAY_OF_MONTH -> encode(t.getDayOfMonth());
            case MONTH -> encode(t.getMonthValue());
            case YEAR -> encode(t.getYear() % 100);
            case CENTURY -> encode(t.getYear() / 100);
            case STATUS_A -> (ram[STATUS_A] & 0x7f) | (updateInProgress() ? A_UIP : 0);
            case STATUS_C -> {
                int v = ram[STATUS_C] & 0xff;
                ram[STATUS_C] = 0; // reading C clears the flags
                yield v;
            }
            default -> ram[reg] & 0xff;
        };
    }

    private int encodeHours(int h) {
        if ((ram[STATUS_B] & B_24H) != 0) {
            return encode(h);
        }
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return encode(h12) | (h >= 12 ? HOURS_PM : 0);
    }

    private int decodeHours(int v) {
        if ((ram[STATUS_B] & B_24H) != 0) {
            return decode(v);
        }
        int h = decode(v & 0x7f) % 12;
        return (v & HOURS_PM) != 0 ? h + 12 : h;
    }

    private boolean updateInProgress() {
        if (frozenAt >= 0) {
            return false; // SET inhibits updates
        }
        long us = micros.ticksAt(scheduler.now()) % 1_000_000L;
        return us >= 1_000_000L - UIP_WINDOW_US;
    }

    void writeRegister(int reg, int value) {
        switch (reg) {
            case SECONDS, MINUTES, HOURS, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> setTimeField(reg, value);
            case DAY_OF_WEEK -> { } // derived from the date here; writes are ignored
            case STATUS_A -> ram[STATUS_A] = (byte) (value & 0x7f); // UIP is read-only
            case STATUS_B -> writeStatusB(value);
            case STATUS_C, STATUS_D -> { } // read-only
            default -> ram[reg] = (byte) value;
        }
    }

    private void writeStatusB(int value) {
        if ((value & (B_PIE | B_AIE | B_UIE)) != 0) {
            throw new UnsupportedFeature("RTC interrupts (register B = 0x" + Integer.toHexString(value) + ")");
        }
        boolean wasSet = (ram[STATUS_B] & B_SET) != 0;
        boolean set = (value & B_SET) != 0;
        if (set && !wasSet) {
            frozenAt = currentEpochSeconds();
        } else if (!set && wasSet) {
            // Clearing SET restarts the clock from the time written while it was frozen.
            baseSeconds = frozenAt - micros.ticksAt(scheduler.now()) / 1_000_000L;
            frozenAt = -1;
        }
        ram[STATUS_B] = (byte) value;
    }

    private void setTimeField(int reg, int value) {
        LocalDateTime t = now();
        try {
            t = switch (reg) {
                case SECONDS -> t.withSecond(decode(value));
                case MINUTES -> t.withMinute(decode(value));
                case HOURS -> t.withHour(decodeHours(value));
                case DAY_OF_MONTH -> t.withDayOfMonth(decode(value));
                case MONTH -> t.withMonth(decode(value));
                case YEAR -> t.withYear(t.getYear() / 100 * 100 + decode(value));
                default -> t.withYear(decode(value) * 100 + t.getYear() % 100);
            };
        } catch (java.time.DateTimeException e) {
            return; // an invalid field value: the real chip would count garbage; keep the time
        }
        long secs = t.toEpochSecond(ZoneOffset.UTC);
        if (frozenAt >= 0) {
            frozenAt = secs;
        } else {
            baseSeconds += secs - currentEpochSeconds();
        }
    }
}
