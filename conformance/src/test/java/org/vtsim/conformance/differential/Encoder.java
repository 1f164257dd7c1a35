package org.vtsim.conformance.differential;

import java.io.ByteArrayOutputStream;

/**
 * A small x86-64 encoder for the differential test: legacy prefixes, REX, opcode, ModRM/SIB,
 * displacement and immediate (SDM Vol. 2A ch. 2). It encodes exactly what it is told and refuses
 * what cannot be encoded (AH..BH together with a REX prefix), so the generator never emits bytes
 * that mean something else than their mnemonic.
 */
final class Encoder {
    /** Thrown for operand combinations with no encoding; the generator then picks again. */
    static final class Unencodable extends RuntimeException {
        Unencodable(String why) {
            super(why, null, false, false);
        }
    }

    private Encoder() {
    }

    static byte[] imm(long value, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    static final byte[] NO_IMM = new byte[0];

    /**
     * An instruction with a ModRM byte.
     *
     * @param prefixes legacy prefixes in order (F0/F2/F3/66/67), before REX
     * @param rexW REX.W (64-bit operand size)
     * @param opcode opcode bytes (including 0F escapes)
     * @param reg the register in ModRM.reg, or null when {@code digit} is used
     * @param digit the /digit opcode extension when {@code reg} is null
     * @param rm the r/m operand
     * @param imm immediate bytes following the displacement
     * @param addr linear address of the instruction (for RIP-relative operands)
     */
    static byte[] modrm(int[] prefixes, boolean rexW, int[] opcode, Reg reg, int digit, Operand rm, byte[] imm,
            long addr) {
        int rex = rexW ? 8 : 0;
        boolean forceRex = false;
        boolean high = false;
        int regField;
        if (reg != null) {
            regField = reg.low3();
            rex |= (!reg.high8() && reg.num() >= 8) ? 4 : 0;
            forceRex |= reg.needsRex();
            high |= reg.high8();
        } else {
            regField = digit;
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        int dispOffsetInTail = -1;
        boolean addr32 = false;
        if (rm instanceof Reg r) {
            tail.write(0xc0 | (regField << 3) | r.low3());
            rex |= (!r.high8() && r.num() >= 8) ? 1 : 0;
            forceRex |= r.needsRex();
            high |= r.high8();
        } else {
            Mem m = (Mem) rm;
            addr32 = m.addr32();
            if (m.index() == Reg.RSP) {
                throw new Unencodable("rsp cannot be an index");
            }
            if (m.index() != Mem.NONE && m.index() >= 8) {
                rex |= 2;
            }
            int ss = switch (m.scale()) {
                case 1 -> 0;
                case 2 -> 1;
                case 4 -> 2;
                case 8 -> 3;
                default -> throw new IllegalArgumentException("scale " + m.scale());
            };
            int idx = m.index() == Mem.NONE ? 4 : (m.index() & 7);
            if (m.base() == Mem.RIP) {
                if (m.index() != Mem.NONE) {
                    throw new Unencodable("rip-relative with index");
                }
                tail.write((regField << 3) | 5);
                dispOffsetInTail = tail.size();
                tail.writeBytes(new byte[4]);
            } else if (m.base() == Mem.NONE) {
                tail.write((regField << 3) | 4);
                tail.write((ss << 6) | (idx << 3) | 5);
                tail.writeBytes(imm(m.disp(), 4));
            } else {
                int b = m.base();
                rex |= b >= 8 ? 1 : 0;
                int mod;
                if (m.disp() == 0 && (b & 7) != 5 && !m.wideDisp()) {
                    mod = 0;
                } else if (m.disp() >= -128 && m.disp() <= 127 && !m.wideDisp()) {
                    mod = 1;
                } else {
                    mod = 2;
                }
                boolean sib = m.index() != Mem.NONE || (b & 7) == 4;
                tail.write((mod << 6) | (regField << 3) | (sib ? 4 : (b & 7)));
                if (sib) {
                    tail.write((ss << 6) | (idx << 3) | (b & 7));
                }
                if (mod == 1) {
                    tail.write((int) m.disp());
                } else if (mod == 2) {
                    tail.writeBytes(imm(m.disp(), 4));
                }
            }
        }
        tail.writeBytes(imm);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p : prefixes) {
            out.write(p);
        }
        if (addr32) {
            out.write(0x67);
        }
        if (rex != 0 || forceRex) {
            if (high) {
                throw new Unencodable("ah/ch/dh/bh with a REX prefix");
            }
            out.write(0x40 | rex);
        }
        for (int o : opcode) {
            out.write(o);
        }
        int modrmAt = out.size();
        out.writeBytes(tail.toByteArray());
        byte[] bytes = out.toByteArray();
        if (dispOffsetInTail >= 0) {
            long rel = ((Mem) rm).disp() - (addr + bytes.length);
            if (rel != (int) rel) {
                throw new Unencodable("rip-relative target out of range");
            }
            System.arraycopy(imm(rel, 4), 0, bytes, modrmAt + dispOffsetInTail, 4);
        }
        return bytes;
    }

    /** An instruction whose last opcode byte carries a register number (B8+r, 50+r, C8+r...). */
    static byte[] opReg(int[] prefixes, boolean rexW, int[] opcode, Reg r, byte[] imm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p : prefixes) {
            out.write(p);
        }
        int rex = (rexW ? 8 : 0) | ((!r.high8() && r.num() >= 8) ? 1 : 0);
        if (rex != 0 || r.needsRex()) {
            if (r.high8()) {
                throw new Unencodable("ah/ch/dh/bh with a REX prefix");
            }
            out.write(0x40 | rex);
        }
        for (int i = 0; i < opcode.length - 1; i++) {
            out.write(opcode[i]);
        }
        out.write(opcode[opcode.length - 1] + r.low3());
        out.writeBytes(imm);
        return out.toByteArray();
    }

    static byte[] raw(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    /** The 0x66 prefix for 16-bit operands, nothing otherwise. */
    static int[] osize(int size) {
        return size == 2 ? new int[] {0x66} : new int[0];
    }

    static int[] prefixes(int first, int size) {
        return size == 2 ? new int[] {first, 0x66} : new int[] {first};
    }
}
