package org.vtsim.platform.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vtsim.platform.PcPlatform;
import org.vtsim.cpu.UnsupportedFeature;

/** MC146818A facts, through ports 0x70/0x71. */
class CmosRtcTest {
    static int cmos(PcPlatform p, int reg) {
        p.ioWrite(0x70, 1, reg);
        return p.ioRead(0x71, 1);
    }

    static PcPlatform at(String instant) {
        return PcPlatform.builder().cpuHz(1000).epoch(Instant.parse(instant)).build();
    }

    @Test
    void timeRegistersAreBcdByDefaultFromTheFixedEpoch() {
        PcPlatform p = at("2023-07-09T21:45:59Z"); // a Sunday
        assertEquals(0x59, cmos(p, 0x00));
        assertEquals(0x45, cmos(p, 0x02));
        assertEquals(0x21, cmos(p, 0x04));
        assertEquals(0x01, cmos(p, 0x06), "day of week: 1 = Sunday");
        assertEquals(0x09, cmos(p, 0x07));
        assertEquals(0x07, cmos(p, 0x08));
        assertEquals(0x23, cmos(p, 0x09));
        assertEquals(0x20, cmos(p, 0x32), "century");
        p.advanceTo(1000); // one simulated second at 1 kHz
        assertEquals(0x00, cmos(p, 0x00));
        assertEquals(0x46, cmos(p, 0x02));
    }

    @Test
    void registerBSelectsBinaryAnd12HourFormats() {
        PcPlatform p = at("2023-07-09T21:45:59Z");
        p.ioWrite(0x70, 1, 0x0b);
        p.ioWrite(0x71, 1, 0x04); // DM = binary, 12-hour
        assertEquals(59, cmos(p, 0x00));
        assertEquals(0x80 | 9, cmos(p, 0x04), "9 PM: PM flag in bit 7");
    }

    @Test
    void writingTimeUnderSetChangesTheClock() {
        PcPlatform p = at("2023-07-09T21:45:59Z");
        p.ioWrite(0x70, 1, 0x0b);
        p.ioWrite(0x71, 1, 0x82); // SET, 24h, BCD
        p.ioWrite(0x70, 1, 0x04);
        p.ioWrite(0x71, 1, 0x08);
        p.advanceTo(5000);
        assertEquals(0x59, cmos(p, 0x00), "SET stops the clock");
        p.ioWrite(0x70, 1, 0x0b);
        p.ioWrite(0x71, 1, 0x02);
        p.advanceTo(6000);
        assertEquals(0x08, cmos(p, 0x04));
        assertEquals(0x00, cmos(p, 0x00));
    }

    @Test
    void statusRegistersAtPowerOn() {
        PcPlatform p = at("2023-01-01T00:00:00Z");
        assertEquals(0x26, cmos(p, 0x0a), "32.768 kHz divider, 1024 Hz rate");
        assertEquals(0x02, cmos(p, 0x0b), "24-hour, BCD");
        assertEquals(0x80, cmos(p, 0x0d), "VRT: valid RAM and time");
    }

    @Test
    void uipIsSetInTheLast244MicrosecondsOfEachSecond() {
        PcPlatform p = PcPlatform.builder().cpuHz(1_000_000).build(); // 1 cycle = 1 us
        p.advanceTo(999_755);
        assertEquals(0, cmos(p, 0x0a) & 0x80);
        p.advanceTo(999_756);
        assertEquals(0x80, cmos(p, 0x0a) & 0x80);
    }

    @Test
    void bit7OfThIndexPortIsTheNmiMaskAndCmosRamHoldsBytes() {
        PcPlatform p = at("2023-01-01T00:00:00Z");
        p.ioWrite(0x70, 1, 0x80 | 0x40);
        p.ioWrite(0x71, 1, 0xa5);
        assertTrue(p.rtc().nmiMasked());
        assertEquals(0xa5, cmos(p, 0x40));
        assertEquals(0x80, cmos(p, 0x15), "base memory 640 KiB, low byte");
    }

    @Test
    void rtcInterruptsAreUnsupportedLoudly() {
        PcPlatform p = at("2023-01-01T00:00:00Z");
        p.ioWrite(0x70, 1, 0x0b);
        assertThrows(UnsupportedFeature.class, () -> p.ioWrite(0x71, 1, 0x42));
    }
}
