package org.vtsim.vmx.vmcs;

/**
 * A VMCS JSON document that cannot be read: malformed JSON, an unknown field name, a value that is
 * not a number or does not fit its field. The message starts with "line L, column C:" (1-based) of
 * the offending text.
 */
public final class VmcsJsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public final int line;
    public final int column;

    public VmcsJsonException(int line, int column, String problem) {
        super("line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
    }
}
