package org.vtsim.ept.ept;

/**
 * Everything a VM exit for an EPT violation (basic exit reason 48) records, SDM Vol. 3C 27.2.1
 * (Table 27-7) and 27.2.x: the exit qualification's parts, the guest-physical address and the
 * guest-linear address. Immutable; made only when a violation happens.
 *
 * @param access               qualification bits 2:0 — 1 data read, 2 data write, 4 instruction fetch
 *                             (3 for a guest paging-structure access treated as a write, or a guest
 *                             A/D-flag update, which is a read-modify-write)
 * @param permissions          bits 6:3 >> 3 — {@link EptEntryBits#PERM_R}/W/X/UX, the AND over the EPT
 *                             entries used (UX is 0 without mode-based execute control)
 * @param linearAddressValid   bit 7 — the guest-linear-address field is valid (not for PDPTE loads)
 * @param finalTranslation     bit 8 (only if bit 7) — the access was to the translation of the linear
 *                             address, not to a guest paging-structure entry
 * @param advancedInfo         whether bits 11:9 are reported (IA32_VMX_EPT_VPID_CAP bit 22, and bits 7
 *                             and 8 both 1)
 * @param userLinear           bit 9 — the linear address is user-mode (U/S = 1 in every guest entry)
 * @param writableLinear       bit 10 — R/W = 1 in every guest entry
 * @param executeDisableLinear bit 11 — XD = 1 in some guest entry (with IA32_EFER.NXE = 1)
 * @param guestPhysical        the guest-physical address of the access
 * @param guestLinear          the guest-linear address (meaningful if {@code linearAddressValid})
 */
public record EptViolation(int access, int permissions, boolean linearAddressValid, boolean finalTranslation,
        boolean advancedInfo, boolean userLinear, boolean writableLinear, boolean executeDisableLinear,
        long guestPhysical, long guestLinear) {
    public static final long READ = 1L;
    public static final long WRITE = 1L << 1;
    public static final long FETCH = 1L << 2;
    public static final long READABLE = 1L << 3;
    public static final long WRITABLE = 1L << 4;
    public static final long EXECUTABLE = 1L << 5;
    public static final long USER_EXECUTABLE = 1L << 6;
    public static final long LINEAR_VALID = 1L << 7;
    public static final long FINAL_TRANSLATION = 1L << 8;
    public static final long USER_LINEAR = 1L << 9;
    public static final long WRITABLE_LINEAR = 1L << 10;
    public static final long EXECUTE_DISABLE_LINEAR = 1L << 11;
    public static final long NMI_UNBLOCKING = 1L << 12;

    /**
     * The exit qualification. {@code nmiUnblocking} is bit 12 — set by the CPU when the violation
     * happened while IRET was unblocking NMIs (SDM 27.2.3); the walk cannot know it.
     */
    public long exitQualification(boolean nmiUnblocking) {
        long q = (access & 7) | (long) (permissions & EptEntryBits.PERM_ALL) << 3;
        if (linearAddressValid) {
            q |= LINEAR_VALID;
            if (finalTranslation) {
                q |= FINAL_TRANSLATION;
                if (advancedInfo) {
                    q |= (userLinear ? USER_LINEAR : 0) | (writableLinear ? WRITABLE_LINEAR : 0)
                            | (executeDisableLinear ? EXECUTE_DISABLE_LINEAR : 0);
                }
            }
        }
        return q | (nmiUnblocking ? NMI_UNBLOCKING : 0);
    }

    @Override
    public String toString() {
        return String.format("EptViolation[q=0x%x gpa=0x%x gla=0x%x]", exitQualification(false), guestPhysical,
                guestLinear);
    }
}
