package org.vtsim.vmx.exit;

/**
 * Exit qualification for APIC-access VM exits, SDM Vol. 3C 27.2.1 (Table 27-6).
 *
 * <pre>
 *   11:0  offset of the access within the APIC page (linear accesses only; undefined otherwise)
 *   15:12 access type: 0 linear data read, 1 linear data write, 2 linear instruction fetch,
 *         3 linear access during event delivery, 10 guest-physical access during event delivery,
 *         15 guest-physical access for an instruction fetch or during instruction execution
 *   63:16 reserved (0) (bit 16 is defined by later processors; vtsim does not model it)
 * </pre>
 */
public final class ApicAccessQualification {
    public static final int LINEAR_DATA_READ = 0;
    public static final int LINEAR_DATA_WRITE = 1;
    public static final int LINEAR_INSTRUCTION_FETCH = 2;
    public static final int LINEAR_EVENT_DELIVERY = 3;
    public static final int GUEST_PHYSICAL_EVENT_DELIVERY = 10;
    public static final int GUEST_PHYSICAL_INSTRUCTION = 15;
    public static final long RESERVED = ~0xffffL;

    private ApicAccessQualification() {
    }

    /** A linear access (types 0–3) at {@code offset} within the APIC-access page. */
    public static long linear(int accessType, int offset) {
        if (accessType < 0 || accessType > 3 || (offset & ~0xfff) != 0) {
            throw new IllegalArgumentException("linear APIC access type " + accessType + " offset " + offset);
        }
        return offset | accessType << 12;
    }

    /** A guest-physical access (type 10 or 15); the offset bits are left 0 (undefined by the SDM). */
    public static long guestPhysical(int accessType) {
        if (accessType != GUEST_PHYSICAL_EVENT_DELIVERY && accessType != GUEST_PHYSICAL_INSTRUCTION) {
            throw new IllegalArgumentException("guest-physical APIC access type " + accessType);
        }
        return accessType << 12;
    }

    public static int offset(long q) {
        return (int) q & 0xfff;
    }

    public static int accessType(long q) {
        return (int) (q >>> 12) & 15;
    }

    public static boolean linearAccess(long q) {
        return accessType(q) <= LINEAR_EVENT_DELIVERY;
    }

    /** E.g. "linear data write at offset 0xb0". */
    public static String describe(long q) {
        int type = accessType(q);
        String s = switch (type) {
            case LINEAR_DATA_READ -> "linear data read";
            case LINEAR_DATA_WRITE -> "linear data write";
            case LINEAR_INSTRUCTION_FETCH -> "linear instruction fetch";
            case LINEAR_EVENT_DELIVERY -> "linear access during event delivery";
            case GUEST_PHYSICAL_EVENT_DELIVERY -> "guest-physical access during event delivery";
            case GUEST_PHYSICAL_INSTRUCTION -> "guest-physical access for an instruction fetch or execution";
            default -> "access type " + type + " (not used)";
        };
        if (type <= LINEAR_EVENT_DELIVERY) {
            s += " at offset " + X86Names.hex(offset(q));
        }
        if ((q & RESERVED) != 0) {
            s += ", other bits set " + X86Names.hex(q & RESERVED);
        }
        return s;
    }
}
