package org.vtsim.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An address space of device ranges (the I/O port space or the MMIO window), in the style of
 * Firecracker's {@code Bus}: registering a range that overlaps another is refused, so two devices
 * can never silently shadow one another.
 *
 * <p>An access wholly inside one device, no wider than it handles, goes to it in one call.
 * Anything else is split into byte accesses, each routed on its own (little-endian), which is
 * what QEMU does for accesses wider than a device's registers or straddling two devices.
 * Unclaimed bytes read as 0xff and drop writes (no device answers on the ISA bus).
 */
public final class Bus {
    /** One registered range. */
    public record Range(String name, long base, long length, BusDevice device) {
        long end() {
            return base + length;
        }
    }

    private final String name;
    private final TreeMap<Long, Range> ranges = new TreeMap<>();

    public Bus(String name) {
        this.name = name;
    }

    /**
     * Places {@code device} at {@code [base, base + length)}.
     *
     * @throws BusConflictException if the range is empty, wraps, or overlaps a registered one
     */
    public void register(String deviceName, long base, long length, BusDevice device) {
        if (length <= 0 || base < 0 || base + length < base) {
            throw new BusConflictException(String.format("%s: bad range for %s: base 0x%x length 0x%x", name,
                    deviceName, base, length));
        }
        Map.Entry<Long, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().end() > base) {
            Range r = below.getValue();
            throw new BusConflictException(String.format("%s: %s [0x%x, 0x%x) overlaps %s [0x%x, 0x%x)", name,
                    deviceName, base, base + length, r.name(), r.base(), r.end()));
        }
        ranges.put(base, new Range(deviceName, base, length, device));
    }

    /** The range containing {@code address}, or null. */
    public Range find(long address) {
        Map.Entry<Long, Range> e = ranges.floorEntry(address);
        return e != null && address < e.getValue().end() ? e.getValue() : null;
    }

    /** All registered ranges in address order. */
    public List<Range> ranges() {
        return new ArrayList<>(ranges.values());
    }

    public long read(long address, int size) {
        Range r = find(address);
        if (r != null && address + size <= r.end() && size <= r.device().maxAccessSize()) {
            return r.device().read(address - r.base(), size) & mask(size);
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            Range b = find(address + i);
            long v = b == null ? 0xff : b.device().read(address + i - b.base(), 1) & 0xff;
            value |= v << (8 * i);
        }
        return value;
    }

    public void write(long address, int size, long value) {
        Range r = find(address);
        if (r != null && address + size <= r.end() && size <= r.device().maxAccessSize()) {
            r.device().write(address - r.base(), size, value & mask(size));
            return;
        }
        for (int i = 0; i < size; i++) {
            Range b = find(address + i);
            if (b != null) {
                b.device().write(address + i - b.base(), 1, (value >>> (8 * i)) & 0xff);
            }
        }
    }

    static long mask(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }
}
