package org.vtsim.vmx.vmcs;

/** The width of a VMCS field, encoding bits 14:13 (SDM Vol. 3C 24.11.2, Table 24-21). */
public enum FieldWidth {
    BITS_16(16), BITS_64(64), BITS_32(32), NATURAL(64);

    /** Significant bits when the processor supports Intel 64 (natural width is 64 bits there). */
    public final int bits;

    FieldWidth(int bits) {
        this.bits = bits;
    }

    /** The value mask for this width (natural width: 64 bits, SDM 24.11.2). */
    public long mask() {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    static FieldWidth ofEncoding(int encoding) {
        return values()[(encoding >>> 13) & 3];
    }
}
