package org.vtsim.cpu.system;

import org.vtsim.cpu.Segment;

/**
 * A segment or gate descriptor as it sits in the GDT/LDT (SDM Vol. 3A 3.4.5, Figure 3-8), decoded.
 * {@code high} holds the upper 8 bytes of a 16-byte IA-32e system descriptor (SDM Vol. 3A 7.2.3,
 * Figure 7-4) and is 0 for 8-byte descriptors.
 */
public record Descriptor(long raw, long high) {
    // Code/data type bits (SDM Vol. 3A 3.4.5.1, Table 3-1).
    public static final int TYPE_ACCESSED = 1;
    public static final int TYPE_WRITABLE_OR_READABLE = 2;
    public static final int TYPE_EXPAND_DOWN_OR_CONFORMING = 4;
    public static final int TYPE_CODE = 8;
    // System types (SDM Vol. 3A 3.5, Table 3-2).
    public static final int SYS_TSS16_AVAILABLE = 1;
    public static final int SYS_LDT = 2;
    public static final int SYS_TSS16_BUSY = 3;
    public static final int SYS_CALL_GATE16 = 4;
    public static final int SYS_TASK_GATE = 5;
    public static final int SYS_INTERRUPT_GATE16 = 6;
    public static final int SYS_TRAP_GATE16 = 7;
    public static final int SYS_TSS_AVAILABLE = 9;
    public static final int SYS_TSS_BUSY = 11;
    public static final int SYS_CALL_GATE = 12;
    public static final int SYS_INTERRUPT_GATE = 14;
    public static final int SYS_TRAP_GATE = 15;

    public static Descriptor of(long raw) {
        return new Descriptor(raw, 0);
    }

    /** Encodes an 8-byte segment descriptor; {@code limit} is the raw 20-bit field. */
    public static long encode(long base, int limit20, int type, boolean s, int dpl, boolean present, boolean l,
            boolean db, boolean g) {
        return (limit20 & 0xffffL) | ((base & 0xffffffL) << 16) | ((long) (type & 0xf) << 40)
                | (s ? 1L << 44 : 0) | ((long) (dpl & 3) << 45) | (present ? 1L << 47 : 0)
                | ((long) ((limit20 >>> 16) & 0xf) << 48) | (l ? 1L << 53 : 0) | (db ? 1L << 54 : 0)
                | (g ? 1L << 55 : 0) | (((base >>> 24) & 0xffL) << 56);
    }

    public int type() {
        return (int) (raw >>> 40) & 0xf;
    }

    /** S flag: 1 for code/data, 0 for system descriptors and gates. */
    public boolean s() {
        return (raw & (1L << 44)) != 0;
    }

    public int dpl() {
        return (int) (raw >>> 45) & 3;
    }

    public boolean present() {
        return (raw & (1L << 47)) != 0;
    }

    public boolean l() {
        return (raw & (1L << 53)) != 0;
    }

    public boolean db() {
        return (raw & (1L << 54)) != 0;
    }

    public boolean g() {
        return (raw & (1L << 55)) != 0;
    }

    public boolean isCode() {
        return s() && (type() & TYPE_CODE) != 0;
    }

    public boolean isData() {
        return s() && (type() & TYPE_CODE) == 0;
    }

    public boolean conforming() {
        return isCode() && (type() & TYPE_EXPAND_DOWN_OR_CONFORMING) != 0;
    }

    public boolean readable() {
        return isData() || (isCode() && (type() & TYPE_WRITABLE_OR_READABLE) != 0);
    }

    public boolean writableData() {
        return isData() && (type() & TYPE_WRITABLE_OR_READABLE) != 0;
    }

    /** Base: 32 bits, or 64 bits for a 16-byte system descriptor. */
    public long base() {
        long b = ((raw >>> 16) & 0xffffffL) | (((raw >>> 56) & 0xffL) << 24);
        return b | ((high & 0xffffffffL) << 32);
    }

    /** Byte limit with granularity applied (SDM Vol. 3A 3.4.5: G=1 scales by 4 KiB). */
    public long limit() {
        long raw20 = (raw & 0xffffL) | (((raw >>> 48) & 0xfL) << 16);
        return g() ? (raw20 << 12) | 0xfffL : raw20;
    }

    /** The access rights in VMX layout (SDM Vol. 3C 24.4.1): descriptor bits 47:40 and 55:52. */
    public int accessRights() {
        return (int) (raw >>> 40) & 0xf0ff;
    }

    /** For 16-byte system descriptors: the type field of the upper half must be 0 (Figure 7-4). */
    public boolean upperTypeClear() {
        return ((high >>> 40) & 0x1f) == 0;
    }

    /** Loads this descriptor into a segment register's hidden part (SDM Vol. 3A 3.4.3). */
    public void loadInto(Segment seg, int selector) {
        seg.set(selector & 0xffff, base(), limit(), accessRights());
    }
}
