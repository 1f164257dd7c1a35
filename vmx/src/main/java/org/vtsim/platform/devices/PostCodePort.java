package org.vtsim.platform.devices;

import org.vtsim.platform.ByteRegisters;

/**
 * Port 0x80, the POST diagnostic port: firmware and kernels write progress codes (and use it as
 * a short I/O delay). Writes are kept for inspection and otherwise ignored; reads return the
 * last code (a POST card latches it).
 */
public final class PostCodePort implements ByteRegisters {
    public static final int PORT = 0x80;
    private int lastCode;

    @Override
    public int read(int offset) {
        return lastCode;
    }

    @Override
    public void write(int offset, int value) {
        lastCode = value & 0xff;
    }

    public int lastCode() {
        return lastCode;
    }
}
