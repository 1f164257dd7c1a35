package org.vtsim.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusTest {
    /** A device that records its accesses and answers with its offset. */
    static final class Probe implements BusDevice {
        final List<String> log = new ArrayList<>();
        final int width;

        Probe(int width) {
            this.width = width;
        }

        @Override
        public long read(long offset, int size) {
            log.add("r" + offset + "/" + size);
            return 0x10 + offset;
        }

        @Override
        public void write(long offset, int size, long value) {
            log.add("w" + offset + "/" + size + "=" + Long.toHexString(value));
        }

        @Override
        public int maxAccessSize() {
            return width;
        }
    }

    @Test
    void registrationIsAcceptedExactlyWhenNoRegisteredRangeOverlaps() {
        // Property over random range sets: the bus agrees with a brute-force overlap check.
        qt().withExamples(300).forAll(lists().of(integers().between(0, 200)).ofSizeBetween(2, 40))
                .checkAssert(raw -> {
                    Bus bus = new Bus("test");
                    List<long[]> accepted = new ArrayList<>();
                    for (int i = 0; i + 1 < raw.size(); i += 2) {
                        long base = raw.get(i);
                        long len = raw.get(i + 1) % 16;
                        boolean valid = len > 0;
                        boolean overlaps = accepted.stream().anyMatch(r -> base < r[0] + r[1] && r[0] < base + len);
                        if (!valid || overlaps) {
                            assertThrows(BusConflictException.class, () -> bus.register("d", base, len, new Probe(1)));
                        } else {
                            bus.register("d", base, len, new Probe(1));
                            accepted.add(new long[] {base, len});
                        }
                    }
                    assertEquals(accepted.size(), bus.ranges().size());
                });
    }

    @Test
    void conflictMessageNamesBothDevices() {
        Bus bus = new Bus("I/O ports");
        bus.register("COM1", 0x3f8, 8, new Probe(1));
        BusConflictException e = assertThrows(BusConflictException.class,
                () -> bus.register("other", 0x3ff, 2, new Probe(1)));
        assertEquals("I/O ports: other [0x3ff, 0x401) overlaps COM1 [0x3f8, 0x400)", e.getMessage());
    }

    @Test
    void wideAccessToByteRegistersIsSplitIntoBytesLikeQemu() {
        Bus bus = new Bus("io");
        Probe p = new Probe(1);
        bus.register("p", 0x100, 4, p);
        assertEquals(0x11_10L, bus.read(0x100, 2));
        assertEquals(List.of("r0/1", "r1/1"), p.log);
        p.log.clear();
        bus.write(0x102, 2, 0xabcd);
        assertEquals(List.of("w2/1=cd", "w3/1=ab"), p.log);
    }

    @Test
    void unclaimedBytesReadAllOnesAndAccessesStraddlingTheEndSplit() {
        Bus bus = new Bus("io");
        Probe p = new Probe(4);
        bus.register("p", 0x100, 2, p);
        assertEquals(0xffffffffL, bus.read(0x200, 4));
        assertEquals(0xffff_11_10L, bus.read(0x100, 4));
        assertEquals(List.of("r0/1", "r1/1"), p.log);
        p.log.clear();
        assertEquals(0x10L, bus.read(0x100, 2) & 0xff);
        assertEquals(List.of("r0/2"), p.log);
    }
}
