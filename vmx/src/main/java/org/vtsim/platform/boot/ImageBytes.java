package org.vtsim.platform.boot;

/**
 * Bounds-checked little-endian reads from an image file's bytes: every read past the end
 * becomes a {@link BootImageException} naming what was being read, never an index error.
 */
final class ImageBytes {
    final String name;
    final byte[] data;

    ImageBytes(String name, byte[] data) {
        this.name = name;
        this.data = data;
    }

    int length() {
        return data.length;
    }

    BootImageException error(String problem) {
        return new BootImageException(name, problem);
    }

    /** Checks that {@code [offset, offset + length)} lies inside the file. */
    void require(long offset, long length, String what) throws BootImageException {
        if (offset < 0 || length < 0 || offset + length > data.length || offset + length < offset) {
            throw error(String.format("%s extends past end of file (offset 0x%x, length 0x%x, file size 0x%x)", what,
                    offset, length, data.length));
        }
    }

    int u8(long offset, String what) throws BootImageException {
        require(offset, 1, what);
        return data[(int) offset] & 0xff;
    }

    int u16(long offset, String what) throws BootImageException {
        require(offset, 2, what);
        int o = (int) offset;
        return (data[o] & 0xff) | (data[o + 1] & 0xff) << 8;
    }

    long u32(long offset, String what) throws BootImageException {
        require(offset, 4, what);
        return u32Unchecked((int) offset);
    }

    long u32Unchecked(int o) {
        return (data[o] & 0xffL) | (data[o + 1] & 0xffL) << 8 | (data[o + 2] & 0xffL) << 16 | (data[o + 3] & 0xffL) << 24;
    }

    /** A 64-bit virtual address: any value is valid (kernels link in the top half). */
    long address64(long offset, String what) throws BootImageException {
        require(offset, 8, what);
        return u32Unchecked((int) offset) | u32Unchecked((int) offset + 4) << 32;
    }

    /** A 64-bit size, offset or physical address; values with bit 63 set are reported as malformed (no file or address needs them). */
    long u64(long offset, String what) throws BootImageException {
        require(offset, 8, what);
        long v = u32Unchecked((int) offset) | u32Unchecked((int) offset + 4) << 32;
        if (v < 0) {
            throw error(String.format("%s is out of range (0x%x)", what, v));
        }
        return v;
    }
}
