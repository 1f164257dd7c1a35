package org.vtsim.platform.devices;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.vtsim.platform.BusDevice;

/**
 * QEMU's firmware configuration device, legacy I/O interface (QEMU docs/specs/fw_cfg.rst): a
 * 16-bit selector at port 0x510 picks an item and rewinds it; each 8-bit read of port 0x511
 * returns its next byte. Reads past an item's end, and reads of unknown items, return 0.
 * Writes to the data port are ignored (as QEMU does since 2.4). No DMA interface.
 */
public final class FwCfg {
    public static final int SELECTOR_PORT = 0x510;
    public static final int DATA_PORT = 0x511;

    // Item selectors (QEMU include/standard-headers/linux/qemu_fw_cfg.h).
    public static final int FW_CFG_SIGNATURE = 0x0000;
    public static final int FW_CFG_ID = 0x0001;
    public static final int FW_CFG_RAM_SIZE = 0x0003;
    public static final int FW_CFG_NB_CPUS = 0x0005;
    public static final int FW_CFG_MAX_CPUS = 0x000f;
    public static final int FW_CFG_CMDLINE_SIZE = 0x0014;
    public static final int FW_CFG_CMDLINE_DATA = 0x0015;
    /** FW_CFG_ID bit 0: the traditional (I/O port) interface is available. */
    public static final int FW_CFG_VERSION = 0x01;

    private final Map<Integer, byte[]> items = new HashMap<>();
    private int selector;
    private int offset;
    private byte[] current = new byte[0];

    /**
     * @param cmdline the kernel command line, or null for none (the cmdline items are then absent)
     */
    public FwCfg(long ramSize, int cpus, String cmdline) {
        items.put(FW_CFG_SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(FW_CFG_ID, le(FW_CFG_VERSION, 4));
        items.put(FW_CFG_RAM_SIZE, le(ramSize, 8));
        items.put(FW_CFG_NB_CPUS, le(cpus, 2));
        items.put(FW_CFG_MAX_CPUS, le(cpus, 2));
        if (cmdline != null) {
            byte[] text = cmdline.getBytes(StandardCharsets.UTF_8);
            byte[] z = new byte[text.length + 1]; // NUL-terminated; the size includes the NUL
            System.arraycopy(text, 0, z, 0, text.length);
            items.put(FW_CFG_CMDLINE_SIZE, le(z.length, 4));
            items.put(FW_CFG_CMDLINE_DATA, z);
        }
        select(FW_CFG_SIGNATURE);
    }

    private static byte[] le(long v, int n) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        byte[] out = new byte[n];
        System.arraycopy(b.array(), 0, out, 0, n);
        return out;
    }

    public void select(int key) {
        selector = key & 0xffff;
        offset = 0;
        current = items.getOrDefault(selector, new byte[0]);
    }

    public int selector() {
        return selector;
    }

    public int readData() {
        return offset < current.length ? current[offset++] & 0xff : 0;
    }

    /** The selector register (port 0x510), 16 bits wide; it reads back as 0 like QEMU's. */
    public BusDevice selectorPort() {
        return new BusDevice() {
            @Override
            public long read(long off, int size) {
                return 0;
            }

            @Override
            public void write(long off, int size, long value) {
                if (off == 0 && size >= 2) {
                    select((int) value);
                } else if (off == 0) {
                    select((int) value & 0xff); // an 8-bit write selects a key < 0x100
                }
            }

            @Override
            public int maxAccessSize() {
                return 2;
            }
        };
    }

    /** The data register (port 0x511), one byte per read. */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override
            public long read(long off, int size) {
                return readData();
            }

            @Override
            public void write(long off, int size, long value) {
                // ignored, as in QEMU >= 2.4
            }
        };
    }
}
