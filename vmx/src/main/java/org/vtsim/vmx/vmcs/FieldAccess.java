package org.vtsim.vmx.vmcs;

/**
 * Access type, encoding bit 0 (SDM Vol. 3C 24.11.2): a 64-bit field is reachable as a whole
 * ({@link #FULL}) or, for 32-bit software, as its upper half ({@link #HIGH}, encoding + 1). Fields
 * of other widths have only the full access type.
 */
public enum FieldAccess {
    FULL, HIGH;

    static FieldAccess ofEncoding(int encoding) {
        return (encoding & 1) == 0 ? FULL : HIGH;
    }
}
