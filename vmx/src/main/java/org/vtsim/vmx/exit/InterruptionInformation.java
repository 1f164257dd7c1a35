package org.vtsim.vmx.exit;

/**
 * The interruption-information format shared by three 32-bit fields: VM-entry interruption
 * information (SDM Vol. 3C 24.8.3, Table 24-17), VM-exit interruption information (24.9.2,
 * Table 24-18) and IDT-vectoring information (24.9.3, Table 24-19).
 *
 * <pre>
 *   7:0   vector
 *   10:8  type: 0 external interrupt, 1 (not used), 2 NMI, 3 hardware exception, 4 software interrupt,
 *         5 privileged software exception, 6 software exception, 7 other event
 *   11    error code valid (VM entry: deliver error code)
 *   12    VM exit: NMI unblocking due to IRET; IDT vectoring: undefined; VM entry: reserved (0)
 *   30:13 reserved
 *   31    valid
 * </pre>
 */
public final class InterruptionInformation {
    public static final int TYPE_EXTERNAL_INTERRUPT = 0;
    public static final int TYPE_NMI = 2;
    public static final int TYPE_HARDWARE_EXCEPTION = 3;
    public static final int TYPE_SOFTWARE_INTERRUPT = 4;
    public static final int TYPE_PRIVILEGED_SOFTWARE_EXCEPTION = 5;
    public static final int TYPE_SOFTWARE_EXCEPTION = 6;
    /** VM entry only: vector 0 is "pending MTF VM exit" (SDM 26.6.1.3). */
    public static final int TYPE_OTHER_EVENT = 7;

    public static final int VECTOR_MASK = 0xff;
    public static final int TYPE_SHIFT = 8;
    public static final int TYPE_MASK = 7 << TYPE_SHIFT;
    public static final int ERROR_CODE_VALID = 1 << 11;
    public static final int NMI_UNBLOCKING_DUE_TO_IRET = 1 << 12;
    public static final int VALID = 1 << 31;
    /** Bits 30:13, reserved in all three fields. */
    public static final int RESERVED = 0x7fffe000;

    /** Which of the three fields a value came from; they differ in the types used and in bit 12. */
    public enum Field {
        /** SDM 24.8.3: every type but 1; bit 12 reserved. */
        VM_ENTRY_INTERRUPTION_INFORMATION,
        /** SDM 24.9.2: types 0, 2, 3, 5, 6; bit 12 NMI unblocking due to IRET. */
        VM_EXIT_INTERRUPTION_INFORMATION,
        /** SDM 24.9.3: types 0, 2–6; bit 12 undefined. */
        IDT_VECTORING_INFORMATION
    }

    private static final String[] TYPE_NAMES = {"external interrupt", "type 1 (not used)", "NMI",
        "hardware exception", "software interrupt", "privileged software exception", "software exception",
        "other event"};

    private InterruptionInformation() {
    }

    /** A valid field value. */
    public static int encode(int vector, int type, boolean errorCodeValid, boolean nmiUnblockingDueToIret) {
        if ((vector & ~VECTOR_MASK) != 0 || (type & ~7) != 0) {
            throw new IllegalArgumentException("vector " + vector + " type " + type);
        }
        return VALID | vector | type << TYPE_SHIFT | (errorCodeValid ? ERROR_CODE_VALID : 0)
                | (nmiUnblockingDueToIret ? NMI_UNBLOCKING_DUE_TO_IRET : 0);
    }

    /**
     * A hardware exception, with the error-code bit set exactly for the vectors that push an error code in
     * protected and IA-32e mode (SDM Vol. 3A Table 6-1: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP). A caller
     * in real-address mode, where no exception pushes an error code, uses {@link #encode} instead.
     */
    public static int hardwareException(int vector) {
        return encode(vector, TYPE_HARDWARE_EXCEPTION, exceptionHasErrorCode(vector), false);
    }

    /** SDM Vol. 3A Table 6-1: the exceptions that deliver an error code outside real-address mode. */
    public static boolean exceptionHasErrorCode(int vector) {
        return switch (vector) {
            case 8, 10, 11, 12, 13, 14, 17, 21 -> true;
            default -> false;
        };
    }

    public static boolean valid(long info) {
        return (info & VALID) != 0;
    }

    public static int vector(long info) {
        return (int) info & VECTOR_MASK;
    }

    public static int type(long info) {
        return ((int) info & TYPE_MASK) >>> TYPE_SHIFT;
    }

    public static boolean errorCodeValid(long info) {
        return (info & ERROR_CODE_VALID) != 0;
    }

    public static boolean nmiUnblockingDueToIret(long info) {
        return (info & NMI_UNBLOCKING_DUE_TO_IRET) != 0;
    }

    public static String typeName(int type) {
        return TYPE_NAMES[type & 7];
    }

    /** Whether the SDM table of {@code field} lists {@code type} as used. */
    public static boolean typeUsed(Field field, int type) {
        return switch (field) {
            case VM_ENTRY_INTERRUPTION_INFORMATION -> type != 1;
            case VM_EXIT_INTERRUPTION_INFORMATION -> type == 0 || type == 2 || type == 3 || type == 5 || type == 6;
            case IDT_VECTORING_INFORMATION -> type >= 0 && type <= 6 && type != 1;
        };
    }

    /** Like {@link #describe(Field, long)} for a value of unknown origin (bit 12 shown as a raw bit). */
    public static String describe(long info) {
        return describe(null, info);
    }

    /**
     * E.g. "valid, hardware exception #PF (vector 14), error code valid" or "not valid". {@code field} may
     * be {@code null} when the origin is unknown.
     */
    public static String describe(Field field, long info) {
        if (!valid(info)) {
            return (info & 0xffffffffL) == 0 ? "not valid" : "not valid (other bits " + X86Names.hex(info) + ")";
        }
        int type = type(info);
        int vector = vector(info);
        StringBuilder s = new StringBuilder("valid, ").append(typeName(type));
        if (type == TYPE_HARDWARE_EXCEPTION || type == TYPE_SOFTWARE_EXCEPTION
                || type == TYPE_PRIVILEGED_SOFTWARE_EXCEPTION) {
            s.append(' ').append(X86Names.exception(vector)).append(" (vector ").append(vector).append(')');
        } else if (type == TYPE_OTHER_EVENT && vector == 0) {
            s.append(": pending MTF VM exit (vector 0)");
        } else {
            s.append(" vector ").append(vector).append(" (").append(X86Names.hex(vector)).append(')');
        }
        if (field != null && !typeUsed(field, type)) {
            s.append(" [type ").append(type).append(" not used in this field]");
        }
        if (errorCodeValid(info)) {
            s.append(", error code valid");
        }
        if (nmiUnblockingDueToIret(info)) {
            if (field == Field.VM_EXIT_INTERRUPTION_INFORMATION) {
                s.append(", NMI unblocking due to IRET");
            } else if (field == Field.VM_ENTRY_INTERRUPTION_INFORMATION) {
                s.append(", reserved bit 12 set");
            } else if (field == Field.IDT_VECTORING_INFORMATION) {
                s.append(", bit 12 set (undefined)");
            } else {
                s.append(", bit 12 set");
            }
        }
        if ((info & RESERVED) != 0) {
            s.append(", reserved bits set ").append(X86Names.hex(info & RESERVED));
        }
        return s.toString();
    }
}
