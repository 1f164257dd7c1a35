package org.vtsim.tools.study;

import java.io.ByteArrayOutputStream;

/** A guest's serial port for a study run: keeps the first {@link Measurement#OUTPUT_LIMIT} bytes. */
final class BoundedOutput extends ByteArrayOutputStream {
    @Override
    public synchronized void write(int b) {
        if (count < Measurement.OUTPUT_LIMIT) {
            super.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        super.write(b, off, Math.max(0, Math.min(len, Measurement.OUTPUT_LIMIT - count)));
    }
}
