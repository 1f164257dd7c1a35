package org.vtsim.vmx.exit;

/**
 * Exit qualification for EPT violations, SDM Vol. 3C 27.2.1 (Table 27-7).
 *
 * <pre>
 *   0     data read            1  data write            2  instruction fetch
 *   3     readable: AND of bit 0 (read) of the EPT entries that translate the address
 *   4     writable: AND of bit 1
 *   5     executable: AND of bit 2 (with mode-based execute control: supervisor-mode executable)
 *   6     with mode-based execute control: AND of bit 10 (user-mode executable); else undefined
 *   7     guest-linear-address field valid
 *   8     if bit 7: 1 = access to the translation of a linear address, 0 = access to a guest
 *         paging-structure entry during the walk; if bit 7 is 0: undefined
 *   9     advanced information (IA32_VMX_EPT_VPID_CAP bit 22), if bits 7 and 8 are 1: user-mode address
 *   10    advanced information: the linear address is read/write (not read-only)
 *   11    advanced information: the linear address is execute-disable (XD = 1 in some paging-structure
 *         entry that maps it; 0 when it is executable)
 *   12    NMI unblocking due to IRET
 *   13    shadow-stack access
 * </pre>
 * Bits 9–11 are undefined when advanced information is not supported or bits 7 and 8 are not both 1.
 */
public final class EptViolationQualification {
    public static final int ACCESS_READ = 1;
    public static final int ACCESS_WRITE = 2;
    public static final int ACCESS_FETCH = 4;
    /** Permission bits (shifted to bit 3 in the qualification). */
    public static final int PERMISSION_READ = 1;
    public static final int PERMISSION_WRITE = 2;
    public static final int PERMISSION_EXECUTE = 4;
    public static final int PERMISSION_USER_EXECUTE = 8;

    public static final long LINEAR_ADDRESS_VALID = 1L << 7;
    public static final long TRANSLATED_ACCESS = 1L << 8;
    public static final long USER_MODE_ADDRESS = 1L << 9;
    public static final long WRITABLE_ADDRESS = 1L << 10;
    public static final long EXECUTE_DISABLE_ADDRESS = 1L << 11;
    public static final long NMI_UNBLOCKING_DUE_TO_IRET = 1L << 12;
    public static final long SHADOW_STACK_ACCESS = 1L << 13;
    private static final long DEFINED = (1L << 14) - 1;

    private EptViolationQualification() {
    }

    /**
     * @param access the access that failed: {@link #ACCESS_READ}, {@link #ACCESS_WRITE} and/or
     *     {@link #ACCESS_FETCH}
     * @param permissions the AND of the EPT entries' permissions (PERMISSION_*); PERMISSION_USER_EXECUTE
     *     only with mode-based execute control
     * @param linearAddressValid the exit also saves a guest-linear address (bit 7)
     * @param translatedAccess bit 8; only meaningful (and only accepted) when bit 7 is set
     */
    public static long encode(int access, int permissions, boolean linearAddressValid, boolean translatedAccess,
            boolean nmiUnblockingDueToIret) {
        if ((access & ~7) != 0 || (permissions & ~15) != 0) {
            throw new IllegalArgumentException("access " + access + " permissions " + permissions);
        }
        if (translatedAccess && !linearAddressValid) {
            throw new IllegalArgumentException("bit 8 is undefined unless the guest-linear address is valid");
        }
        return access | (long) permissions << 3 | (linearAddressValid ? LINEAR_ADDRESS_VALID : 0)
                | (translatedAccess ? TRANSLATED_ACCESS : 0)
                | (nmiUnblockingDueToIret ? NMI_UNBLOCKING_DUE_TO_IRET : 0);
    }

    /**
     * Adds the advanced VM-exit information of bits 9–11, defined only for the translation of a linear
     * address (bits 7 and 8 set) on a CPU reporting IA32_VMX_EPT_VPID_CAP bit 22.
     */
    public static long withAdvancedInformation(long q, boolean userModeAddress, boolean writable,
            boolean executeDisable) {
        if ((q & (LINEAR_ADDRESS_VALID | TRANSLATED_ACCESS)) != (LINEAR_ADDRESS_VALID | TRANSLATED_ACCESS)) {
            throw new IllegalArgumentException("advanced information needs bits 7 and 8 set");
        }
        return q & ~(USER_MODE_ADDRESS | WRITABLE_ADDRESS | EXECUTE_DISABLE_ADDRESS)
                | (userModeAddress ? USER_MODE_ADDRESS : 0) | (writable ? WRITABLE_ADDRESS : 0)
                | (executeDisable ? EXECUTE_DISABLE_ADDRESS : 0);
    }

    public static int access(long q) {
        return (int) q & 7;
    }

    public static int permissions(long q) {
        return (int) (q >>> 3) & 15;
    }

    public static boolean linearAddressValid(long q) {
        return (q & LINEAR_ADDRESS_VALID) != 0;
    }

    public static boolean translatedAccess(long q) {
        return (q & TRANSLATED_ACCESS) != 0;
    }

    public static boolean nmiUnblockingDueToIret(long q) {
        return (q & NMI_UNBLOCKING_DUE_TO_IRET) != 0;
    }

    /**
     * E.g. "write to a page that is r-x; linear address valid, access to the final translation". Bit 6 and
     * bits 9–11 are printed as bits; whether they mean anything depends on the CPU's capabilities.
     */
    public static String describe(long q) {
        StringBuilder s = new StringBuilder();
        int a = access(q);
        if (a == 0) {
            s.append("no access bit");
        } else {
            String sep = "";
            if ((a & ACCESS_READ) != 0) {
                s.append("read");
                sep = "+";
            }
            if ((a & ACCESS_WRITE) != 0) {
                s.append(sep).append("write");
                sep = "+";
            }
            if ((a & ACCESS_FETCH) != 0) {
                s.append(sep).append("fetch");
            }
        }
        int p = permissions(q);
        s.append(" to a page that is ").append((p & 1) != 0 ? 'r' : '-').append((p & 2) != 0 ? 'w' : '-')
                .append((p & 4) != 0 ? 'x' : '-');
        if ((p & PERMISSION_USER_EXECUTE) != 0) {
            s.append(" (bit 6: user-mode executable)");
        }
        if (linearAddressValid(q)) {
            s.append("; linear address valid, ").append(translatedAccess(q)
                    ? "access to the final translation" : "access to a guest paging-structure entry");
            if ((q & USER_MODE_ADDRESS) != 0) {
                s.append(", bit 9 (user-mode address)");
            }
            if ((q & WRITABLE_ADDRESS) != 0) {
                s.append(", bit 10 (writable address)");
            }
            if ((q & EXECUTE_DISABLE_ADDRESS) != 0) {
                s.append(", bit 11 (execute-disable address)");
            }
        } else {
            s.append("; no linear address");
        }
        if (nmiUnblockingDueToIret(q)) {
            s.append("; NMI unblocking due to IRET");
        }
        if ((q & SHADOW_STACK_ACCESS) != 0) {
            s.append("; shadow-stack access");
        }
        if ((q & ~DEFINED) != 0) {
            s.append("; other bits set ").append(X86Names.hex(q & ~DEFINED));
        }
        return s.toString();
    }
}
