package org.vtsim.vmx.vmcs;

/** The type of a VMCS field, encoding bits 11:10 (SDM Vol. 3C 24.11.2, Table 24-21). */
public enum FieldType {
    CONTROL("control"),
    /** "VM-exit information" in the SDM's grouping; read-only unless VMWRITE-all is advertised. */
    EXIT_INFORMATION("read-only data"),
    GUEST_STATE("guest state"),
    HOST_STATE("host state");

    public final String description;

    FieldType(String description) {
        this.description = description;
    }

    static FieldType ofEncoding(int encoding) {
        return values()[(encoding >>> 10) & 3];
    }
}
