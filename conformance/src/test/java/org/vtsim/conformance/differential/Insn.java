package org.vtsim.conformance.differential;

/**
 * One encoded instruction of a sequence with what the SDM says about its flags: {@code reads}
 * the flags it consumes, {@code writes} those it defines, {@code undefined} those it leaves
 * undefined. {@code target} is the forward destination of a control transfer, 0 for none. {@code family} is null for the set-up instructions the generator inserts (pointer
 * loads, count loads, flag definitions) around the instruction under test.
 */
record Insn(long address, byte[] bytes, String text, Family family, long reads, long writes, long undefined,
        long target) {
    String hex() {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x ", b & 0xff));
        }
        return sb.toString().trim();
    }

    @Override
    public String toString() {
        return String.format("%08x: %-36s %s%s", address, hex(), text, family == null ? "" : "   ; " + family);
    }
}
