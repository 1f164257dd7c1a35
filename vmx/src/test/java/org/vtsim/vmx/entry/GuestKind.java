package org.vtsim.vmx.entry;

/** The guest modes a baseline VMCS enters (the model has no "unrestricted guest": paging is always on). */
enum GuestKind {
    /** IA-32e mode, CS.L = 1, 4-level paging. */
    LONG_64(true),
    /** IA-32e mode, CS.L = 0 (compatibility mode). */
    COMPATIBILITY(true),
    /** 32-bit protected mode with 32-bit paging. */
    PROTECTED_32(false),
    /** 32-bit protected mode with PAE paging (the PDPTE checks of 26.3.1.6 apply). */
    PROTECTED_PAE(false),
    /** Virtual-8086 mode under 32-bit or PAE paging. */
    VIRTUAL_8086(false);

    final boolean ia32e;

    GuestKind(boolean ia32e) {
        this.ia32e = ia32e;
    }
}
