package org.vtsim.conformance.differential;

/**
 * A memory operand (SDM Vol. 2A 2.1.5). {@code base} is a register number, {@link #NONE} or
 * {@link #RIP}; {@code index} a register number other than RSP, or {@link #NONE}. For RIP-relative
 * operands {@code disp} is the absolute target address (the encoder computes the displacement
 * from the end of the instruction). {@code addr32} adds the 0x67 address-size prefix.
 * {@code wideDisp} forces a 32-bit displacement even when 8 bits would do.
 */
record Mem(int base, int index, int scale, long disp, int size, boolean addr32, boolean wideDisp)
        implements Operand {
    static final int NONE = -1;
    static final int RIP = 16;

    static Mem base(int base, long disp, int size) {
        return new Mem(base, NONE, 1, disp, size, false, false);
    }

    static Mem rip(long target, int size) {
        return new Mem(RIP, NONE, 1, target, size, false, false);
    }

    Mem withSize(int newSize) {
        return new Mem(base, index, scale, disp, newSize, addr32, wideDisp);
    }

    String text() {
        StringBuilder sb = new StringBuilder("[");
        if (base == RIP) {
            sb.append("rip");
        } else if (base != NONE) {
            sb.append(Reg.of(base, addr32 ? 4 : 8));
        }
        if (index != NONE) {
            if (sb.length() > 1) {
                sb.append('+');
            }
            sb.append(Reg.of(index, addr32 ? 4 : 8)).append('*').append(scale);
        }
        if (base == RIP) {
            sb.append("->0x").append(Long.toHexString(disp));
        } else if (disp != 0 || sb.length() == 1) {
            sb.append(disp < 0 ? "-0x" : (sb.length() > 1 ? "+0x" : "0x")).append(Long.toHexString(Math.abs(disp)));
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        String p = switch (size) {
            case 1 -> "BYTE PTR ";
            case 2 -> "WORD PTR ";
            case 4 -> "DWORD PTR ";
            case 8 -> "QWORD PTR ";
            case 16 -> "XMMWORD PTR ";
            default -> "";
        };
        return p + text();
    }
}
